import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder } from '../../src/decode/frame-decoder.js';
import { isSupportedLinkType, LinkType } from '../../src/decode/link-types.js';
import { Stats } from '../../src/model/stats.js';
import { TcpFlags } from '../../src/model/segment.js';
import { ascii, be16, cat, ethernet, frame, ipv4, ipv6, tcp } from './support/build.js';

const body = ascii('GET / HTTP/1.1\r\n\r\n');
const v4 = (): Uint8Array => ipv4(tcp(body, { srcPort: 43210, dstPort: 8080 }), { src: '192.168.1.10', dst: '10.1.2.3' });
const v6 = (): Uint8Array => ipv6(tcp(body, { srcPort: 43210, dstPort: 8080 }), { src: 'fd00::10', dst: 'fd00::1:3' });

function decodeOne(linkType: number, data: Uint8Array) {
  const stats = new Stats();
  const segment = new FrameDecoder(stats).decode(frame(linkType, data));
  return { segment, stats };
}

function assertV4(linkType: number, data: Uint8Array): void {
  const { segment, stats } = decodeOne(linkType, data);
  assert.ok(segment, `link type ${linkType}: no segment; stats ${JSON.stringify(stats.toJSON())}`);
  assert.equal(segment.srcIp, '192.168.1.10');
  assert.equal(segment.dstIp, '10.1.2.3');
  assert.equal(segment.srcPort, 43210);
  assert.equal(segment.dstPort, 8080);
  assert.deepEqual(segment.payload, body);
}

function assertV6(linkType: number, data: Uint8Array): void {
  const { segment, stats } = decodeOne(linkType, data);
  assert.ok(segment, `link type ${linkType}: no segment; stats ${JSON.stringify(stats.toJSON())}`);
  assert.equal(segment.srcIp, 'fd00::10');
  assert.equal(segment.dstIp, 'fd00::1:3');
  assert.deepEqual(segment.payload, body);
}

test('Ethernet carries IPv4 and IPv6; the segment has every TCP field', () => {
  const data = ethernet(0x0800, ipv4(tcp(body, { srcPort: 1, dstPort: 2, seq: 0xfffffff0, ack: 0x80000001, flags: TcpFlags.ACK | TcpFlags.PSH, window: 0xabcd })));
  const f = frame(1, data, data.length, 77, 123);
  const s = new FrameDecoder(new Stats()).decode(f);
  assert.ok(s);
  assert.deepEqual(
    { ...s, payload: Buffer.from(s.payload).toString() },
    {
      ts: { sec: 77, nsec: 123 },
      srcIp: '10.0.0.1',
      dstIp: '10.0.0.2',
      srcPort: 1,
      dstPort: 2,
      seq: 0xfffffff0,
      ack: 0x80000001,
      flags: TcpFlags.ACK | TcpFlags.PSH,
      window: 0xabcd,
      payload: 'GET / HTTP/1.1\r\n\r\n',
      interfaceId: 3,
    },
  );
  assert.equal(s.payload.buffer, data.buffer, 'payload shares the frame memory');
  assertV6(LinkType.ETHERNET, ethernet(0x86dd, v6()));
});

test('802.3 frames with LLC/SNAP carry an EtherType', () => {
  const inner = v4();
  const llcSnap = cat([0xaa, 0xaa, 0x03, 0, 0, 0], be16(0x0800), inner);
  assertV4(LinkType.ETHERNET, ethernet(llcSnap.length, llcSnap));
  // Plain LLC (spanning tree, NetBIOS) is not IP.
  const { segment, stats } = decodeOne(LinkType.ETHERNET, ethernet(7, [0x42, 0x42, 0x03, 0, 0, 0, 0]));
  assert.equal(segment, undefined);
  assert.equal(stats.get('decode.non-ip'), 1);
});

test('raw IP link types pick the version from the first nibble', () => {
  for (const lt of [LinkType.RAW, LinkType.RAW_BSD, LinkType.RAW_OPENBSD]) {
    assertV4(lt, v4());
    assertV6(lt, v6());
  }
  assertV4(LinkType.IPV4, v4());
  assertV6(LinkType.IPV6, v6());
});

