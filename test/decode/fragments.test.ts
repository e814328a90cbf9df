import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, type FrameDecoderOptions } from '../../src/decode/frame-decoder.js';
import { LinkType } from '../../src/decode/link-types.js';
import { Stats } from '../../src/model/stats.js';
import type { Segment } from '../../src/model/segment.js';
import { be16, be32, cat, ethernet, frame, ipv4, ipv6, tcp } from './support/build.js';

/** A TCP segment with a recognisable 3000-byte payload, as an IP payload to be fragmented. */
const payload = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7 + 3) & 0xff);
const transport = tcp(payload, { srcPort: 8080, dstPort: 40001, seq: 123456 });

interface Piece {
  offset: number;
  end: number;
  more: boolean;
}

/** Cuts the transport bytes at the given offsets (multiples of 8). */
function pieces(cuts: number[], total = transport.length): Piece[] {
  const bounds = [0, ...cuts, total];
  return bounds.slice(0, -1).map((offset, i) => ({ offset, end: bounds[i + 1], more: i < bounds.length - 2 }));
}

function v4Fragment(p: Piece, id = 77, bytes = transport): Uint8Array {
  return ethernet(0x0800, ipv4(bytes.subarray(p.offset, p.end), { id, fragOffset: p.offset, more: p.more, proto: 6 }));
}

function v6Fragment(p: Piece, id = 0x01020304, bytes = transport): Uint8Array {
  const fh = [6, 0, ...be16(p.offset | (p.more ? 1 : 0)), ...be32(id)];
  return ethernet(0x86dd, ipv6(cat(fh, bytes.subarray(p.offset, p.end)), { next: 44 }));
}

function run(frames: Uint8Array[], options: FrameDecoderOptions = {}, secondsApart = 0) {
  const stats = new Stats();
  const decoder = new FrameDecoder(stats, options);
  const segments: Segment[] = [];
  frames.forEach((data, i) => {
    const s = decoder.decode(frame(LinkType.ETHERNET, data, data.length, 100 + i * secondsApart));
    if (s) segments.push(s);
  });
  return { segments, stats, decoder };
}

function assertWhole(segments: Segment[]): void {
  assert.equal(segments.length, 1);
  assert.equal(segments[0].srcPort, 8080);
  assert.equal(segments[0].seq, 123456);
  assert.deepEqual(segments[0].payload, payload);
}

test('IPv4 fragments in order are reassembled into one segment', () => {
  const { segments, stats, decoder } = run(pieces([1480, 2960]).map((p) => v4Fragment(p)));
  assertWhole(segments);
  assert.equal(stats.get('decode.ip-fragment'), 3);
  assert.equal(decoder.pendingFragments, 0);
});

test('IPv4 fragments out of order, last first', () => {
  const ps = pieces([1000, 2000]);
  const { segments } = run([ps[2], ps[0], ps[1]].map((p) => v4Fragment(p)));
  assertWhole(segments);
});

test('IPv6 fragments (fragment extension header), out of order', () => {
  const ps = pieces([1232, 2464]);
  const { segments, stats } = run([ps[1], ps[2], ps[0]].map((p) => v6Fragment(p)));
  assertWhole(segments);
  assert.equal(segments[0].srcIp, '2001:db8::1');
  assert.equal(stats.get('decode.ip-fragment'), 3);
});

test('overlapping fragments: the bytes that arrived first win, and the overlap is counted', () => {
  const forged = transport.slice();
  forged.fill(0x58, 1000, 1600); // a later, overlapping fragment carries different bytes
  const frames = [
    v4Fragment({ offset: 0, end: 1200, more: true }),
    v4Fragment({ offset: 800, end: 1600, more: true }, 77, forged),
    v4Fragment({ offset: 1600, end: transport.length, more: false }),
    // 1200..1600 only came from the forged fragment; the bytes before 1200 are the original.
  ];
  const { segments, stats } = run(frames);
  assert.equal(segments.length, 1);
  const expected = transport.slice();
  expected.fill(0x58, 1200, 1600);
  assert.deepEqual(segments[0].payload, expected.subarray(20));
  assert.equal(stats.get('decode.fragment-overlap'), 1);
});

