/**
 * Decode-only benchmark: ~1M synthetic Ethernet/IPv4/TCP frames (and IPv6 for comparison).
 * Run: node --import tsx test/decode/support/bench-decode.ts
 */
import { performance } from 'node:perf_hooks';
import { FrameDecoder } from '../../../src/decode/frame-decoder.js';
import { Stats } from '../../../src/model/stats.js';
import type { Frame } from '../../../src/model/frame.js';
import { ascii, ethernet, frame, ipv4, ipv6, tcp } from './build.js';

function makeFrames(n: number, v6: boolean, withPayload: boolean): Frame[] {
  const payload = withPayload ? ascii('GET /index.html HTTP/1.1\r\nHost: example\r\n\r\n') : new Uint8Array(0);
  const frames: Frame[] = [];
  for (let i = 0; i < n; i++) {
    // A few hundred distinct clients talking to a few servers, as on a Docker bridge.
    const client = 1 + (i % 250);
    const server = 1 + (i % 7);
    const seg = tcp(payload, { srcPort: 30000 + (i % 1000), dstPort: 80, seq: i * 41 });
    const data = v6
      ? ethernet(0x86dd, ipv6(seg, { src: `fd00::${client.toString(16)}`, dst: `fd00::1:${server}` }))
      : ethernet(0x0800, ipv4(seg, { src: `172.17.0.${client}`, dst: `172.18.0.${server}` }));
    frames.push(frame(1, data, data.length, 1000 + i, 0));
  }
  return frames;
}

function run(label: string, frames: Frame[], rounds: number): void {
  const decoder = new FrameDecoder(new Stats());
  let segments = 0;
  for (const f of frames) if (decoder.decode(f) !== undefined) segments++; // warm-up, and a check
  let bestWall = Infinity;
  let bestCpu = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < frames.length; i++) {
      decoder.decode(frames[i]);
    }
    bestWall = Math.min(bestWall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
  }
  // CPU time is reported beside wall time because the machine is shared: under load, wall time
  // measures the neighbours.
  const per = (ms: number): string => ((ms * 1e6) / frames.length).toFixed(1);
  process.stdout.write(
    `${label}: ${frames.length} frames, best of ${rounds}: wall ${per(bestWall)} ns/packet, cpu ${per(bestCpu)} ns/packet (${segments === frames.length ? 'all decoded' : 'MISSING SEGMENTS'})\n`,
  );
}

const n = Number(process.argv[2] ?? 1_000_000);
// Fresh frames, as from a reader: each frame's bytes are cold in the cache.
run('ethernet/ipv4/tcp', makeFrames(n, false, true), 5);
run('ethernet/ipv4/tcp, pure ACKs', makeFrames(n, false, false), 5);
run('ethernet/ipv6/tcp', makeFrames(n, true, true), 5);
// The decoder's own cost: a small set of frames decoded over and over (cache-hot).
run('ethernet/ipv4/tcp, cache-hot', makeFrames(20_000, false, true), 200);