test('Linux cooked captures v1 and v2', () => {
  const sll = (proto: number, p: Uint8Array): Uint8Array => cat([0, 0], be16(1), be16(6), [1, 2, 3, 4, 5, 6, 0, 0], be16(proto), p);
  assertV4(LinkType.LINUX_SLL, sll(0x0800, v4()));
  assertV6(LinkType.LINUX_SLL, sll(0x86dd, v6()));
  const sll2 = (proto: number, p: Uint8Array): Uint8Array =>
    cat(be16(proto), [0, 0], [0, 0, 0, 7], be16(1), [4, 6], [1, 2, 3, 4, 5, 6, 0, 0], p);
  assertV4(LinkType.LINUX_SLL2, sll2(0x0800, v4()));
  assertV6(LinkType.LINUX_SLL2, sll2(0x86dd, v6()));
  // Protocol 4: an 802.2 LLC header follows (SNAP carries the EtherType).
  assertV4(LinkType.LINUX_SLL, sll(4, cat([0xaa, 0xaa, 0x03, 0, 0, 0], be16(0x0800), v4())));
  // ARP over SLL is counted as not IP.
  const { stats } = decodeOne(LinkType.LINUX_SLL, sll(0x0806, new Uint8Array(28)));
  assert.equal(stats.get('decode.non-ip'), 1);
});

test('BSD loopback: address family in either byte order; OpenBSD loop', () => {
  assertV4(LinkType.NULL, cat([2, 0, 0, 0], v4()));
  assertV4(LinkType.NULL, cat([0, 0, 0, 2], v4()));
  for (const af of [24, 28, 30]) {
    assertV6(LinkType.NULL, cat([af, 0, 0, 0], v6()));
    assertV6(LinkType.NULL, cat([0, 0, 0, af], v6()));
    assertV6(LinkType.LOOP, cat([0, 0, 0, af], v6()));
  }
  assertV4(LinkType.LOOP, cat([0, 0, 0, 2], v4()));
  const { stats } = decodeOne(LinkType.NULL, cat([7, 0, 0, 0], v4()));
  assert.equal(stats.get('decode.non-ip'), 1);
});

test('Cisco HDLC', () => {
  assertV4(LinkType.C_HDLC, cat([0x0f, 0x00], be16(0x0800), v4()));
  assertV6(LinkType.C_HDLC, cat([0x8f, 0x00], be16(0x86dd), v6()));
});

function nflogTlv(type: number, value: Uint8Array | number[], little: boolean): Uint8Array {
  const len = 4 + value.length;
  const hdr = little ? [len & 0xff, len >> 8, type & 0xff, type >> 8] : [len >> 8, len & 0xff, type >> 8, type & 0xff];
  return cat(hdr, value, new Array((4 - (len % 4)) % 4).fill(0));
}

test('NFLOG: walks the TLVs to the payload attribute, in either byte order', () => {
  for (const little of [true, false]) {
    const prefix = nflogTlv(10, ascii('nflog-prefix\0'), little); // NFULA_PREFIX, odd length: padded
    const hw = nflogTlv(1, [0x08, 0x00, 3, 0], little);
    assertV4(LinkType.NFLOG, cat([2, 0, 0, 1], hw, prefix, nflogTlv(9, v4(), little)));
    assertV6(LinkType.NFLOG, cat([10, 0, 0, 1], prefix, nflogTlv(9, v6(), little)));
  }
  const { stats } = decodeOne(LinkType.NFLOG, cat([2, 0, 0, 1], nflogTlv(10, ascii('x'), true)));
  assert.equal(stats.get('decode.non-ip'), 1, 'no payload attribute');
});

function radiotap(flags?: number): number[] {
  // version 0, length, present: Flags (bit 1) when given.
  return flags === undefined ? [0, 0, 8, 0, 0, 0, 0, 0] : [0, 0, 9, 0, 2, 0, 0, 0, flags];
}

