import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CaptureContainers } from '../../src/containers/capture-names.js';
import type { DockerResolverStatus } from '../../src/containers/docker-resolver.js';
import { IpTimeline } from '../../src/containers/ip-timeline.js';
import { NamingHold } from '../../src/cli/live-naming-hold.js';
import { NamingStatusLines } from '../../src/cli/live-naming-status.js';
import { LiveRecorder } from '../../src/cli/live-recorder.js';
import type { ContainerRef } from '../../src/model/container.js';
import type { Exchange } from '../../src/model/exchange.js';
import type { Frame, NameRecord } from '../../src/model/frame.js';
import { Stats } from '../../src/model/stats.js';
import type { Timestamp } from '../../src/model/time.js';
import { readCapture } from '../../src/source/read-capture.js';

const status = (state: DockerResolverStatus['state'], reason?: string, loads = 0): DockerResolverStatus => ({
  state,
  endpoint: 'unix:///run/docker.sock',
  text: reason === undefined ? state : `${state}: ${reason}`,
  loads,
  ...(reason === undefined ? {} : { reason }),
});

describe('the naming status lines of hopscope live', () => {
  it('says once how naming starts, then only when it stops or comes back', () => {
    const lines = new NamingStatusLines();
    const said = [
      status('connected', undefined, 1),
      status('reconnecting', 'the connection to unix:///run/docker.sock closed', 1),
      status('reconnecting', 'connection refused at unix:///run/docker.sock (is dockerd or podman running?)', 1),
      status('reconnecting', 'no Docker socket at unix:///run/docker.sock', 1),
      status('connected', undefined, 2),
      status('stopped', undefined, 2),
    ].map((s) => lines.next(s));
    assert.deepEqual(said, [
      'hopscope: naming containers from Docker at unix:///run/docker.sock',
      'hopscope: lost Docker (the connection to unix:///run/docker.sock closed): containers known so far keep their names, new ones show addresses; names come back when it does',
      undefined,
      undefined,
      'hopscope: Docker is back at unix:///run/docker.sock: naming containers again',
      undefined,
    ]);
  });

  it('says why Docker is unavailable at the start, and when it first answers', () => {
    const lines = new NamingStatusLines();
    assert.equal(
      lines.next(status('unavailable', 'no Docker socket at unix:///run/docker.sock')),
      'hopscope: Docker unavailable (no Docker socket at unix:///run/docker.sock): showing addresses; names come back when it does',
    );
    assert.equal(lines.next(status('unavailable', 'connection refused at unix:///run/docker.sock')), undefined);
    assert.equal(lines.next(status('connected', undefined, 1)), 'hopscope: naming containers from Docker at unix:///run/docker.sock');
  });

  it('says it is waiting when the first answer is slow, then what became of it', () => {
    const lines = new NamingStatusLines();
    assert.equal(lines.next(status('connecting')), 'hopscope: waiting for Docker at unix:///run/docker.sock: showing addresses until it answers');
    assert.equal(lines.next(status('unavailable', 'no answer from unix:///run/docker.sock in time')), 'hopscope: Docker unavailable (no answer from unix:///run/docker.sock in time): showing addresses; names come back when it does');
    const slow = new NamingStatusLines();
    slow.next(status('connecting'));
    assert.equal(slow.next(status('connected', undefined, 1)), 'hopscope: naming containers from Docker at unix:///run/docker.sock');
  });
});

const ts = (sec: number): Timestamp => ({ sec, nsec: 0 });
const web: ContainerRef = { kind: 'container', id: 'w1', name: 'web', network: 'net' };
const api: ContainerRef = { kind: 'container', id: 'a1', name: 'api', network: 'net' };

/** The fields of an exchange that naming reads and writes. */
function exchange(client: string, server: string, at: number, seq: number, bodyBytes = 0): Exchange {
  return {
    seq,
    connection: { client: { ip: client, port: 40000 + seq }, server: { ip: server, port: 8080 } },
    request: { firstByte: ts(at), body: { data: new Uint8Array(bodyBytes) } },
  } as unknown as Exchange;
}