test('a duplicate fragment is an overlap; one arriving after completion starts a new datagram', () => {
  const ps = pieces([1480]);
  const r1 = run([v4Fragment(ps[0]), v4Fragment(ps[0]), v4Fragment(ps[1])]);
  assertWhole(r1.segments);
  assert.equal(r1.stats.get('decode.fragment-overlap'), 1);
  const r2 = run([v4Fragment(ps[0]), v4Fragment(ps[1]), v4Fragment(ps[1])]);
  assertWhole(r2.segments);
  assert.equal(r2.decoder.pendingFragments, 1, 'the late duplicate waits (and will expire)');
});

test('fragments of different datagrams (id, addresses) are kept apart', () => {
  const ps = pieces([1480]);
  const { segments } = run([v4Fragment(ps[0], 1), v4Fragment(ps[0], 2), v4Fragment(ps[1], 2), v4Fragment(ps[1], 1)]);
  assert.equal(segments.length, 2);
});

test('an incomplete datagram expires after the timeout, by capture time', () => {
  const ps = pieces([1480]);
  // 40 s apart with a 30 s timeout: the first fragment is gone when the second arrives.
  const { segments, stats, decoder } = run([v4Fragment(ps[0]), v4Fragment(ps[1])], { fragmentTimeoutSeconds: 30 }, 40);
  assert.equal(segments.length, 0);
  assert.equal(stats.get('decode.fragment-dropped'), 1);
  assert.equal(decoder.pendingFragments, 1);
  // Within the timeout it completes.
  assert.equal(run([v4Fragment(ps[0]), v4Fragment(ps[1])], { fragmentTimeoutSeconds: 30 }, 20).segments.length, 1);
});

test('the byte bound drops the oldest incomplete datagrams', () => {
  const ps = pieces([1480]);
  const firsts = [1, 2, 3, 4, 5].map((id) => v4Fragment(ps[0], id));
  const { segments, stats, decoder } = run([...firsts, v4Fragment(ps[1], 5), v4Fragment(ps[1], 1)], { maxFragmentBytes: 4000 });
  assert.deepEqual(segments.length, 1, 'id 5 completes; id 1 was dropped');
  assert.equal(stats.get('decode.fragment-dropped'), 3, 'ids 1, 2, 3');
  assert.equal(decoder.pendingFragments, 2, 'id 4, and the second half of id 1');
});

test('fragments that disagree about the end of the datagram drop it', () => {
  const { segments, stats } = run([
    v4Fragment({ offset: 0, end: 1480, more: true }),
    v4Fragment({ offset: 1480, end: 2000, more: false }),
    v4Fragment({ offset: 1480, end: 2400, more: false }),
  ]);
  assert.equal(segments.length, 1, 'the first two complete a (short) datagram');
  assert.equal(stats.get('decode.fragment-dropped'), 0);
  const r2 = run([v4Fragment({ offset: 1480, end: 2000, more: false }), v4Fragment({ offset: 1480, end: 2400, more: false })]);
  assert.equal(r2.stats.get('decode.fragment-dropped'), 1);
});

test('a fragment cut by the snapshot length is dropped, not reassembled wrongly', () => {
  const whole = v4Fragment({ offset: 0, end: 1480, more: true });
  const stats = new Stats();
  const d = new FrameDecoder(stats);
  assert.equal(d.decode(frame(LinkType.ETHERNET, whole.subarray(0, 200), whole.length)), undefined);
  assert.equal(stats.get('decode.fragment-dropped'), 1);
  assert.equal(d.pendingFragments, 0);
});

test('a non-final fragment whose length is not a multiple of 8 is a bad header', () => {
  const { stats } = run([v4Fragment({ offset: 0, end: 1001, more: true })]);
  assert.equal(stats.get('decode.bad-header'), 1);
});

test('a flood of tiny fragments for one datagram is cut off and dropped', () => {
  const frames: Uint8Array[] = [];
  for (let off = 8; off < 8 * 3000; off += 8) frames.push(v4Fragment({ offset: off, end: off + 8, more: true }, 9, new Uint8Array(30000)));
  const { stats, decoder } = run(frames);
  assert.equal(stats.get('decode.fragment-dropped'), 1);
  assert.equal(decoder.pendingFragments, 1, 'the fragments after the drop start over');
});
