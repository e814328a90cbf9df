import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HopscopeError } from '../../src/model/errors.js';
import { block, Bytes, concat, epb, idb, isb, nrb, packetBlock, payload, shb, spb } from './capture-bytes.js';
import { readWhole } from './recorder.js';

/** Reference conversion with BigInt, independent of the reader's arithmetic. */
function expectedTs(ticks: bigint, tsresol = 6, offset = 0n): { sec: number; nsec: number } {
  const perSec = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
  return { sec: Number(ticks / perSec + offset), nsec: Number(((ticks % perSec) * 1_000_000_000n) / perSec) };
}

const NS_TICKS = 1_732_650_000_123_456_789n; // nanoseconds since 1970: beyond 2^53
const US_TICKS = 1_732_650_000_654_321n;

/** Two sections in opposite byte orders with four interfaces, every packet block kind, NRB, ISB, a custom block. */
function twoSections(): Uint8Array {
  const le = true;
  const be = false;
  return concat(
    shb(le, [{ code: 4, value: new TextEncoder().encode('Linux') }]),
    idb(le, { linkType: 1, name: 'eth0', description: 'first NIC' }),
    idb(le, { linkType: 276, snapLength: 96, name: 'any', tsresol: 9, tsoffset: 100n }),
    epb(le, 0, US_TICKS, payload(60, 1), 1500),
    epb(le, 1, NS_TICKS, payload(96, 2), 400),
    nrb(le, [
      { address: [10, 0, 0, 1], names: ['gateway', 'gw.local'] },
      { address: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], names: ['v6host'] },
    ]),
    isb(le, 0),
    block(le, 0x00000bad, payload(9, 3)),
    spb(le, 70, payload(70, 4)),
    packetBlock(le, 1, NS_TICKS + 1n, payload(33, 5)),
    shb(be),
    idb(be, { linkType: 101, snapLength: 64, tsresol: 0x8a }),
    idb(be, { linkType: 0, tsresol: 12 }),
    epb(be, 1, 1_732_650_000_123_456_789_012n & 0xffff_ffff_ffff_ffffn, payload(20, 6)),
    epb(be, 0, 1_774_234_000_123n, payload(40, 7)),
    spb(be, 100, payload(64, 8)),
  );
}