describe('NamingHold: a moment for Docker to name a just-started container', () => {
  function setup(active = true) {
    const timeline = new IpTimeline();
    timeline.open('10.0.0.2', api);
    let clock = 0;
    let on = active;
    const out: Exchange[] = [];
    const hold = new NamingHold(timeline, () => on, (e) => out.push(e), { holdMs: 500, maxHeld: 3, maxHeldBytes: 1000, now: () => clock, timer: false });
    // What the pipeline's naming stage does before the hold.
    const push = (e: Exchange) => {
      const c = timeline.resolve(e.connection.client.ip, e.request.firstByte);
      const s = timeline.resolve(e.connection.server.ip, e.request.firstByte);
      if (c) e.clientContainer = c;
      if (s) e.serverContainer = s;
      hold.push(e);
    };
    return { timeline, hold, out, push, tick: (ms: number) => ((clock += ms), hold.tick()), off: () => (on = false) };
  }

  it('passes named exchanges straight on', () => {
    const { timeline, out, push, hold } = setup();
    timeline.open('10.0.0.3', web);
    push(exchange('10.0.0.3', '10.0.0.2', 100, 1));
    assert.equal(out.length, 1);
    assert.equal(hold.held, 0);
  });

  it('names an exchange whose container Docker reports a moment later, at its own time, in completion order', () => {
    const { timeline, out, push, tick } = setup();
    push(exchange('10.0.0.3', '10.0.0.2', 100, 1)); // web has started, Docker has not said so yet
    timeline.open('10.0.0.4', web);
    push(exchange('10.0.0.4', '10.0.0.2', 101, 2)); // named, but waits behind the first
    tick(200);
    assert.equal(out.length, 0);
    timeline.open('10.0.0.3', web, ts(99)); // the start event, with the container's StartedAt
    tick(300);
    assert.deepEqual(out.map((e) => [e.seq, e.clientContainer?.name, e.serverContainer?.name]), [
      [1, 'web', 'api'],
      [2, 'web', 'api'],
    ]);
  });

  it('lets an exchange go unnamed when nothing names it in time, and does not wait while Docker is away', () => {
    const { out, push, tick, off, hold } = setup();
    push(exchange('192.0.2.9', '10.0.0.2', 100, 1));
    tick(499);
    assert.equal(out.length, 0);
    tick(1);
    assert.equal(out.length, 1);
    assert.equal(out[0].clientContainer, undefined);
    assert.equal(out[0].serverContainer?.name, 'api');
    push(exchange('192.0.2.9', '10.0.0.2', 101, 2));
    assert.equal(hold.held, 1);
    off();
    tick(1);
    assert.equal(out.length, 2, 'released at once when Docker stops answering');
    push(exchange('192.0.2.9', '10.0.0.2', 102, 3));
    assert.equal(out.length, 3, 'and nothing waits while it is away');
  });

  it('is bounded in exchanges and body bytes: beyond either the oldest go out; flush releases the rest', () => {
    const { out, push, hold } = setup();
    for (let i = 1; i <= 5; i++) push(exchange('192.0.2.9', '10.0.0.2', 100 + i, i));
    assert.deepEqual(out.map((e) => e.seq), [1, 2]);
    assert.equal(hold.held, 3);
    hold.flush();
    assert.deepEqual(out.map((e) => e.seq), [1, 2, 3, 4, 5]);
    // Bodies count too: 600 + 600 bytes is over 1000, the first goes; one over the bound alone goes at once.
    push(exchange('192.0.2.9', '10.0.0.2', 110, 6, 600));
    push(exchange('192.0.2.9', '10.0.0.2', 111, 7, 600));
    assert.deepEqual(out.map((e) => e.seq), [1, 2, 3, 4, 5, 6]);
    push(exchange('192.0.2.9', '10.0.0.2', 112, 8, 5000));
    assert.deepEqual(out.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(hold.held, 0);
  });
});

/** Everything a pcapng file holds, in file order: packets (by second), name records, our timeline blocks. */
async function blocksOf(path: string): Promise<{ order: string[]; records: NameRecord[]; found: CaptureContainers }> {
  const order: string[] = [];
  const records: NameRecord[] = [];
  const found = new CaptureContainers();
  const ignore = () => {};
  await readCapture(
    path,
    {
      frame: (f) => order.push(`frame ${f.ts.sec}`),
      interface: ignore,
      warning: ignore,
      nameRecord: (r) => {
        records.push(r);
        order.push(`names ${r.address}=${r.names.join(',')}`);
      },
      customBlock: (pen, data) => {
        if (found.customBlock(pen, data)) order.push('timeline');
      },
    },
    new Stats(),
  );
  return { order, records, found };
}

describe('LiveRecorder: -w files carry the container names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-recorder-names-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const frame = (sec: number): Frame => ({ ts: ts(sec), linkType: 1, data: new Uint8Array(60), wireLength: 60, interfaceId: 0 });

  it('writes names known at the start, changes between packets, the timeline when it changed (at most once a minute) and at the end', async () => {
    const path = join(dir, 'names.pcapng');
    const timeline = new IpTimeline();
    timeline.open('10.0.0.2', api, ts(50));
    timeline.open('10.0.0.1', { kind: 'host', name: 'host' });
    const recorder = new LiveRecorder(path, undefined, 'hopscope test');
    recorder.addInterface({ id: 0, name: 'br-test', linkType: 1, snapLength: 262144, precision: 'nano' });
    recorder.mirrorNames({ timeline, meta: { source: 'docker', engine: { endpoint: 'unix:///run/docker.sock' } } });
    recorder.write([frame(100)]);
    timeline.open('10.0.0.3', web, ts(100)); // a container starts: its name goes in at once
    recorder.write([frame(100), frame(100)]);
    recorder.write([frame(130)]);
    timeline.close('10.0.0.3', web, ts(130)); // it stops, and another takes the address
    timeline.open('10.0.0.3', api, ts(130));
    recorder.write([frame(130)]);
    recorder.write([frame(160)]); // a minute after the first packet: the changed timeline
    timeline.open('10.0.0.4', web, ts(161));
    recorder.write([frame(161)]);
    await recorder.close([]);

    const { order, found } = await blocksOf(path);
    assert.deepEqual(order, [
      'names 10.0.0.1=host',
      'names 10.0.0.2=api',
      'timeline',
      'frame 100',
      'names 10.0.0.3=web',
      'frame 100',
      'frame 100',
      'frame 130',
      'names 10.0.0.3=api,web',
      'frame 130',
      'timeline',
      'frame 160',
      'names 10.0.0.4=web',
      'frame 161',
      'timeline',
    ]);
    // What read gets from the blocks: the address at each moment.
    const back = found.applyTo(new IpTimeline());
    assert.equal(back.resolve('10.0.0.3', ts(100))?.name, 'web');
    assert.equal(back.resolve('10.0.0.3', ts(130))?.name, 'api');
    assert.equal(back.resolve('10.0.0.4', ts(161))?.name, 'web');
    assert.equal(back.resolve('10.0.0.2', ts(49)), undefined);
    assert.deepEqual(back.resolve('10.0.0.1', ts(0)), { kind: 'host', name: 'host' });
  });

  it('writes no names when the timeline never knew anything', async () => {
    const path = join(dir, 'empty.pcapng');
    const recorder = new LiveRecorder(path, undefined, 'hopscope test');
    recorder.addInterface({ id: 0, name: 'br-test', linkType: 1, snapLength: 262144, precision: 'nano' });
    recorder.mirrorNames({ timeline: new IpTimeline(), meta: {} });
    recorder.write([frame(100)]);
    await recorder.close([]);
    assert.deepEqual((await blocksOf(path)).order, ['frame 100']);
  });
});
