import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { HopscopeError } from '../../src/model/errors.js';
import { createCaptureReader } from '../../src/source/capture-reader.js';
import { concat, epb, idb, nrb, payload, pcapFile, shb, spb } from './capture-bytes.js';
import { prng, readInChunks, readWhole, Recorder } from './recorder.js';

const US_TICKS = 1_732_650_000_654_321n;

function samplePcap(littleEndian: boolean, nanoseconds: boolean): Uint8Array {
  const records = Array.from({ length: 40 }, (_, i) => ({ sec: 1_700_000_000 + i, frac: i * 1000 + 7, data: payload((i * 37) % 300, i) }));
  return pcapFile({ littleEndian, nanoseconds }, records);
}

function samplePcapng(): Uint8Array {
  const parts: Uint8Array[] = [shb(true), idb(true, { linkType: 1, name: 'eth0', tsresol: 9 })];
  for (let i = 0; i < 25; i++) parts.push(epb(true, 0, US_TICKS * 1000n + BigInt(i) * 999_999_999n, payload((i * 53) % 400, i)));
  parts.push(nrb(true, [{ address: [192, 168, 1, 1], names: ['router'] }]), spb(true, 30, payload(30, 99)));
  parts.push(shb(false), idb(false, { linkType: 113 }), idb(false, { linkType: 1, tsresol: 0x83 }));
  for (let i = 0; i < 25; i++) parts.push(epb(false, i % 2, US_TICKS + BigInt(i), payload((i * 71) % 500, i + 100)));
  // A damaged block mid-file and a cut last block exercise resynchronisation and truncation across chunks.
  const broken = epb(false, 0, US_TICKS, payload(40, 7));
  broken.set([0, 0, 0, 9], 4);
  parts.push(broken, epb(false, 1, US_TICKS, payload(10, 8)), epb(false, 1, US_TICKS, payload(100, 9)).subarray(0, 50));
  return concat(...parts);
}

const samples: Array<[string, Uint8Array]> = [
  ['pcap µs LE', samplePcap(true, false)],
  ['pcap µs BE', samplePcap(false, false)],
  ['pcap ns LE', samplePcap(true, true)],
  ['pcap ns BE + cut', samplePcap(false, true).subarray(0, 6000)],
  ['pcapng, two sections, damage, cut', samplePcapng()],
];

function notACapture(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof HopscopeError, String(e));
    assert.equal(e.code, 'not-a-capture');
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  };
}

describe('capture reader: chunk boundaries', () => {
  for (const [name, bytes] of samples) {
    it(`gives the same events for one push, 1-byte pushes and random pushes (${name})`, () => {
      const expected = readWhole(bytes).rec;
      assert.ok(expected.frames.length > 20);
      if (name.includes('damage')) {
        assert.deepEqual(
          expected.warnings.map((w) => w.code),
          ['capture.corrupt-block', 'capture.truncated-record'],
        );
        assert.equal(expected.frames.length, 25 + 1 + 25 + 1);
      }
      assert.deepEqual(readInChunks(bytes, [1]).rec.summary(), expected.summary());
      for (let seed = 1; seed <= 20; seed++) {
        const random = prng(seed);
        const sizes = (i: number): number => (i % 5 === 0 ? 1 + Math.floor(random() * 3) : 1 + Math.floor(random() * 700));
        assert.deepEqual(readInChunks(bytes, sizes).rec.summary(), expected.summary(), `seed ${seed}`);
      }
    });
  }

  it('gives frames that own their bytes when a record crossed a chunk boundary', () => {
    for (const [name, bytes] of samples) {
      const expected = readWhole(bytes).rec.frames.map((f) => Buffer.from(f.data).toString('hex'));
      const { rec, chunks } = readInChunks(bytes, [1, 2, 3]);
      // Writing into the pushed chunks afterwards must not change any frame: every frame was carried.
      for (const c of chunks) c.fill(0xee);
      assert.deepEqual(
        rec.frames.map((f) => Buffer.from(f.data).toString('hex')),
        expected,
        name,
      );
    }
  });

  it('keeps frames inside a chunk as views of that chunk, within its bounds', () => {
    const bytes = samples[0][1];
    const { rec, chunks } = readInChunks(bytes, [997]);
    let views = 0;
    for (const f of rec.frames) {
      const chunk = chunks.find((c) => c.buffer === f.data.buffer);
      if (chunk === undefined) continue;
      views++;
      assert.ok(f.data.byteOffset >= chunk.byteOffset && f.data.byteOffset + f.data.length <= chunk.byteOffset + chunk.length);
    }
    assert.ok(views > 0 && views < rec.frames.length);
  });

  it('accepts plain Uint8Array views into a larger buffer', () => {
    const bytes = samples[4][1];
    const big = new Uint8Array(bytes.length + 100);
    big.set(bytes, 50);
    const rec = new Recorder();
    const reader = createCaptureReader(rec, rec.stats, 'test.pcap');
    reader.push(big.subarray(50, 50 + bytes.length));
    reader.end();
    assert.deepEqual(rec.summary(), readWhole(bytes).rec.summary());
  });
});