describe('pcapng', () => {
  it('reads sections, interfaces, every packet block kind and name records', () => {
    const { rec, reader } = readWhole(twoSections());
    assert.equal(reader.format, 'pcapng');
    assert.deepEqual(rec.interfaces, [
      { id: 0, linkType: 1, snapLength: 0, name: 'eth0', description: 'first NIC' },
      { id: 1, linkType: 276, snapLength: 96, name: 'any' },
      { id: 2, linkType: 101, snapLength: 64 },
      { id: 3, linkType: 0, snapLength: 0 },
    ]);
    assert.deepEqual(rec.names, [
      { address: '10.0.0.1', names: ['gateway', 'gw.local'] },
      { address: '2001:db8::1', names: ['v6host'] },
    ]);
    const frames = rec.frames.map((f) => ({ ts: f.ts, linkType: f.linkType, len: f.data.length, wire: f.wireLength, id: f.interfaceId, first: f.data[0] }));
    const big = 1_732_650_000_123_456_789_012n & 0xffff_ffff_ffff_ffffn;
    assert.deepEqual(frames, [
      { ts: expectedTs(US_TICKS), linkType: 1, len: 60, wire: 1500, id: 0, first: payload(1, 1)[0] },
      { ts: expectedTs(NS_TICKS, 9, 100n), linkType: 276, len: 96, wire: 400, id: 1, first: payload(1, 2)[0] },
      // SPB: interface 0, no timestamp of its own (the last one is kept), wire length from the block.
      { ts: expectedTs(NS_TICKS, 9, 100n), linkType: 1, len: 70, wire: 70, id: 0, first: payload(1, 4)[0] },
      // Obsolete Packet Block on interface 1.
      { ts: expectedTs(NS_TICKS + 1n, 9, 100n), linkType: 276, len: 33, wire: 33, id: 1, first: payload(1, 5)[0] },
      // Second section: ids continue, 10^-12 and 2^-10 resolutions.
      { ts: expectedTs(big, 12), linkType: 0, len: 20, wire: 20, id: 3, first: payload(1, 6)[0] },
      { ts: expectedTs(1_774_234_000_123n, 0x8a), linkType: 101, len: 40, wire: 40, id: 2, first: payload(1, 7)[0] },
      // SPB capped by the interface's snapshot length (64) while the wire length stays 100.
      { ts: expectedTs(1_774_234_000_123n, 0x8a), linkType: 101, len: 64, wire: 100, id: 2, first: payload(1, 8)[0] },
    ]);
    assert.deepEqual([...rec.frames[4].data], [...payload(20, 6)]);
    assert.deepEqual(rec.warnings, []);
    assert.equal(rec.stats.get('capture.unknown-block'), 1);
    assert.equal(rec.stats.get('capture.frames'), 7);
    assert.equal(rec.order.join(''), 'iiffnnffiifff');
  });

  it('converts timestamps exactly at every resolution', () => {
    const cases: Array<[number, bigint]> = [
      [6, US_TICKS],
      [9, NS_TICKS],
      [9, 0xffff_ffff_ffff_ffffn],
      [3, 1_732_650_000_999n],
      [0, 1_732_650_000n],
      [0x80 | 20, (1_732_650_000n << 20n) + 0xfffffn],
      [0x80 | 32, (1_732_650_000n << 32n) + 0x8000_0000n],
      [15, 1_732_650_000_123_456_789_012_345n & 0xffff_ffff_ffff_ffffn],
    ];
    for (const [tsresol, ticks] of cases) {
      const bytes = concat(shb(true), idb(true, { linkType: 1, tsresol }), epb(true, 0, ticks, payload(1, 0)));
      const { rec } = readWhole(bytes);
      assert.deepEqual(rec.frames[0].ts, expectedTs(ticks, tsresol), `tsresol ${tsresol} ticks ${ticks}`);
      assert.ok(rec.frames[0].ts.nsec >= 0 && rec.frames[0].ts.nsec < 1e9);
    }
  });

  it('applies a negative if_tsoffset', () => {
    const bytes = concat(shb(false), idb(false, { linkType: 1, tsoffset: -3600n }), epb(false, 0, US_TICKS, payload(1, 0)));
    assert.deepEqual(readWhole(bytes).rec.frames[0].ts, expectedTs(US_TICKS, 6, -3600n));
  });

  it('starts a new interface list with every section', () => {
    // The second section has no interface 1: a block naming it is skipped and reported.
    const bytes = concat(
      shb(true),
      idb(true, { linkType: 1 }),
      idb(true, { linkType: 113 }),
      shb(true),
      idb(true, { linkType: 276 }),
      epb(true, 1, US_TICKS, payload(10, 1)),
      epb(true, 0, US_TICKS, payload(10, 2)),
    );
    const { rec } = readWhole(bytes);
    assert.deepEqual(
      rec.frames.map((f) => [f.interfaceId, f.linkType]),
      [[2, 276]],
    );
    assert.deepEqual(
      rec.warnings.map((w) => w.code),
      ['capture.unknown-interface'],
    );
  });

  it('skips a simple packet block before any interface', () => {
    const { rec } = readWhole(concat(shb(true), spb(true, 4, payload(4, 0)), idb(true, { linkType: 1 }), spb(true, 4, payload(4, 0))));
    assert.equal(rec.frames.length, 1);
    assert.equal(rec.stats.get('capture.unknown-interface'), 1);
  });

  it('reads a section header alone as zero frames', () => {
    const { rec } = readWhole(shb(false));
    assert.equal(rec.frames.length, 0);
    assert.deepEqual(rec.warnings, []);
  });

  it('delivers every earlier frame when the last block is cut, then warns', () => {
    const whole = concat(shb(true), idb(true, { linkType: 1 }), epb(true, 0, US_TICKS, payload(50, 1)), epb(true, 0, US_TICKS, payload(50, 2)));
    const last = epb(true, 0, US_TICKS, payload(50, 2)).length;
    for (let cut = 1; cut < last; cut += 7) {
      const { rec } = readWhole(whole.subarray(0, whole.length - cut));
      assert.equal(rec.frames.length, 1, `cut ${cut}`);
      assert.deepEqual(
        rec.warnings.map((w) => w.code),
        ['capture.truncated-record'],
      );
    }
  });

  it('skips a block with an impossible length and resynchronises on the next block', () => {
    const head = concat(shb(true), idb(true, { linkType: 1 }), epb(true, 0, US_TICKS, payload(50, 1)));
    for (const badLength of [13, 8, 0x7ffffff0, 0xfffffffc]) {
      const broken = epb(true, 0, US_TICKS, payload(50, 9));
      new DataView(broken.buffer).setUint32(4, badLength, true);
      const bytes = concat(head, broken, epb(true, 0, US_TICKS + 5n, payload(50, 2)), nrb(true, [{ address: [1, 2, 3, 4], names: ['a'] }]));
      const { rec } = readWhole(bytes);
      assert.deepEqual(
        rec.frames.map((f) => f.data[0]),
        [payload(1, 1)[0], payload(1, 2)[0]],
        `length ${badLength}`,
      );
      assert.deepEqual(rec.frames[1].ts, expectedTs(US_TICKS + 5n));
      assert.deepEqual(
        rec.warnings.map((w) => w.code),
        ['capture.corrupt-block'],
      );
      assert.match(rec.warnings[0].message, new RegExp(`block at byte ${head.length} is damaged`));
      assert.equal(rec.stats.get('capture.skipped-bytes'), broken.length);
      assert.equal(rec.names.length, 1);
    }
  });

  it('skips a block whose trailing length disagrees with its leading one', () => {
    const broken = epb(true, 0, US_TICKS, payload(50, 9));
    new DataView(broken.buffer).setUint32(broken.length - 4, 999, true);
    const bytes = concat(shb(true), idb(true, { linkType: 1 }), broken, epb(true, 0, US_TICKS, payload(50, 2)));
    const { rec } = readWhole(bytes);
    assert.deepEqual(
      rec.frames.map((f) => f.data[0]),
      [payload(1, 2)[0]],
    );
    assert.equal(rec.stats.get('capture.corrupt-block'), 1);
  });

  it('skips a packet block whose captured length overruns it', () => {
    const broken = epb(true, 0, US_TICKS, payload(50, 9));
    new DataView(broken.buffer).setUint32(20, 4000, true);
    const { rec } = readWhole(concat(shb(true), idb(true, { linkType: 1 }), broken, epb(true, 0, US_TICKS, payload(50, 2))));
    assert.equal(rec.frames.length, 1);
    assert.match(rec.warnings[0].message, /captured length 4000 does not fit/);
  });

  it('fails when the first section header is unusable', () => {
    const badMagic = shb(true);
    badMagic.set([1, 2, 3, 4], 8);
    const badLength = shb(true);
    new DataView(badLength.buffer).setUint32(4, 10, true);
    for (const [bytes, why] of [
      [badMagic, /byte-order magic is wrong/],
      [badLength, /impossible length \(10\)/],
    ] as const) {
      assert.throws(
        () => readWhole(bytes),
        (e: unknown) => e instanceof HopscopeError && e.code === 'corrupt-capture' && why.test(e.message) && /^test\.pcap: /.test(e.message),
      );
    }
  });

  it('reads if_name and if_description with or without a terminating NUL', () => {
    const body = new Bytes(true).u16(1).u16(0).u32(0).toBytes();
    const withNul = block(true, 1, body, [
      { code: 2, value: Uint8Array.from([...new TextEncoder().encode('veth1234'), 0]) },
      { code: 3, value: new TextEncoder().encode('bridge port ✓') },
    ]);
    const { rec } = readWhole(concat(shb(true), withNul));
    assert.equal(rec.interfaces[0].name, 'veth1234');
    assert.equal(rec.interfaces[0].description, 'bridge port ✓');
  });
});
