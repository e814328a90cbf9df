import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder } from '../../src/decode/frame-decoder.js';
import { LinkType } from '../../src/decode/link-types.js';
import { Stats } from '../../src/model/stats.js';
import { ascii, be16, cat, ethernet, frame, ipv4, ipv6, tcp } from './support/build.js';

const body = ascii('POST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n');

function decode(data: Uint8Array, wireLength = data.length, linkType: number = LinkType.ETHERNET) {
  const stats = new Stats();
  const segment = new FrameDecoder(stats).decode(frame(linkType, data, wireLength));
  return { segment, stats: stats.toJSON() };
}

test('IPv4 header options are skipped by IHL', () => {
  const options = [0x94, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00]; // router alert, NOPs, EOL
  const { segment } = decode(ethernet(0x0800, ipv4(tcp(body), { options })));
  assert.ok(segment);
  assert.deepEqual(segment.payload, body);
  assert.equal(segment.srcIp, '10.0.0.1');
});

test('TCP options are skipped by the data offset', () => {
  const options = [2, 4, 0x05, 0xb4, 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1, 4, 2]; // MSS, NOPs, TS, SACK-ok
  const { segment } = decode(ethernet(0x0800, ipv4(tcp(body, { options }))));
  assert.ok(segment);
  assert.deepEqual(segment.payload, body);
});

test('Ethernet padding after a short IPv4 packet is not payload', () => {
  const pureAck = ipv4(tcp([], { flags: 0x10 })); // 40 bytes: Ethernet pads to 46
  const { segment } = decode(ethernet(0x0800, cat(pureAck, [0, 0, 0, 0, 0, 0])));
  assert.ok(segment);
  assert.equal(segment.payload.length, 0);
  const v6 = ipv6(tcp(ascii('x')));
  const r6 = decode(ethernet(0x86dd, cat(v6, [0xee, 0xee])));
  assert.deepEqual(r6.segment?.payload, ascii('x'));
});

test('GRO/TSO super-packets: larger than any MTU, IPv4 total length 0 means "to the end"', () => {
  const big = new Uint8Array(60000).fill(0x41);
  const r1 = decode(ethernet(0x0800, ipv4(tcp(big), { totalLength: 0 })));
  assert.equal(r1.segment?.payload.length, 60000);
  assert.deepEqual(r1.stats, {});
  // A correct total length near the 64 KB limit, and an IPv6 payload length of 0.
  const r2 = decode(ethernet(0x0800, ipv4(tcp(new Uint8Array(65000)))));
  assert.equal(r2.segment?.payload.length, 65000);
  const r3 = decode(ethernet(0x86dd, ipv6(tcp(big), { payloadLength: 0 })));
  assert.equal(r3.segment?.payload.length, 60000);
});

test('a frame cut by the snapshot length yields what was captured, counted', () => {
  const whole = ethernet(0x0800, ipv4(tcp(body)));
  const cut = whole.subarray(0, whole.length - 10);
  const { segment, stats } = decode(cut, whole.length);
  assert.ok(segment);
  assert.deepEqual(segment.payload, body.subarray(0, body.length - 10));
  assert.deepEqual(stats, { 'decode.snaplen-truncated': 1 });
  // Same for IPv6, and for a TSO packet (length 0) when the wire length says it was cut.
  const w6 = ethernet(0x86dd, ipv6(tcp(body)));
  assert.deepEqual(decode(w6.subarray(0, w6.length - 5), w6.length).stats, { 'decode.snaplen-truncated': 1 });
  const tso = ethernet(0x0800, ipv4(tcp(body), { totalLength: 0 }));
  assert.deepEqual(decode(tso.subarray(0, tso.length - 5), tso.length).stats, { 'decode.snaplen-truncated': 1 });
});

