import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Frame, NameRecord } from '../../src/model/frame.js';
import { HopscopeError } from '../../src/model/errors.js';
import { type ByteOutput, WritableByteOutput } from '../../src/sinks/byte-output.js';
import { ipAddressBytes } from '../../src/sinks/ip-address-bytes.js';
import { decodeJsonBlockData, HOPSCOPE_PEN } from '../../src/sinks/pcapng-custom-json.js';
import { PcapngWriter, type PcapngInterface } from '../../src/sinks/pcapng-writer.js';
import { readCapture } from '../../src/source/read-capture.js';
import { readInChunks, readWhole, Recorder } from '../source/recorder.js';
import { skipUnless } from '../support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'hopscope-pcapng-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Collects what the writer hands over, chunk by chunk. */
class MemoryOutput implements ByteOutput {
  readonly chunks: Uint8Array[] = [];
  closed = false;
  write(bytes: Uint8Array): void {
    this.chunks.push(bytes);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

// ---------- hand-built packets (field by field, so tshark can dissect them) ----------

function ipv4(src: number[], dst: number[], tcp: Uint8Array): Uint8Array {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + tcp.length, 2);
  h[8] = 64;
  h[9] = 6;
  h.set(src, 12);
  h.set(dst, 16);
  return Buffer.concat([h, tcp]);
}

function ipv6(src: Uint8Array, dst: Uint8Array, tcp: Uint8Array): Uint8Array {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(tcp.length, 4);
  h[6] = 6;
  h[7] = 64;
  h.set(src, 8);
  h.set(dst, 24);
  return Buffer.concat([h, tcp]);
}

function tcp(srcPort: number, dstPort: number, seq: number, body: string): Uint8Array {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(srcPort, 0);
  h.writeUInt16BE(dstPort, 2);
  h.writeUInt32BE(seq >>> 0, 4);
  h.writeUInt32BE(1, 8);
  h[12] = 5 << 4;
  h[13] = 0x18; // PSH ACK
  h.writeUInt16BE(65535, 14);
  return Buffer.concat([h, Buffer.from(body)]);
}

function ethernet(ip: Uint8Array, etherType = 0x0800): Uint8Array {
  const h = Buffer.alloc(14);
  h.set([2, 0, 0, 0, 0, 1], 0);
  h.set([2, 0, 0, 0, 0, 2], 6);
  h.writeUInt16BE(etherType, 12);
  return Buffer.concat([h, ip]);
}

function sll(ip: Uint8Array): Uint8Array {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(0, 0); // to us
  h.writeUInt16BE(1, 2); // ARPHRD_ETHER
  h.writeUInt16BE(6, 4);
  h.set([2, 0, 0, 0, 0, 3], 6);
  h.writeUInt16BE(0x0800, 14);
  return Buffer.concat([h, ip]);
}

function sll2(ip: Uint8Array): Uint8Array {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(0x0800, 0);
  h.writeUInt32BE(7, 4); // ifindex
  h.writeUInt16BE(1, 8);
  h[10] = 4; // outgoing
  h[11] = 6;
  h.set([2, 0, 0, 0, 0, 4], 12);
  return Buffer.concat([h, ip]);
}

const v6a = ipAddressBytes('fd00:db8::10')!;
const v6b = ipAddressBytes('fd00:db8::20')!;

const interfaces: PcapngInterface[] = [
  { id: 0, linkType: 1, snapLength: 262144, name: 'docker0', description: "Docker's default bridge", filter: 'tcp' },
  { id: 3, linkType: 113, snapLength: 65535, name: 'any' },
  { id: 7, linkType: 101, snapLength: 262144, name: 'br-3f2a00000001' },
  { id: 9, linkType: 276, snapLength: 1500 },
];

/** Frames on the four interfaces, with nanosecond timestamps that a double could not hold as one number. */
function sampleFrames(): Frame[] {
  const frames: Frame[] = [];
  const add = (interfaceId: number, linkType: number, sec: number, nsec: number, data: Uint8Array, wireLength = data.length): void => {
    frames.push({ ts: { sec, nsec }, linkType, data, wireLength, interfaceId });
  };
  add(0, 1, 1_700_000_000, 123_456_789, ethernet(ipv4([172, 17, 0, 2], [172, 17, 0, 3], tcp(40000, 80, 1000, 'GET / HTTP/1.1\r\n\r\n'))));
  add(3, 113, 1_700_000_000, 123_456_790, sll(ipv4([10, 0, 0, 1], [10, 0, 0, 2], tcp(40001, 8080, 5, 'x'))));
  add(7, 101, 1_700_000_001, 999_999_999, ipv6(v6a, v6b, tcp(40002, 80, 77, 'hello ipv6')));
  add(9, 276, 1_700_000_002, 1, sll2(ipv4([192, 168, 5, 5], [192, 168, 5, 6], tcp(1, 2, 3, 'sll2!'))));
  // Every padding remainder (lengths ≡ 0..3 mod 4) and a snapshot-cut frame.
  for (let i = 0; i < 8; i++) {
    add(0, 1, 1_700_000_003 + i, i * 111_111_111, ethernet(ipv4([172, 17, 0, 3], [172, 17, 0, 2], tcp(80, 40000, 2000 + i, 'y'.repeat(i)))));
  }
  const cut = ethernet(ipv4([172, 17, 0, 2], [172, 17, 0, 3], tcp(40000, 80, 9999, 'z'.repeat(100))));
  add(0, 1, 1_700_000_020, 500, cut.subarray(0, 60), cut.length);
  return frames;
}

const names: NameRecord[] = [
  { address: '172.17.0.2', names: ['web'] },
  { address: '172.17.0.3', names: ['api', 'api.compose'] },
  { address: 'fd00:db8::10', names: ['web6'] },
];

async function writeSample(output: ByteOutput, batchBytes?: number): Promise<PcapngWriter> {
  const writer = new PcapngWriter(output, { userAppl: 'hopscope 9.8.7', os: 'Linux', ...(batchBytes === undefined ? {} : { batchBytes }) });
  const frames = sampleFrames();
  for (const iface of interfaces.slice(0, 2)) writer.addInterface(iface);
  writer.writeFrame(frames[0]);
  writer.writeNameRecords(names);
  writer.writeFrame(frames[1]);
  // Interfaces appear while the capture runs (a new Docker network).
  for (const iface of interfaces.slice(2)) writer.addInterface(iface);
  writer.writeJsonBlock('container-timeline', { containers: [{ id: 'abc', ip: '172.17.0.2', from: 1 }] });
  for (const frame of frames.slice(2)) writer.writeFrame(frame);
  await writer.close([
    { interfaceId: 0, received: 12, dropped: 1, osDropped: 0 },
    { interfaceId: 7, received: 5_000_000_000 },
  ]);
  return writer;
}

/** Offsets and types of the blocks of a little-endian pcapng file, walked by their lengths. */
function blocks(bytes: Buffer): Array<{ off: number; type: number; len: number }> {
  const out: Array<{ off: number; type: number; len: number }> = [];
  for (let off = 0; off < bytes.length; ) {
    const type = bytes.readUInt32LE(off);
    const len = bytes.readUInt32LE(off + 4);
    assert.equal(len % 4, 0);
    assert.equal(bytes.readUInt32LE(off + len - 4), len, `trailing length of the block at ${off}`);
    out.push({ off, type, len });
    off += len;
  }
  return out;
}

/** What our reader makes of frames, without object identity. */
function comparable(frames: readonly Frame[]): unknown[] {
  return frames.map((f) => ({ ...f, ts: { ...f.ts }, data: Buffer.from(f.data).toString('hex') }));
}

describe('PcapngWriter', () => {
  it('round-trips frames, interfaces and name records through our own reader exactly', async () => {
    const out = new MemoryOutput();
    const writer = await writeSample(out);
    assert.equal(out.closed, true);
    const bytes = out.bytes();
    assert.equal(writer.framesWritten, 13);
    assert.equal(writer.bytesWritten, bytes.length);

    const { rec } = readWhole(bytes);
    assert.deepEqual(rec.warnings, []);
    const expected = sampleFrames().map((f) => ({ ...f, interfaceId: interfaces.findIndex((i) => i.id === f.interfaceId) }));
    assert.deepEqual(comparable(rec.frames), comparable(expected));
    assert.deepEqual(
      rec.interfaces,
      interfaces.map(({ filter: _filter, ...rest }, index) => ({ ...rest, id: index })),
    );
    assert.deepEqual(rec.names, names);
    // Our reader does not know custom blocks yet: it skips and counts them.
    assert.equal(rec.stats.get('capture.unknown-block'), 1);
    assert.equal(rec.order.join(''), `iifnnnfii${'f'.repeat(11)}`);
  });

  it('writes the section header, nanosecond interfaces, the custom JSON block and statistics as specified', async () => {
    const out = new MemoryOutput();
    await writeSample(out);
    const bytes = out.bytes();
    const list = blocks(bytes);
    assert.deepEqual(
      list.map((b) => b.type.toString(16)),
      ['a0d0d0a', '1', '1', '6', '4', '6', '1', '1', 'bad', ...Array(11).fill('6'), '5', '5'],
    );
    // SHB: byte-order magic, version 1.0, unknown section length, shb_os and shb_userappl.
    assert.equal(bytes.readUInt32LE(8), 0x1a2b3c4d);
    assert.equal(bytes.readUInt16LE(12), 1);
    assert.equal(bytes.readUInt16LE(14), 0);
    assert.equal(bytes.readBigInt64LE(16), -1n);
    const shb = bytes.subarray(0, list[0].len).toString('latin1');
    assert.match(shb, /\x03\x00\x05\x00Linux\0\0\0\x04\x00\x0e\x00hopscope 9\.8\.7\0\0/);
    // Every IDB has if_tsresol = 9.
    for (const b of list.filter((x) => x.type === 1)) {
      assert.match(bytes.subarray(b.off, b.off + b.len).toString('latin1'), /\x09\x00\x01\x00\x09\0\0\0/);
    }
    // The custom block: copyable type, our PEN, JSON padded with spaces to a 32-bit boundary.
    const cb = list.find((b) => b.type === 0xbad)!;
    assert.equal(bytes.readUInt32LE(cb.off + 8), HOPSCOPE_PEN);
    const body = bytes.subarray(cb.off + 12, cb.off + cb.len - 4);
    assert.deepEqual(JSON.parse(body.toString('utf8')), {
      hopscope: 'container-timeline',
      data: { containers: [{ id: 'abc', ip: '172.17.0.2', from: 1 }] },
    });
    assert.deepEqual(decodeJsonBlockData(HOPSCOPE_PEN, body), {
      kind: 'container-timeline',
      data: { containers: [{ id: 'abc', ip: '172.17.0.2', from: 1 }] },
    });
    assert.equal(decodeJsonBlockData(HOPSCOPE_PEN + 1, body), undefined);
    // Anything else in a custom block is not ours, and never an exception.
    assert.equal(decodeJsonBlockData(HOPSCOPE_PEN, Buffer.from('{"other":1}   ')), undefined);
    assert.equal(decodeJsonBlockData(HOPSCOPE_PEN, Buffer.from('[1,2]')), undefined);
    assert.deepEqual(decodeJsonBlockData(HOPSCOPE_PEN, Buffer.from('{"hopscope":"k"}\0\0\0\0')), { kind: 'k', data: undefined });
    let seed = 5;
    for (let n = 0; n < 500; n++) {
      const junk = Buffer.alloc(n % 64);
      for (let i = 0; i < junk.length; i++) junk[i] = (seed = (seed * 1103515245 + 12345) % 2147483648) & 0xff;
      if (n % 3 === 0) junk.write('{"hopscope":"', 0);
      assert.equal(decodeJsonBlockData(HOPSCOPE_PEN, junk), undefined);
    }
    // ISB for IDB 2 (source id 7): ifrecv 5e9 as a u64, start/end time of its one frame.
    const isb = list.filter((b) => b.type === 5)[1];
    assert.equal(bytes.readUInt32LE(isb.off + 8), 2);
    const isbBytes = bytes.subarray(isb.off, isb.off + isb.len);
    const ifrecv = isbBytes.indexOf(Buffer.from([4, 0, 8, 0]));
    assert.ok(ifrecv > 0);
    assert.equal(isbBytes.readBigUInt64LE(ifrecv + 4), 5_000_000_000n);
    const start = isbBytes.indexOf(Buffer.from([2, 0, 8, 0]));
    const ns = (BigInt(isbBytes.readUInt32LE(start + 4)) << 32n) | BigInt(isbBytes.readUInt32LE(start + 8));
    assert.equal(ns, 1_700_000_001_999_999_999n);
  });

  it('a file cut at any block boundary reads cleanly, up to the cut', async () => {
    const out = new MemoryOutput();
    await writeSample(out);
    const bytes = out.bytes();
    const { rec: whole } = readWhole(bytes);
    let framesBefore = 0;
    for (const b of blocks(bytes)) {
      const end = b.off + b.len;
      const { rec } = readInChunks(bytes.subarray(0, end), [97]);
      assert.deepEqual(rec.warnings, [], `cut after byte ${end}`);
      if (b.type === 6) framesBefore++;
      assert.deepEqual(comparable(rec.frames), comparable(whole.frames.slice(0, framesBefore)));
    }
  });

  it('hands the output whole blocks in batches, and lone blocks larger than a batch', async () => {
    const out = new MemoryOutput();
    const writer = new PcapngWriter(out, { userAppl: 'hopscope test', batchBytes: 8192 });
    writer.addInterface({ id: 0, linkType: 1, snapLength: 262144 });
    const big = new Uint8Array(20_000).fill(7);
    for (let i = 0; i < 200; i++) {
      const data = i === 50 ? big : new Uint8Array(100 + (i % 7)).fill(i);
      writer.writeFrame({ ts: { sec: 1_800_000_000, nsec: i }, linkType: 1, data, wireLength: data.length, interfaceId: 0 });
    }
    await writer.close();
    assert.ok(out.chunks.length > 3);
    let total = 0;
    for (const chunk of out.chunks) {
      // Each chunk is a whole number of blocks.
      const buf = Buffer.from(chunk);
      assert.equal(blocks(buf).reduce((n, b) => n + b.len, 0), buf.length);
      assert.ok(buf.length <= 8192 || blocks(buf).length === 1, `chunk of ${buf.length} bytes`);
      total += buf.length;
    }
    const { rec } = readWhole(out.bytes());
    assert.equal(rec.frames.length, 200);
    assert.deepEqual([...rec.frames[50].data], [...big]);
    assert.equal(total, writer.bytesWritten);
  });

  it('flushes at the end of a synchronous burst, so a live file is readable while capturing', async () => {
    const out = new MemoryOutput();
    const writer = new PcapngWriter(out, { userAppl: 'hopscope test' });
    writer.addInterface({ id: 0, linkType: 1, snapLength: 262144 });
    writer.writeFrame({ ts: { sec: 1, nsec: 2 }, linkType: 1, data: new Uint8Array(60), wireLength: 60, interfaceId: 0 });
    assert.equal(out.chunks.length, 0);
    await Promise.resolve();
    assert.equal(out.chunks.length, 1);
    assert.equal(readWhole(out.bytes()).rec.frames.length, 1);
    // The next burst must not have overwritten the bytes already handed over.
    const first = Buffer.from(out.chunks[0]);
    writer.writeFrame({ ts: { sec: 1, nsec: 3 }, linkType: 1, data: new Uint8Array(64).fill(9), wireLength: 64, interfaceId: 0 });
    await Promise.resolve();
    assert.deepEqual(Buffer.from(out.chunks[0]), first);
    await writer.close();
  });

  it('stores 64-bit nanosecond timestamps exactly', async () => {
    const out = new MemoryOutput();
    const writer = new PcapngWriter(out, { userAppl: 'hopscope test' });
    writer.addInterface({ id: 0, linkType: 101, snapLength: 0 });
    const stamps = [
      { sec: 0, nsec: 0 },
      { sec: 0, nsec: 999_999_999 },
      { sec: 4_294_967_295, nsec: 999_999_999 },
      { sec: 65_535, nsec: 1 },
      { sec: 65_536, nsec: 999_999_999 },
    ];
    let x = 12345;
    for (let i = 0; i < 500; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      stamps.push({ sec: (x * 2) % 4_294_967_296, nsec: (x * 7) % 1_000_000_000 });
    }
    for (const ts of stamps) writer.writeFrame({ ts, linkType: 101, data: new Uint8Array(1), wireLength: 1, interfaceId: 0 });
    await writer.close();
    const bytes = out.bytes();
    const epbs = blocks(bytes).filter((b) => b.type === 6);
    stamps.forEach((ts, i) => {
      const ns = (BigInt(bytes.readUInt32LE(epbs[i].off + 12)) << 32n) | BigInt(bytes.readUInt32LE(epbs[i].off + 16));
      assert.equal(ns, BigInt(ts.sec) * 1_000_000_000n + BigInt(ts.nsec), JSON.stringify(ts));
    });
    assert.deepEqual(
      readWhole(bytes).rec.frames.map((f) => f.ts),
      stamps,
    );
  });

  it('writes only usable name records', async () => {
    const out = new MemoryOutput();
    const writer = new PcapngWriter(out, { userAppl: 'hopscope test' });
    const written = writer.writeNameRecords([
      { address: 'not an ip', names: ['x'] },
      { address: '10.0.0.1', names: [] },
      { address: '10.0.0.2', names: ['', 'two'] },
      { address: '::ffff:10.0.0.3', names: ['mapped'] },
      { address: 'fe80::1%eth0', names: ['zoned'] },
      { address: '::', names: ['any6'] },
    ]);
    assert.equal(written, 4);
    assert.equal(writer.writeNameRecords([{ address: 'nope', names: ['n'] }]), 0);
    await writer.close();
    assert.deepEqual(readWhole(out.bytes()).rec.names, [
      { address: '10.0.0.2', names: ['two'] },
      { address: '::ffff:10.0.0.3', names: ['mapped'] },
      { address: 'fe80::1', names: ['zoned'] },
      { address: '::', names: ['any6'] },
    ]);
  });

  it('refuses frames of an interface never added, and writes after close', async () => {
    const writer = new PcapngWriter(new MemoryOutput(), { userAppl: 'hopscope test' });
    assert.throws(
      () => writer.writeFrame({ ts: { sec: 1, nsec: 0 }, linkType: 1, data: new Uint8Array(1), wireLength: 1, interfaceId: 4 }),
      /interface 4, which was not added/,
    );
    writer.addInterface({ id: 4, linkType: 1, snapLength: 100 });
    assert.equal(writer.hasInterface(4), true);
    await writer.close();
    assert.throws(() => writer.writeNameRecords(names), /closed/);
  });

  it('writes through a file stream with backpressure, and reports an unwritable path', async () => {
    const path = join(dir, 'stream.pcapng');
    const output = new WritableByteOutput(createWriteStream(path, { highWaterMark: 16 * 1024 }), path);
    const writer = new PcapngWriter(output, { userAppl: 'hopscope test', batchBytes: 32 * 1024 });
    writer.addInterface({ id: 0, linkType: 1, snapLength: 262144, name: 'eth9' });
    let waited = 0;
    for (let i = 0; i < 2000; i++) {
      const data = new Uint8Array(1400).fill(i & 0xff);
      writer.writeFrame({ ts: { sec: 1_700_000_000 + i, nsec: i }, linkType: 1, data, wireLength: data.length, interfaceId: 0 });
      if (writer.needsDrain) {
        waited++;
        await writer.drained();
      }
    }
    await writer.close([{ interfaceId: 0, received: 2000, dropped: 0 }]);
    assert.ok(waited > 0, 'a 16 KiB high-water mark must ask the producer to wait');
    const rec = new Recorder();
    await readCapture(path, rec, rec.stats);
    assert.equal(rec.frames.length, 2000);
    assert.deepEqual(rec.frames[1999].ts, { sec: 1_700_001_999, nsec: 1999 });

    const bad = new WritableByteOutput(createWriteStream(join(dir, 'no-such-dir', 'x.pcapng')), 'x.pcapng');
    const failing = new PcapngWriter(bad, { userAppl: 'hopscope test' });
    await assert.rejects(failing.close(), (e: unknown) => e instanceof HopscopeError && e.code === 'output-unwritable' && /x\.pcapng/.test(e.message));
  });

  it('WritableByteOutput waits for drain on a slow stream', async () => {
    const got: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 10,
      write(chunk: Buffer, _enc, done) {
        got.push(chunk);
        setImmediate(done);
      },
    });
    const output = new WritableByteOutput(slow, 'slow');
    output.write(new Uint8Array(50));
    assert.equal(output.needsDrain, true);
    await output.drained();
    assert.equal(output.needsDrain, false);
    await output.close();
    assert.equal(got.length, 1);
  });
});

