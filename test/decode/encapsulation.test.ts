import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder } from '../../src/decode/frame-decoder.js';
import { LinkType } from '../../src/decode/link-types.js';
import { Stats } from '../../src/model/stats.js';
import { ascii, be16, be32, cat, ethernet, frame, ipv4, ipv6, tcp } from './support/build.js';

const body = ascii('HTTP/1.1 200 OK\r\n\r\n');
const innerV4 = (): Uint8Array => ipv4(tcp(body, { srcPort: 80, dstPort: 51000 }), { src: '172.17.0.5', dst: '172.17.0.9' });
const innerV6 = (): Uint8Array => ipv6(tcp(body, { srcPort: 80, dstPort: 51000 }), { src: 'fd00:1::5', dst: 'fd00:1::9' });
const outer = { src: '203.0.113.1', dst: '203.0.113.2' };

function decodeEthernet(data: Uint8Array) {
  const stats = new Stats();
  const segment = new FrameDecoder(stats).decode(frame(LinkType.ETHERNET, data));
  return { segment, stats };
}

/** The innermost TCP segment was found, with the inner addresses. */
function assertInner(data: Uint8Array, v6 = false): void {
  const { segment, stats } = decodeEthernet(data);
  assert.ok(segment, `no segment; stats ${JSON.stringify(stats.toJSON())}`);
  assert.equal(segment.srcIp, v6 ? 'fd00:1::5' : '172.17.0.5');
  assert.equal(segment.dstIp, v6 ? 'fd00:1::9' : '172.17.0.9');
  assert.equal(segment.srcPort, 80);
  assert.deepEqual(segment.payload, body);
}

const tag = (tci: number, type: number): number[] => [...be16(tci), ...be16(type)];

test('VLAN tags: 802.1Q, 802.1ad QinQ, 0x9100, and deeper stacks', () => {
  assertInner(ethernet(0x8100, cat(tag(10, 0x0800), innerV4())));
  assertInner(ethernet(0x88a8, cat(tag(100, 0x8100), tag(10, 0x0800), innerV4())));
  assertInner(ethernet(0x9100, cat(tag(100, 0x8100), tag(10, 0x86dd), innerV6())), true);
  assertInner(ethernet(0x88a8, cat(tag(1, 0x8100), tag(2, 0x8100), tag(3, 0x0800), innerV4())));
});

const label = (value: number, bottom: boolean): number[] => be32((value << 12) | (bottom ? 0x100 : 0) | 64);

test('MPLS label stacks over IPv4, IPv6, and a pseudowire carrying Ethernet', () => {
  assertInner(ethernet(0x8847, cat(label(16, false), label(17, true), innerV4())));
  assertInner(ethernet(0x8847, cat(label(2, true), innerV6())), true);
  assertInner(ethernet(0x8100, cat(tag(5, 0x8847), label(100, true), [0, 0, 0, 0], ethernet(0x0800, innerV4()))));
});

test('PPPoE session with PPP IPv4 (0x0021) and IPv6 (0x0057); LCP is not IP', () => {
  const pppoe = (proto: number, p: Uint8Array): Uint8Array => cat([0x11, 0, 0x12, 0x34], be16(p.length + 2), be16(proto), p);
  assertInner(ethernet(0x8864, pppoe(0x0021, innerV4())));
  assertInner(ethernet(0x8864, pppoe(0x0057, innerV6())), true);
  // Inside QinQ, as in pcapplusplus/one_http_stream_rst.pcap.
  assertInner(ethernet(0x88a8, cat(tag(1, 0x8100), tag(2, 0x8864), pppoe(0x0021, innerV4()))));
  const { stats } = decodeEthernet(ethernet(0x8864, pppoe(0xc021, new Uint8Array(10))));
  assert.equal(stats.get('decode.non-ip'), 1);
});

function greHeader(flags: number, proto: number, words: number[][] = []): number[] {
  return [...be16(flags), ...be16(proto), ...words.flat()];
}

test('GRE: plain, checksummed, keyed, sequenced; IPv4, IPv6 and Ethernet payloads', () => {
  const inGre = (gre: number[], p: Uint8Array): Uint8Array => ethernet(0x0800, ipv4(cat(gre, p), { ...outer, proto: 47 }));
  assertInner(inGre(greHeader(0, 0x0800), innerV4()));
  assertInner(inGre(greHeader(0x8000, 0x0800, [[0, 0, 0, 0]]), innerV4()));
  assertInner(inGre(greHeader(0x2000, 0x86dd, [be32(42)]), innerV6()), true);
  assertInner(inGre(greHeader(0xb000, 0x0800, [[0, 0, 0, 0], be32(42), be32(7)]), innerV4()));
  assertInner(inGre(greHeader(0x2000, 0x6558, [be32(5)]), ethernet(0x0800, innerV4()))); // NVGRE/TEB
  // GRE over IPv6.
  assertInner(ethernet(0x86dd, ipv6(cat(greHeader(0, 0x0800), innerV4()), { next: 47 })));
});