test('headers cut short are counted as decode.truncated', () => {
  const whole = ethernet(0x0800, ipv4(tcp(body, { options: [1, 1, 1, 1] })));
  for (const len of [10, 20, 33, 40, 53, 57]) {
    const { segment, stats } = decode(whole.subarray(0, len), whole.length);
    assert.equal(segment, undefined, `cut at ${len}`);
    assert.deepEqual(stats, { 'decode.truncated': 1 }, `cut at ${len}`);
  }
});

function withByte(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = value;
  return copy;
}

test('self-contradicting headers are counted as decode.bad-header', () => {
  const good = ipv4(tcp(body));
  const cases: [string, Uint8Array, number?][] = [
    ['IPv4 version 5', cat([0x55], good.subarray(1))],
    ['IHL 4', cat([0x44], good.subarray(1))],
    ['total length below IHL', cat(good.subarray(0, 2), be16(12), good.subarray(4))],
    ['TCP data offset 4', cat(good.subarray(0, 32), [0x40], good.subarray(33))],
    ['TCP data offset beyond the IP payload', withByte(ipv4(tcp([])), 32, 0xf0)],
    ['IPv6 version 4 behind EtherType 0x86dd', withByte(ipv6(tcp(body)), 0, 0x40), 0x86dd],
  ];
  for (const [name, ip, type] of cases) {
    const { segment, stats } = decode(ethernet(type ?? 0x0800, ip));
    assert.equal(segment, undefined, name);
    assert.deepEqual(stats, { 'decode.bad-header': 1 }, name);
  }
});

test('non-IP and non-TCP frames are counted by kind', () => {
  assert.deepEqual(decode(ethernet(0x0806, new Uint8Array(28))).stats, { 'decode.non-ip': 1 });
  assert.deepEqual(decode(ethernet(0x0800, ipv4(new Uint8Array(16), { proto: 1 }))).stats, { 'decode.non-tcp': 1 });
  assert.deepEqual(decode(ethernet(0x86dd, ipv6(new Uint8Array(16), { next: 58 }))).stats, { 'decode.non-tcp': 1 });
  assert.deepEqual(decode(ethernet(0x86dd, ipv6([], { next: 59 }))).stats, { 'decode.non-tcp': 1 });
  assert.deepEqual(decode(ethernet(0x0800, ipv4(new Uint8Array(16), { proto: 50 }))).stats, { 'decode.non-tcp': 1 });
});

/** An IPv6 extension header: next header, length in 8-byte units − 1, padded contents. */
function ext(next: number, units: number): number[] {
  return [next, units, ...new Array(units * 8 + 6).fill(0)];
}

test('IPv6 extension headers: hop-by-hop, routing, destination options, AH', () => {
  const t = tcp(body);
  const ah = [6, 4, 0, 0, ...new Array(20).fill(0xaa)]; // (4 + 2) * 4 = 24 bytes
  const chain = cat(ext(43, 0), ext(60, 1), ext(51, 0), ah, t);
  const { segment, stats } = decode(ethernet(0x86dd, ipv6(chain, { next: 0 })));
  assert.ok(segment, JSON.stringify(stats));
  assert.deepEqual(segment.payload, body);
  // AH in IPv4 too.
  const r4 = decode(ethernet(0x0800, ipv4(cat(ah, t), { proto: 51 })));
  assert.deepEqual(r4.segment?.payload, body);
  // An atomic fragment header (offset 0, no more fragments) is just stepped over.
  const atomic = cat([6, 0, 0, 0, 0, 0, 0, 9], t);
  assert.deepEqual(decode(ethernet(0x86dd, ipv6(atomic, { next: 44 }))).segment?.payload, body);
});

test('IPv6 addresses are printed per RFC 5952', () => {
  const { segment } = decode(ethernet(0x86dd, ipv6(tcp(body), { src: '2001:DB8:0:0:1:0:0:1', dst: '::ffff:c000:201' })));
  assert.equal(segment?.srcIp, '2001:db8::1:0:0:1');
  assert.equal(segment?.dstIp, '::ffff:192.0.2.1');
});