function dot11(fc0: number, fc1: number, extra: number[] = []): number[] {
  return [fc0, fc1, 0, 0, ...new Array(18).fill(1), 0x10, 0, ...extra];
}

const snap = (type: number): number[] => [0xaa, 0xaa, 0x03, 0, 0, 0, ...be16(type)];

test('802.11 with radiotap: data, QoS data, four addresses, decrypted protected frames, FCS', () => {
  assertV4(LinkType.IEEE802_11_RADIOTAP, cat(radiotap(), dot11(0x08, 0x01), snap(0x0800), v4()));
  // QoS data (subtype 8): 2 bytes of QoS control.
  assertV4(LinkType.IEEE802_11_RADIOTAP, cat(radiotap(), dot11(0x88, 0x02, [0, 0]), snap(0x0800), v4()));
  // QoS data with +HTC (order bit): 4 more bytes.
  assertV6(LinkType.IEEE802_11_RADIOTAP, cat(radiotap(), dot11(0x88, 0x82, [0, 0, 1, 2, 3, 4]), snap(0x86dd), v6()));
  // WDS: to-DS and from-DS, fourth address.
  assertV4(LinkType.IEEE802_11_RADIOTAP, cat(radiotap(), dot11(0x08, 0x03, [9, 9, 9, 9, 9, 9]), snap(0x0800), v4()));
  // Protected, but decrypted in the capture: CCMP header then LLC.
  assertV4(LinkType.IEEE802_11_RADIOTAP, cat(radiotap(), dot11(0x08, 0x41), [1, 0, 0, 0x20, 0, 0, 0, 0], snap(0x0800), v4()));
  // Radiotap says the frame ends with an FCS; with IPv4 total length 0 it must not become payload.
  const tso = ipv4(tcp(body), { totalLength: 0 });
  const { segment } = decodeOne(LinkType.IEEE802_11_RADIOTAP, cat(radiotap(0x10), dot11(0x08, 0x01), snap(0x0800), tso, [0xde, 0xad, 0xbe, 0xef]));
  assert.ok(segment);
  assert.deepEqual(segment.payload, body);
});

test('802.11: management, null-function and encrypted frames are not IP', () => {
  const cases = [
    cat(radiotap(), dot11(0x80, 0x00), new Array(40).fill(0)), // beacon
    cat(radiotap(), dot11(0x48, 0x01)), // null function
    cat(radiotap(), dot11(0x08, 0x41), new Array(60).fill(0x5a)), // encrypted
  ];
  for (const data of cases) {
    const { segment, stats } = decodeOne(LinkType.IEEE802_11_RADIOTAP, data);
    assert.equal(segment, undefined);
    assert.equal(stats.get('decode.non-ip'), 1);
  }
});

test('Linux ARCNET: RFC 1051 (5-byte header) and RFC 1201 (8-byte header) framing', () => {
  assertV4(LinkType.ARCNET_LINUX, cat([0xbe, 0x50, 0, 0, 240], v4()));
  assertV4(LinkType.ARCNET_LINUX, cat([0xbe, 0x50, 0, 0, 212, 0, 1, 0x66], v4()));
  assertV6(LinkType.ARCNET_LINUX, cat([0xbe, 0x50, 0, 0, 0xc4, 0, 1, 0x66], v6()));
  const { stats } = decodeOne(LinkType.ARCNET_LINUX, cat([0xbe, 0x50, 0, 0, 213, 0, 1, 0x65], new Array(18).fill(0)));
  assert.equal(stats.get('decode.non-ip'), 1, 'ARP');
});

test('unsupported link types are counted, never thrown', () => {
  assert.equal(isSupportedLinkType(1), true);
  assert.equal(isSupportedLinkType(105), false);
  const { segment, stats } = decodeOne(105, v4());
  assert.equal(segment, undefined);
  assert.equal(stats.get('decode.unsupported-link'), 1);
});
