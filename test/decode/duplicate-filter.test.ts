import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuplicateFilter } from '../../src/decode/duplicate-filter.js';
import { TcpFlags, type Segment } from '../../src/model/segment.js';
import { Stats } from '../../src/model/stats.js';

const BASE_SEC = 1_700_000_000;

interface SegmentSpec {
  iface: number;
  /** Capture time in milliseconds after BASE_SEC (fractions allowed). */
  ms: number;
  seq?: number;
  ack?: number;
  flags?: number;
  payload?: Uint8Array;
  srcIp?: string;
  dstIp?: string;
  srcPort?: number;
  dstPort?: number;
}

function seg(spec: SegmentSpec): Segment {
  const ns = Math.round(spec.ms * 1e6);
  return {
    ts: { sec: BASE_SEC + Math.floor(ns / 1e9), nsec: ns % 1e9 },
    srcIp: spec.srcIp ?? '172.17.0.2',
    dstIp: spec.dstIp ?? '172.17.0.3',
    srcPort: spec.srcPort ?? 40000,
    dstPort: spec.dstPort ?? 80,
    seq: spec.seq ?? 1000,
    ack: spec.ack ?? 5000,
    flags: spec.flags ?? TcpFlags.ACK | TcpFlags.PSH,
    window: 502,
    payload: spec.payload ?? bytes(100, 1),
    interfaceId: spec.iface,
  };
}

function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed * 131 + i * 7) & 0xff;
  return out;
}

/** Feeds segments in order; returns which were accepted. */
function run(filter: DuplicateFilter, segments: Segment[]): boolean[] {
  return segments.map((s) => filter.accept(s));
}

