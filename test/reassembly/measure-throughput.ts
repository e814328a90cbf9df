/**
 * Reassembly cost per segment on the common path: ~1M in-order segments over ~10k connections
 * (request/response turns, every segment carrying an ACK), with a no-op handler.
 * Run: node --import tsx test/reassembly/measure-throughput.ts
 * A measurement, not a test: it prints numbers and asserts nothing about time.
 */
import type { StreamHandler } from '../../src/model/connection.js';
import { defaultPipelineOptions } from '../../src/model/options.js';
import { TcpFlags, type Segment } from '../../src/model/segment.js';
import { Stats } from '../../src/model/stats.js';
import { connectionKey } from '../../src/reassembly/connection-key.js';
import { Reassembler } from '../../src/reassembly/reassembler.js';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10_000);
const SEGMENTS = 1_000_000;

function build(): Segment[] {
  const chunk = new Uint8Array(1 << 16);
  const segments: Segment[] = [];
  const perConn = Math.floor(SEGMENTS / CONNECTIONS) - 3;
  const seqA = new Uint32Array(CONNECTIONS);
  const seqB = new Uint32Array(CONNECTIONS);
  let ns = 0;
  const ts = () => {
    ns += 1000;
    return { sec: 1_700_000_000 + Math.floor(ns / 1e9), nsec: ns % 1e9 };
  };
  const mk = (c: number, fromA: boolean, seq: number, ack: number, flags: number, len: number): Segment => {
    const a = `10.${(c >> 8) & 255}.${c & 255}.1`;
    const off = (c * 97) % 60000;
    return {
      ts: ts(),
      srcIp: fromA ? a : '172.17.0.2',
      dstIp: fromA ? '172.17.0.2' : a,
      srcPort: fromA ? 40000 + (c % 20000) : 80,
      dstPort: fromA ? 80 : 40000 + (c % 20000),
      seq,
      ack,
      flags,
      window: 502,
      payload: chunk.subarray(off, off + len),
      interfaceId: 0,
    };
  };
  const { SYN, ACK, PSH } = TcpFlags;
  for (let c = 0; c < CONNECTIONS; c++) {
    seqA[c] = (c * 2654435761) >>> 0;
    seqB[c] = (c * 40503 + 12345) >>> 0;
    segments.push(mk(c, true, seqA[c], 0, SYN, 0));
    segments.push(mk(c, false, seqB[c], (seqA[c] + 1) >>> 0, SYN | ACK, 0));
    seqA[c] = (seqA[c] + 1) >>> 0;
    seqB[c] = (seqB[c] + 1) >>> 0;
    segments.push(mk(c, true, seqA[c], seqB[c], ACK, 0));
  }
  // Round-robin over connections: each turn is a request from A then a response from B.
  for (let i = 0; i < perConn; i++) {
    for (let c = 0; c < CONNECTIONS; c++) {
      const fromA = i % 2 === 0;
      const len = fromA ? 180 : 1200;
      if (fromA) {
        segments.push(mk(c, true, seqA[c], seqB[c], ACK | PSH, len));
        seqA[c] = (seqA[c] + len) >>> 0;
      } else {
        segments.push(mk(c, false, seqB[c], seqA[c], ACK | PSH, len));
        seqB[c] = (seqB[c] + len) >>> 0;
      }
    }
  }
  return segments;
}

const noop: StreamHandler = { data() {}, gap() {}, end() {} };

/** CPU time (user + system) rather than wall time: this machine's other work inflates wall time. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function runOnce(segments: Segment[]): { ns: number; stats: Stats } {
  const stats = new Stats();
  const r = new Reassembler(() => noop, stats, defaultPipelineOptions);
  const start = cpuNs();
  for (let i = 0; i < segments.length; i++) r.segment(segments[i]);
  r.finish();
  return { ns: cpuNs() - start, stats };
}

/** The floor: building the key and one Map lookup per segment, nothing else. */
function baseline(segments: Segment[]): number {
  const table = new Map<string, number>();
  for (const s of segments) table.set(connectionKey(s), 1);
  const start = cpuNs();
  let x = 0;
  for (let i = 0; i < segments.length; i++) x += table.get(connectionKey(segments[i])) ?? 0;
  const ns = cpuNs() - start;
  if (x !== segments.length) throw new Error('baseline');
  return ns / segments.length;
}

const segments = build();
const results: number[] = [];
let last: Stats | undefined;
for (let run = 0; run < 6; run++) {
  const { ns, stats } = runOnce(segments);
  if (run > 0) results.push(ns / segments.length);
  last = stats;
}
results.sort((a, b) => a - b);
const floor: number[] = [];
for (let run = 0; run < 5; run++) floor.push(baseline(segments));
floor.sort((a, b) => a - b);
const counts = last?.toJSON() ?? {};
console.log(
  `segments=${segments.length} connections=${CONNECTIONS} ns/segment best=${results[0].toFixed(1)} ` +
    `median=${results[results.length >> 1].toFixed(1)}; key+Map.get alone best=${floor[0].toFixed(1)} ` +
    `(${JSON.stringify(counts)})`,
);
