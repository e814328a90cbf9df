import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HopscopeError } from '../../src/model/errors.js';
import { concat, payload, pcapFile, pcapHeader, pcapRecord, type PcapRecord } from './capture-bytes.js';
import { createCaptureReader } from '../../src/source/capture-reader.js';
import { Recorder, readWhole } from './recorder.js';

const records: PcapRecord[] = [
  { sec: 1_700_000_000, frac: 0, data: payload(60, 1) },
  { sec: 1_700_000_001, frac: 999_999, data: payload(1514, 2), wireLength: 9000 },
  { sec: 4_000_000_000, frac: 5, data: payload(20, 3), wireLength: 64 },
];

describe('classic pcap', () => {
  for (const littleEndian of [true, false]) {
    for (const nanoseconds of [false, true]) {
      const name = `${nanoseconds ? 'nanosecond' : 'microsecond'} ${littleEndian ? 'little' : 'big'}-endian`;
      it(`reads ${name} files`, () => {
        const bytes = pcapFile({ littleEndian, nanoseconds, linkTypeField: 113, snapLength: 65535 }, records);
        const { rec, reader } = readWhole(bytes);
        assert.equal(reader.format, nanoseconds ? 'pcap-ns' : 'pcap');
        assert.deepEqual(rec.interfaces, [{ id: 0, linkType: 113, snapLength: 65535 }]);
        assert.equal(rec.frames.length, 3);
        const scale = nanoseconds ? 1 : 1000;
        rec.frames.forEach((f, i) => {
          assert.deepEqual(f.ts, { sec: records[i].sec, nsec: records[i].frac * scale });
          assert.equal(f.linkType, 113);
          assert.equal(f.interfaceId, 0);
          assert.equal(f.wireLength, records[i].wireLength ?? records[i].data.length);
          assert.deepEqual([...f.data], [...records[i].data]);
        });
        assert.deepEqual(rec.warnings, []);
        assert.equal(rec.stats.get('capture.frames'), 3);
        assert.equal(rec.stats.get('capture.bytes'), 60 + 1514 + 20);
        assert.equal(rec.order.join(''), 'ifff');
      });
    }
  }

  it('masks the FCS bits of the link-type field', () => {
    // FCS length present (0x04000000) with 4 bytes of FCS (0x2 in bits 29–31 → 0x40000000).
    const { rec } = readWhole(pcapFile({ littleEndian: true, nanoseconds: false, linkTypeField: 0x44000001 }, records.slice(0, 1)));
    assert.equal(rec.interfaces[0].linkType, 1);
    assert.equal(rec.frames[0].linkType, 1);
  });

  it('carries an out-of-range microsecond field into the seconds', () => {
    const { rec } = readWhole(pcapFile({ littleEndian: true, nanoseconds: false }, [{ sec: 10, frac: 2_500_000, data: payload(4, 0) }]));
    assert.deepEqual(rec.frames[0].ts, { sec: 12, nsec: 500_000_000 });
    assert.equal(rec.stats.get('capture.bad-timestamp'), 1);
  });

  it('reads a header-only file as zero frames without a warning', () => {
    const { rec, reader } = readWhole(pcapHeader({ littleEndian: false, nanoseconds: true }));
    assert.equal(reader.format, 'pcap-ns');
    assert.equal(rec.frames.length, 0);
    assert.equal(rec.interfaces.length, 1);
    assert.deepEqual(rec.warnings, []);
  });

  it('delivers every complete frame of a file cut inside its last record, then warns', () => {
    const whole = pcapFile({ littleEndian: true, nanoseconds: false }, records);
    for (const cut of [1, 10, 19, 20, 21, 35]) {
      const { rec } = readWhole(whole.subarray(0, whole.length - cut));
      assert.equal(rec.frames.length, 2, `cut ${cut}`);
      assert.deepEqual(
        rec.warnings.map((w) => w.code),
        ['capture.truncated-record'],
      );
      assert.match(rec.warnings[0].message, /last record is cut short/);
      assert.deepEqual(rec.warnings[0].ts, rec.frames[1].ts);
      assert.equal(rec.stats.get('capture.truncated-record'), 1);
    }
  });

  it('warns about a file header cut short', () => {
    const { rec } = readWhole(pcapHeader({ littleEndian: true, nanoseconds: false }).subarray(0, 20));
    assert.equal(rec.frames.length, 0);
    assert.match(rec.warnings[0].message, /the file header is cut short \(20 bytes of a 24-byte header\)/);
  });

  it('fails on an impossible record length mid-file, after delivering the frames before it', () => {
    const good = pcapFile({ littleEndian: true, nanoseconds: false }, records.slice(0, 2));
    const bad = pcapRecord(true, { sec: 1, frac: 0, data: payload(8, 9) });
    bad.set([0xff, 0xff, 0xff, 0x7f], 8); // captured length 0x7fffffff
    const bytes = concat(good, bad, payload(100, 1));
    for (const size of [bytes.length, 7, 1]) {
      const rec = new Recorder();
      const reader = createCaptureReader(rec, rec.stats, 'test.pcap');
      let error: unknown;
      try {
        for (let off = 0; off < bytes.length; off += size) reader.push(bytes.slice(off, off + size));
        reader.end();
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof HopscopeError, `chunk size ${size}`);
      assert.equal(error.code, 'corrupt-capture');
      assert.equal(
        error.message,
        `test.pcap: corrupt capture: the packet record at byte ${good.length} claims 2147483647 captured bytes, which no capture holds, ` +
          'and classic pcap has no marker to resume from (2 frames before it were read); repair the file with pcapfix or keep the good part with editcap -r',
      );
      assert.equal(rec.frames.length, 2);
      // The reader is dead after a fatal error: more input and end() are ignored.
      reader.push(bytes);
      reader.end();
      assert.equal(rec.frames.length, 2);
    }
  });
});