describe('DuplicateFilter', () => {
  it('passes everything on a single interface and remembers nothing (fast path)', () => {
    const stats = new Stats();
    const filter = new DuplicateFilter(stats);
    const same = seg({ iface: 3, ms: 0 });
    assert.deepEqual(run(filter, [same, seg({ iface: 3, ms: 1 }), seg({ iface: 3, ms: 2 })]), [true, true, true]);
    assert.equal(filter.size, 0);
    assert.equal(stats.get('capture.duplicate'), 0);
  });

  it('drops a copy on another interface within the window, in either order, and counts it', () => {
    const stats = new Stats();
    const filter = new DuplicateFilter(stats);
    filter.interfaceOpened(0);
    filter.interfaceOpened(1);
    const results = run(filter, [
      seg({ iface: 0, ms: 0, seq: 1 }),
      seg({ iface: 1, ms: 0.02, seq: 1 }), // the bridge's copy of the veth's packet
      seg({ iface: 1, ms: 10, seq: 2 }), // now the bridge first…
      seg({ iface: 0, ms: 9.99, seq: 2 }), // …and the veth's copy, even with an earlier timestamp
    ]);
    assert.deepEqual(results, [true, false, true, false]);
    assert.equal(stats.get('capture.duplicate'), 2);
    assert.equal(filter.duplicates, 2);
  });

  it('keeps a copy outside the window (default 50 ms; an option)', () => {
    const filter = new DuplicateFilter(new Stats());
    filter.interfaceOpened(0);
    filter.interfaceOpened(1);
    assert.deepEqual(run(filter, [seg({ iface: 0, ms: 0 }), seg({ iface: 1, ms: 50.001 }), seg({ iface: 0, ms: 100.002 })]), [true, true, true]);
    // Each kept packet counts: this one is 49.999 ms after the copy on interface 1.
    assert.equal(filter.accept(seg({ iface: 0, ms: 100 })), false);

    const narrow = new DuplicateFilter(new Stats(), { windowSeconds: 0.001 });
    narrow.interfaceOpened(0);
    narrow.interfaceOpened(1);
    assert.deepEqual(run(narrow, [seg({ iface: 0, ms: 0 }), seg({ iface: 1, ms: 0.5 }), seg({ iface: 1, ms: 20, seq: 7 }), seg({ iface: 0, ms: 22, seq: 7 })]), [
      true,
      false,
      true,
      true,
    ]);
  });

  it('passes retransmissions on the same interface, and drops their copies elsewhere', () => {
    const stats = new Stats();
    const filter = new DuplicateFilter(stats);
    filter.interfaceOpened(0);
    filter.interfaceOpened(1);
    const results = run(filter, [
      seg({ iface: 0, ms: 0 }),
      seg({ iface: 1, ms: 0.01 }),
      seg({ iface: 0, ms: 5 }), // retransmission (same interface): reassembly must see it
      seg({ iface: 1, ms: 5.01 }),
      seg({ iface: 0, ms: 10 }),
    ]);
    assert.deepEqual(results, [true, false, true, false, true]);
    assert.equal(stats.get('capture.duplicate'), 2);
  });

  it('drops every further copy when a packet is seen on three interfaces', () => {
    const filter = new DuplicateFilter(new Stats());
    for (const id of [0, 1, 2]) filter.interfaceOpened(id);
    assert.deepEqual(run(filter, [seg({ iface: 2, ms: 0 }), seg({ iface: 0, ms: 0.01 }), seg({ iface: 1, ms: 0.02 })]), [true, false, false]);
  });

  it('passes segments that differ in any part of their identity', () => {
    const filter = new DuplicateFilter(new Stats());
    filter.interfaceOpened(0);
    filter.interfaceOpened(1);
    assert.equal(filter.accept(seg({ iface: 0, ms: 0 })), true);
    const variants: SegmentSpec[] = [
      { iface: 1, ms: 0.1, seq: 1001 },
      { iface: 1, ms: 0.1, ack: 5001 },
      { iface: 1, ms: 0.1, flags: TcpFlags.ACK },
      { iface: 1, ms: 0.1, srcIp: '172.17.0.9' },
      { iface: 1, ms: 0.1, dstIp: '172.18.0.3' },
      { iface: 1, ms: 0.1, srcPort: 40001 },
      { iface: 1, ms: 0.1, dstPort: 81 },
      { iface: 1, ms: 0.1, payload: bytes(99, 1) },
      { iface: 1, ms: 0.1, payload: (() => { const p = bytes(100, 1); p[31] ^= 1; return p; })() },
    ];
    for (const v of variants) assert.equal(filter.accept(seg(v)), true, JSON.stringify(v, (k, x) => (k === 'payload' ? undefined : x)));
    assert.equal(filter.duplicates, 0);
    // The identity hashes only the first 32 payload bytes: a change past them is not seen (accepted cost).
    const late = bytes(100, 1);
    late[32] ^= 1;
    assert.equal(filter.accept(seg({ iface: 1, ms: 0.2, payload: late })), false);
  });

  it('passes copies segmented differently (GRO on a veth), and drops an identical super-packet', () => {
    const stats = new Stats();
    const filter = new DuplicateFilter(stats);
    filter.interfaceOpened(0);
    filter.interfaceOpened(1);
    const body = bytes(60_000, 9);
    // The veth sees one 60 KB GRO super-packet…
    assert.equal(filter.accept(seg({ iface: 0, ms: 0, seq: 100, payload: body })), true);
    // …the bridge sees it in two (first half: same seq, other length; second half: other seq).
    assert.equal(filter.accept(seg({ iface: 1, ms: 0.05, seq: 100, payload: body.subarray(0, 30_000) })), true);
    assert.equal(filter.accept(seg({ iface: 1, ms: 0.06, seq: 30_100, payload: body.subarray(30_000) })), true);
    // MTU-sized segments with the same start on the bridge pass too.
    assert.equal(filter.accept(seg({ iface: 1, ms: 0.07, seq: 100, payload: body.subarray(0, 1448) })), true);
    // The usual case: the bridge sees the very same super-packet.
    assert.equal(filter.accept(seg({ iface: 1, ms: 0.08, seq: 100, payload: body })), false);
    assert.equal(stats.get('capture.duplicate'), 1);
  });

  it('pure ACKs and SYNs are identified like any packet', () => {
    const filter = new DuplicateFilter(new Stats());
    filter.interfaceOpened(0);
    filter.interfaceOpened(1);
    const empty = new Uint8Array(0);
    const results = run(filter, [
      seg({ iface: 0, ms: 0, flags: TcpFlags.SYN, seq: 7, ack: 0, payload: empty }),
      seg({ iface: 1, ms: 0.01, flags: TcpFlags.SYN, seq: 7, ack: 0, payload: empty }),
      seg({ iface: 0, ms: 1, flags: TcpFlags.ACK, payload: empty }),
      seg({ iface: 0, ms: 1.5, flags: TcpFlags.ACK, payload: empty }), // a duplicate ACK (same interface): kept
      seg({ iface: 1, ms: 1.01, flags: TcpFlags.ACK, payload: empty }),
    ]);
    assert.deepEqual(results, [true, false, true, true, false]);
  });

  it('switches on at the first packet of a second interface when interfaces were not announced', () => {
    const filter = new DuplicateFilter(new Stats());
    // Packets from before the switch were not remembered, so this copy slips through (documented).
    assert.deepEqual(run(filter, [seg({ iface: 4, ms: 0, seq: 1 }), seg({ iface: 5, ms: 0.01, seq: 1 })]), [true, true]);
    assert.equal(filter.size, 1);
    // From then on copies are caught, on both interfaces.
    assert.deepEqual(run(filter, [seg({ iface: 4, ms: 1, seq: 2 }), seg({ iface: 5, ms: 1.01, seq: 2 }), seg({ iface: 5, ms: 0.02, seq: 1 })]), [
      true,
      false,
      true, // same interface as the remembered one: a retransmission
    ]);
  });

  it('stays within maxEntries, forgetting the oldest', () => {
    const filter = new DuplicateFilter(new Stats(), { maxEntries: 4 });
    filter.interfaceOpened(0);
    filter.interfaceOpened(1);
    for (let i = 0; i < 6; i++) assert.equal(filter.accept(seg({ iface: 0, ms: i * 0.01, seq: i })), true);
    assert.equal(filter.size, 4);
    // seq 0 and 1 are forgotten; 2..5 are remembered.
    assert.equal(filter.accept(seg({ iface: 1, ms: 0.1, seq: 0 })), true);
    assert.equal(filter.accept(seg({ iface: 1, ms: 0.1, seq: 5 })), false);
    assert.ok(filter.size <= 4);
  });

  it('forgets packets older than twice the window as capture time advances', () => {
    const filter = new DuplicateFilter(new Stats());
    filter.interfaceOpened(0);
    filter.interfaceOpened(1);
    for (let i = 0; i < 1000; i++) filter.accept(seg({ iface: 0, ms: i * 0.01, seq: i }));
    assert.equal(filter.size, 1000);
    filter.accept(seg({ iface: 0, ms: 10_000, seq: 99_999 }));
    assert.equal(filter.size, 1);
    filter.accept(seg({ iface: 0, ms: 10_090, seq: 100_000 }));
    assert.equal(filter.size, 2);
    filter.accept(seg({ iface: 0, ms: 10_101, seq: 100_001 }));
    assert.equal(filter.size, 2);
  });

  for (const seed of [42, 7, 2024]) it(`agrees with a plain reference over random traffic on three interfaces (seed ${seed})`, () => {
    let state = seed;
    const rand = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 4294967296;
    };
    const segments: Segment[] = [];
    let ms = 0;
    for (let i = 0; i < 3000; i++) {
      ms += rand() * 2;
      const spec: SegmentSpec = {
        iface: Math.floor(rand() * 3),
        ms,
        // Few distinct values, so identities repeat often (retransmissions, copies and near misses).
        seq: Math.floor(rand() * 8),
        ack: Math.floor(rand() * 2),
        srcPort: 40000 + Math.floor(rand() * 2),
        payload: bytes(Math.floor(rand() * 3) * 10, Math.floor(rand() * 2)),
      };
      segments.push(seg(spec));
      // Copies on other interfaces, up to 45 ms late or 1 ms early (the filter remembers two windows behind the
      // newest packet; the reference below remembers everything, so copies stay within that horizon).
      if (rand() < 0.5) segments.push(seg({ ...spec, iface: (spec.iface + 1) % 3, ms: ms + rand() * 46 - 1 }));
    }
    const filter = new DuplicateFilter(new Stats());
    for (const id of [0, 1, 2]) filter.interfaceOpened(id);
    const got = run(filter, segments);

    const identity = (s: Segment): string =>
      [s.srcIp, s.dstIp, s.srcPort, s.dstPort, s.seq, s.ack, s.flags, s.payload.length, Buffer.from(s.payload.subarray(0, 32)).toString('hex')].join('|');
    const ids = segments.map(identity);
    const times = segments.map((s) => (s.ts.sec - BASE_SEC) * 1e3 + s.ts.nsec / 1e6);
    const kept: number[] = [];
    const expected = segments.map((s, i) => {
      const dup = kept.some((k) => segments[k].interfaceId !== s.interfaceId && ids[k] === ids[i] && Math.abs(times[k] - times[i]) <= 50 + 1e-9);
      if (!dup) kept.push(i);
      return !dup;
    });
    const drops = expected.filter((x) => !x).length;
    assert.ok(drops > 500 && drops < segments.length - 1000, `the data must mix duplicates (${drops}) and kept packets`);
    const bad = got.map((g, i) => (g !== expected[i] ? i : -1)).filter((i) => i >= 0);
    assert.deepEqual(got, expected);
  });
});