test('GRE version 1 (PPTP) carrying PPP', () => {
  const gre = greHeader(0x3001 | 0x0080, 0x880b, [[0, 0, 0, 1], be32(9), be32(8)]); // key, seq, ack
  assertInner(ethernet(0x0800, ipv4(cat(gre, [0xff, 0x03, 0x00, 0x21], innerV4()), { ...outer, proto: 47 })));
  // Protocol field compression: one byte.
  const gre2 = greHeader(0x2001, 0x880b, [[0, 0, 0, 1]]);
  assertInner(ethernet(0x0800, ipv4(cat(gre2, [0x21], innerV4()), { ...outer, proto: 47 })));
});

test('ERSPAN type I, II (GRE 0x88be) and III (GRE 0x22eb, with and without the subheader)', () => {
  const mirrored = ethernet(0x0800, innerV4());
  const inGre = (gre: number[], p: Uint8Array | number[], q: Uint8Array): Uint8Array =>
    ethernet(0x0800, ipv4(cat(gre, p, q), { ...outer, proto: 47 }));
  assertInner(inGre(greHeader(0, 0x88be), [], mirrored)); // type I: no header, no sequence
  assertInner(inGre(greHeader(0x1000, 0x88be, [be32(1)]), [0x10, 0, 0, 20, 0, 0, 0, 1], mirrored));
  const type3 = (o: boolean, frameType: number): number[] => [0x20, 0, 0, 20, 1, 2, 3, 4, 0, 0, frameType << 2, o ? 1 : 0];
  assertInner(inGre(greHeader(0x1000, 0x22eb, [be32(1)]), type3(false, 0), mirrored));
  assertInner(inGre(greHeader(0x1000, 0x22eb, [be32(1)]), [...type3(true, 0), 0, 0, 0, 0, 0, 0, 0, 0], mirrored));
  assertInner(inGre(greHeader(0x1000, 0x22eb, [be32(1)]), type3(false, 2), innerV4())); // IP frame type
});

const udp = (src: number, dst: number, p: Uint8Array): Uint8Array => cat(be16(src), be16(dst), be16(8 + p.length), [0, 0], p);
const vxlan = (p: Uint8Array): Uint8Array => cat([0x08, 0, 0, 0, 0, 0, 0x64, 0], p);

test('VXLAN on UDP 4789 (either end), over IPv4 and IPv6', () => {
  assertInner(ethernet(0x0800, ipv4(udp(40000, 4789, vxlan(ethernet(0x0800, innerV4()))), { ...outer, proto: 17 })));
  assertInner(ethernet(0x0800, ipv4(udp(4789, 4790, vxlan(ethernet(0x0800, innerV4()))), { ...outer, proto: 17 })));
  assertInner(ethernet(0x86dd, ipv6(udp(40000, 4789, vxlan(ethernet(0x86dd, innerV6()))), { next: 17 })), true);
  // Other UDP is not TCP.
  const { segment, stats } = decodeEthernet(ethernet(0x0800, ipv4(udp(5353, 53, new Uint8Array(12)), { proto: 17 })));
  assert.equal(segment, undefined);
  assert.equal(stats.get('decode.non-tcp'), 1);
});

test('IP in IP: IPv4 in IPv4 (4), IPv6 in IPv4 (41), IPv4 in IPv6, IPv6 in IPv6', () => {
  assertInner(ethernet(0x0800, ipv4(innerV4(), { ...outer, proto: 4 })));
  assertInner(ethernet(0x0800, ipv4(innerV6(), { ...outer, proto: 41 })), true);
  assertInner(ethernet(0x86dd, ipv6(innerV4(), { next: 4 })));
  assertInner(ethernet(0x86dd, ipv6(innerV6(), { next: 41 })), true);
});

test('absurd nesting is cut off and counted, not followed forever', () => {
  let p = innerV4();
  for (let i = 0; i < 40; i++) p = ipv4(p, { ...outer, proto: 4 });
  const { segment, stats } = decodeEthernet(ethernet(0x0800, p));
  assert.equal(segment, undefined);
  assert.equal(stats.get('decode.bad-header'), 1);
});