// ---------- tshark as the independent reader ----------

const tsharkAvailable = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
const capinfosAvailable = spawnSync('capinfos', ['-h'], { encoding: 'utf8' }).status === 0;

function tshark(args: string[]): string {
  const result = spawnSync('tshark', args, { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe('PcapngWriter output in tshark', { skip: skipUnless(tsharkAvailable, 'tshark is not installed') }, () => {
  const path = join(dir, 'tshark.pcapng');
  before(async () => {
    const out = new MemoryOutput();
    await writeSample(out);
    writeFileSync(path, out.bytes());
  });

  it('has every packet, with nanosecond times and interface names', () => {
    const frames = sampleFrames();
    // tshark lists a custom block as a record of its own ("PCAPNG … Custom Block"); packets have an interface.
    assert.equal(tshark(['-r', path]).trimEnd().split('\n').length, frames.length + 1);
    const lines = tshark([
      '-r', path, '-Y', 'frame.interface_id', '-T', 'fields', '-E', 'separator=|', '-e', 'frame.time_epoch', '-e', 'frame.interface_name',
    ])
      .trimEnd()
      .split('\n');
    const byId = new Map(interfaces.map((i) => [i.id, i.name ?? 'unknown']));
    assert.deepEqual(
      lines,
      frames.map((f) => `${f.ts.sec}.${String(f.ts.nsec).padStart(9, '0')}|${byId.get(f.interfaceId)}`),
    );
    // The snapshot-cut frame keeps its wire length.
    const lengths = tshark(['-r', path, '-Y', 'frame.interface_id', '-T', 'fields', '-e', 'frame.len', '-e', 'frame.cap_len'])
      .trimEnd()
      .split('\n');
    assert.equal(lengths.at(-1), `${frames.at(-1)!.wireLength}\t60`);
  });

  it('shows the name-resolution records as host names', () => {
    // -N n turns network-name resolution on; the external (DNS) resolver stays off, so only the file's
    // records are used and tshark sends no query anywhere.
    const fields = (extra: string[]): string[] =>
      tshark([
        '-r', path, ...extra, '-N', 'n', '-o', 'nameres.use_external_name_resolver:FALSE', '-Y', 'frame.interface_id',
        '-T', 'fields', '-E', 'separator=|', '-e', 'ip.src_host', '-e', 'ip.dst_host', '-e', 'ipv6.src_host',
      ])
        .trimEnd()
        .split('\n');
    // One pass: a record applies from where it is in the file on (the first packet precedes the NRB).
    const single = fields([]);
    assert.equal(single[0], '172.17.0.2|172.17.0.3|');
    assert.equal(single[2], '||web6');
    // A record with several names: tshark shows the last one.
    assert.equal(single[4], 'api.compose|web|');
    assert.equal(single[1], '10.0.0.1|10.0.0.2|', 'an address without a record stays numeric');
    // Two passes (-2): the records apply to the whole file.
    const twoPass = fields(['-2']);
    assert.equal(twoPass[0], 'web|api.compose|');
    assert.equal(twoPass[4], 'api.compose|web|');
    // Without -N n tshark shows addresses.
    const plain = tshark(['-r', path, '-2', '-Y', 'frame.interface_id', '-T', 'fields', '-e', 'ip.src_host']).split('\n');
    assert.equal(plain[4], '172.17.0.3');
  });

  it('reads the statistics and the application name', { skip: skipUnless(capinfosAvailable, 'capinfos is not installed') }, () => {
    const info = spawnSync('capinfos', [path], { encoding: 'utf8' });
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout, /Capture application: hopscope 9\.8\.7/);
    assert.match(info.stdout, /Number of interfaces in file: 4/);
    assert.match(info.stdout, /Number of packets:\s+13\n/);
    assert.match(info.stdout, /Time precision = nanoseconds \(9\)/);
    assert.match(info.stdout, /Filter string = tcp/);
    assert.match(info.stdout, /Number of resolved IPv4 addresses in file: 3/);
    assert.match(info.stdout, /Number of resolved IPv6 addresses in file: 1/);
  });
});

describe('ipAddressBytes', () => {
  const hex = (text: string): string | undefined => {
    const bytes = ipAddressBytes(text);
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('hex');
  };
  it('parses IPv4 and every IPv6 form', () => {
    assert.equal(hex('172.17.0.2'), 'ac110002');
    assert.equal(hex('1:2:3:4:5:6:7:8'), '00010002000300040005000600070008');
    assert.equal(hex('::1'), '00000000000000000000000000000001');
    assert.equal(hex('fd00::'), 'fd000000000000000000000000000000');
    assert.equal(hex('FD00:0DB8::A:B'), 'fd000db80000000000000000000a000b');
    assert.equal(hex('::ffff:1.2.3.4'), '00000000000000000000ffff01020304');
    assert.equal(hex('::1.2.3.4'), '00000000000000000000000001020304');
    assert.equal(hex('1:2:3:4:5:6:1.2.3.4'), '00010002000300040005000601020304');
    assert.equal(hex('1::6:1.2.3.4'), '00010000000000000000000601020304');
    assert.equal(hex('fe80::1%veth12ab'), 'fe800000000000000000000000000001');
  });
  it('rejects what is not an address', () => {
    for (const text of ['', 'web', '1.2.3', '256.1.1.1', '1:::2', '1:2:3:4:5:6:7:8:9', 'fe80::g']) assert.equal(hex(text), undefined, text);
  });
});