describe('capture reader: not a capture', () => {
  it('says an empty input is empty', () => {
    const rec = new Recorder();
    const reader = createCaptureReader(rec, rec.stats, 'empty.pcap');
    reader.push(new Uint8Array(0));
    assert.throws(() => reader.end(), notACapture(/^empty\.pcap: not a capture file: the file is empty/));
  });

  it('says what the first bytes look like', () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [new TextEncoder().encode('<!DOCTYPE html>\n<html><head>'), /starts with 3c 21 44 4f .*\("<!DOCTYPE html>/],
      [new TextEncoder().encode('<!DOCTYPE html>\n<html><head>'), /looks like HTML/],
      [gzipSync(samples[0][1]), /looks like gzip-compressed data; decompress it first/],
      [new TextEncoder().encode('12:00:01.000 IP 10.0.0.1.80 > 10.0.0.2.5555: Flags [S]'), /looks like text/],
      [new TextEncoder().encode('{"log": "x"}'), /looks like JSON/],
      [Uint8Array.from([0xa1, 0xb2, 0xcd, 0x34, 0, 2, 0, 4]), /modified \(Kuznetzov\) pcap; convert it with editcap/],
      [Uint8Array.from([0, 1, 2, 3, 0xff, 0xfe]), /00 01 02 03 ff fe, which is no capture format hopscope knows/],
    ];
    for (const [bytes, pattern] of cases) {
      assert.throws(() => readWhole(bytes), notACapture(pattern));
      assert.throws(() => readInChunks(bytes, [1]), notACapture(/^test\.pcap: not a capture file: it starts with/));
    }
  });

  it('says when the input is too short to hold a magic number', () => {
    assert.throws(() => readWhole(Uint8Array.from([0xd4, 0xc3])), notACapture(/holds only 2 bytes \(d4 c3\)/));
  });

  it('ignores input after the error', () => {
    const rec = new Recorder();
    const reader = createCaptureReader(rec, rec.stats, 'x');
    assert.throws(() => reader.push(new TextEncoder().encode('hello world')));
    reader.push(samples[0][1]);
    reader.end();
    assert.equal(rec.frames.length, 0);
    assert.equal(reader.format, undefined);
  });
});

describe('capture reader: damaged input never crashes', () => {
  it('survives truncation at every offset and random corruption', () => {
    const random = prng(42);
    for (const [, bytes] of samples) {
      for (let cut = 0; cut <= Math.min(bytes.length, 3000); cut += 13) tolerate(bytes.subarray(0, cut), random);
      for (let round = 0; round < 150; round++) {
        const damaged = bytes.slice();
        const flips = 1 + Math.floor(random() * 8);
        for (let k = 0; k < flips; k++) damaged[4 + Math.floor(random() * (damaged.length - 4))] = Math.floor(random() * 256);
        tolerate(damaged, random);
      }
    }
    // Random garbage after a valid header.
    for (let round = 0; round < 100; round++) {
      const junk = Uint8Array.from({ length: 2000 }, () => Math.floor(random() * 256));
      tolerate(concat(shb(true), idb(true, { linkType: 1 }), junk), random);
      tolerate(concat(samplePcap(true, false).subarray(0, 24), junk), random);
    }
  });
});

/** Reads bytes in random chunks: only HopscopeError may escape, and frames must be well formed. */
function tolerate(bytes: Uint8Array, random: () => number): void {
  const rec = new Recorder();
  const reader = createCaptureReader(rec, rec.stats, 'fuzz');
  try {
    for (let off = 0; off < bytes.length; ) {
      const size = 1 + Math.floor(random() * 300);
      reader.push(bytes.slice(off, off + size));
      off += size;
    }
    reader.end();
  } catch (e) {
    if (!(e instanceof HopscopeError)) throw e;
  }
  for (const f of rec.frames) {
    assert.ok(f.ts.nsec >= 0 && f.ts.nsec < 1e9 && Number.isInteger(f.ts.nsec));
    assert.ok(Number.isFinite(f.ts.sec));
    assert.ok(f.data.length <= bytes.length);
  }
}
