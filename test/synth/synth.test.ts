/** The synthesizer's encoders and writers, checked against the formats' own rules, byte by byte. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TcpFlags } from '../../src/model/segment.js';
import {
  LinkType,
  TcpConversation,
  chunkedBody,
  ethernetHeader,
  httpRequest,
  internetChecksum,
  ipv4Packet,
  ipv4RouterAlert,
  ipv6Bytes,
  ipv6Option,
  ipv6Packet,
  onesComplementSum,
  pseudoHeader,
  seededBytes,
  sll2Header,
  sllHeader,
  tcpPacket,
  tcpSegment,
  timestampUnits,
  toNanos,
  toTimestamp,
  writePcap,
  writePcapng,
} from '../support/synth/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** The TCP fields of an Ethernet + IPv4 (no options) frame, parsed independently of the encoder. */
function tcpOf(frame: Uint8Array): { seq: number; ack: number; flags: number; payload: string; srcPort: number } {
  const ip = frame.subarray(14);
  const tcp = ip.subarray((ip[0] & 0x0f) * 4, view(ip).getUint16(2));
  return {
    srcPort: view(tcp).getUint16(0),
    seq: view(tcp).getUint32(4),
    ack: view(tcp).getUint32(8),
    flags: tcp[13],
    payload: Buffer.from(tcp.subarray((tcp[12] >> 4) * 4)).toString('latin1'),
  };
}

describe('checksums', () => {
  it('matches the RFC 1071 worked example', () => {
    // 0001 + f203 + f4f5 + f6f7 = 0x2ddf0 → folded 0xddf2 → checksum 0x220d.
    const data = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    assert.equal(onesComplementSum(data), 0xddf2);
    assert.equal(internetChecksum(data), 0x220d);
  });

  it('pads an odd final byte with zero', () => {
    assert.equal(onesComplementSum(Uint8Array.of(0x12, 0x34, 0x56)), 0x1234 + 0x5600);
  });

  it('IPv4 headers (with options) sum to 0xffff; badChecksum breaks that', () => {
    const packet = ipv4Packet({ src: '10.0.0.1', dst: '10.0.0.2', options: ipv4RouterAlert(), payload: Uint8Array.of(1, 2, 3) });
    assert.equal(packet[0], 0x46, 'version 4, IHL 6 words');
    assert.equal(view(packet).getUint16(2), 27);
    assert.equal(onesComplementSum(packet.subarray(0, 24)), 0xffff);
    const bad = ipv4Packet({ src: '10.0.0.1', dst: '10.0.0.2', payload: new Uint8Array(0), badChecksum: true });
    assert.notEqual(onesComplementSum(bad.subarray(0, 20)), 0xffff);
  });

  it('TCP segments sum to 0xffff with their pseudo-header, over IPv4 and IPv6', () => {
    for (const [src, dst] of [
      ['192.168.1.1', '192.168.1.2'],
      ['fd00::1', 'fd00::2'],
    ]) {
      const seg = tcpSegment({ srcPort: 1, dstPort: 2, seq: 0xfffffff0, ack: 5, flags: TcpFlags.ACK, payload: Uint8Array.of(9, 8, 7) }, src, dst);
      assert.equal(onesComplementSum(seg, onesComplementSum(pseudoHeader(src, dst, 6, seg.length))), 0xffff, src);
    }
  });
});

describe('addresses', () => {
  it('parses IPv6 text forms', () => {
    assert.equal(hex(ipv6Bytes('::1')), `${'00'.repeat(15)}01`);
    assert.equal(hex(ipv6Bytes('fd00:18::3')), `fd000018${'00'.repeat(10)}0003`);
    assert.equal(hex(ipv6Bytes('::ffff:1.2.3.4')), `${'00'.repeat(10)}ffff01020304`);
    assert.equal(hex(ipv6Bytes('1:2:3:4:5:6:7:8')), '00010002000300040005000600070008');
    assert.throws(() => ipv6Bytes('1::2::3'));
    assert.throws(() => ipv6Bytes('1:2:3'));
    assert.throws(() => ipv6Bytes('12345::'));
  });

  it('seeded bytes are the same for a seed and differ between seeds', () => {
    assert.deepEqual(seededBytes(7, 64), seededBytes(7, 64));
    assert.notDeepEqual(seededBytes(7, 64), seededBytes(8, 64));
  });
});

describe('link headers', () => {
  it('Ethernet with a QinQ stack: 0x88a8 outside, 0x8100 inside', () => {
    const h = ethernetHeader({ src: '02:42:ac:12:00:02', dst: '02:42:ac:12:00:03', etherType: 0x0800, vlans: [{ id: 200 }, { id: 300, priority: 3 }] });
    assert.equal(hex(h), '0242ac120003' + '0242ac120002' + '88a800c8' + '8100612c' + '0800');
  });

  it('Linux cooked v1 and v2 layouts', () => {
    assert.equal(hex(sllHeader({ packetType: 4, protocol: 0x86dd, address: '02:42:00:00:00:01' })), '0004' + '0001' + '0006' + '024200000001' + '0000' + '86dd');
    assert.equal(
      hex(sll2Header({ packetType: 3, protocol: 0x0800, interfaceIndex: 9, address: '02:42:00:00:00:01' })),
      '0800' + '0000' + '00000009' + '0001' + '03' + '06' + '024200000001' + '0000',
    );
  });
});

describe('IPv6 extension headers', () => {
  it('pads options to 8-byte units and chains next-header values', () => {
    const p = ipv6Packet({
      src: 'fd00::1',
      dst: 'fd00::2',
      extensions: [{ kind: 'hop-by-hop' }, { kind: 'destination-options', options: ipv6Option(0x1e, Uint8Array.of(1, 2, 3, 4, 5)) }],
      payload: Uint8Array.of(0xaa),
    });
    assert.equal(p[6], 0, 'fixed header → hop-by-hop');
    const hop = p.subarray(40);
    assert.equal(hop[0], 60, 'hop-by-hop → destination options');
    assert.equal(hop[1], 0, 'one 8-byte unit');
    assert.equal(hex(hop.subarray(2, 8)), '010400000000', 'PadN fills it');
    const dst = p.subarray(48);
    assert.equal(dst[0], 6, 'destination options → TCP');
    assert.equal(dst[1], 1, 'two 8-byte units: 2 + 7 option bytes + 7 padding');
    assert.equal(hex(dst.subarray(2, 9)), '1e050102030405');
    assert.equal(hex(dst.subarray(9, 16)), '01050000000000');
    assert.equal(view(p).getUint16(4), 8 + 16 + 1, 'payload length counts extensions');
    assert.equal(p[64], 0xaa);
  });

  it('the TCP checksum of a packet with extensions uses the final destination', () => {
    const frame = tcpPacket({
      link: { type: 'raw' },
      srcIp: 'fd00::1',
      dstIp: 'fd00::2',
      ipv6Extensions: [{ kind: 'destination-options' }],
      tcp: { srcPort: 5, dstPort: 80, seq: 1, ack: 0, flags: TcpFlags.SYN },
    });
    const tcp = frame.subarray(48);
    assert.equal(onesComplementSum(tcp, onesComplementSum(pseudoHeader('fd00::1', 'fd00::2', 6, tcp.length))), 0xffff);
  });
});

describe('TcpConversation', () => {
  const peers = { client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.0.0.2', port: 80 } };

  it('handshake, data and close keep seq/ack straight, across the 2^32 wrap', () => {
    const c = new TcpConversation({ ...peers, start: 1_000_000_000n, clientIsn: 0xfffffffe, serverIsn: 100 });
    c.handshake().client('ping').server('pong!').close();
    const seen = c.packets().map((p) => tcpOf(p.data));
    const { SYN, ACK, FIN, PSH } = TcpFlags;
    assert.deepEqual(
      seen.map((s) => [s.flags, s.seq, s.ack, s.payload]),
      [
        [SYN, 0xfffffffe, 0, ''],
        [SYN | ACK, 100, 0xffffffff, ''],
        [ACK, 0xffffffff, 101, ''],
        [PSH | ACK, 0xffffffff, 101, 'ping'],
        [PSH | ACK, 101, 3, 'pong!'],
        [FIN | ACK, 3, 106, ''],
        [FIN | ACK, 106, 4, ''],
        [ACK, 4, 107, ''],
      ],
    );
    assert.equal(c.nextSeq('client'), 4);
  });

  it('cuts, reorders, drops and duplicates segments as told', () => {
    const c = new TcpConversation({ ...peers, start: 0n, clientIsn: 999 });
    c.client('abcdefghij', { segments: [3, 3], order: [2, 0, 1], drop: [1], duplicate: [0] });
    const seen = c.packets().map((p) => tcpOf(p.data));
    assert.deepEqual(
      seen.map((s) => [s.seq - 1000, s.payload, (s.flags & TcpFlags.PSH) !== 0]),
      [
        [6, 'ghij', true],
        [0, 'abc', false],
        [0, 'abc', false],
      ],
    );
    assert.equal(c.nextSeq('client'), 1010, 'dropped bytes still count as sent');
  });

  it('cuts by mss when no sizes are given, and retransmits overlapping ranges from history', () => {
    const c = new TcpConversation({ ...peers, start: 0n, mss: 4, clientIsn: 0 });
    c.client('0123456789').retransmit('client', 2, 5);
    assert.deepEqual(
      c.packets().map((p) => tcpOf(p.data)).map((s) => [s.seq, s.payload]),
      [
        [1, '0123'],
        [5, '4567'],
        [9, '89'],
        [3, '23456'],
      ],
    );
  });

  it('timestamps: step between packets, at and wait move the clock, ns exact', () => {
    const start = 1_700_000_000_123_456_789n;
    const c = new TcpConversation({ ...peers, start, step: 7n });
    c.ack('client').wait(1_000n).ack('server').ack('client', { at: start + 5_000_000_001n });
    c.client('xy', { segments: [1], step: 3n });
    assert.deepEqual(
      c.packets().map((p) => toNanos(p.ts) - start),
      [0n, 1_007n, 5_000_000_001n, 5_000_000_008n, 5_000_000_011n],
    );
    assert.deepEqual(toTimestamp(start), { sec: 1_700_000_000, nsec: 123_456_789 });
  });

  it('rejects what a TCP sender cannot do', () => {
    const c = new TcpConversation({ ...peers, start: 0n });
    assert.throws(() => c.client('abc', { segments: [4] }));
    assert.throws(() => c.client('abc', { segments: [1], order: [0, 0] }));
    c.fin('client');
    assert.throws(() => c.client('late'));
    assert.throws(() => c.retransmit('server', 0, 1));
  });

  it('is deterministic', () => {
    const build = (): Uint8Array => {
      const c = new TcpConversation({ ...peers, start: 42n });
      c.handshake().client(httpRequest({ method: 'GET', target: '/', headers: [['Host', 'x']] })).server('HTTP/1.1 204 No Content\r\n\r\n').close();
      return writePcap(c.packets(), { linkType: c.linkType });
    };
    assert.deepEqual(build(), build());
  });
});

describe('HTTP message helpers', () => {
  it('chunked bodies with extensions and trailers', () => {
    const body = chunkedBody([{ data: 'hello', extension: 'a=b' }, 'xy'], [['T', 'v']]);
    assert.equal(Buffer.from(body).toString(), '5;a=b\r\nhello\r\n2\r\nxy\r\n0\r\nT: v\r\n\r\n');
  });
});

describe('pcap writer', () => {
  const packets = [
    { ts: { sec: 10, nsec: 123_456_789 }, data: Uint8Array.of(1, 2, 3, 4, 5) },
    { ts: { sec: 11, nsec: 999 }, data: Uint8Array.of(6, 7, 8), wireLength: 1500 },
  ];

  it('writes a microsecond little-endian file, truncating times and cutting at the snap length', () => {
    const f = writePcap(packets, { linkType: LinkType.LINUX_SLL2, snapLength: 4 });
    const v = view(f);
    assert.equal(hex(f.subarray(0, 4)), 'd4c3b2a1');
    assert.deepEqual([v.getUint16(4, true), v.getUint16(6, true), v.getUint32(16, true), v.getUint32(20, true)], [2, 4, 4, 276]);
    assert.deepEqual([v.getUint32(24, true), v.getUint32(28, true), v.getUint32(32, true), v.getUint32(36, true)], [10, 123_456, 4, 5]);
    assert.equal(hex(f.subarray(40, 44)), '01020304');
    assert.deepEqual([v.getUint32(44, true), v.getUint32(48, true), v.getUint32(52, true), v.getUint32(56, true)], [11, 0, 3, 1500]);
    assert.equal(f.length, 24 + 16 + 4 + 16 + 3);
  });

  it('writes a nanosecond big-endian file', () => {
    const f = writePcap(packets, { linkType: 1, resolution: 'ns', byteOrder: 'big' });
    assert.equal(hex(f.subarray(0, 4)), 'a1b23c4d');
    assert.equal(view(f).getUint32(28), 123_456_789);
    assert.equal(view(f).getUint32(20), 1);
  });
});

/** Walks pcapng blocks, checking both length fields; returns [type, body] pairs. */
function blocks(file: Uint8Array): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  for (let at = 0; at < file.length; ) {
    const v = view(file.subarray(at));
    const length = v.getUint32(4, true);
    assert.equal(length % 4, 0);
    assert.equal(v.getUint32(length - 4, true), length, 'trailing length');
    out.push([v.getUint32(0, true), file.subarray(at + 8, at + length - 4)]);
    at += length;
  }
  return out;
}

/** Options of a block body from `offset`: [code, value] until opt_endofopt. */
function options(body: Uint8Array, offset: number): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (let at = offset; at < body.length; ) {
    const code = view(body).getUint16(at, true);
    const length = view(body).getUint16(at + 2, true);
    if (code === 0) break;
    out.push([code, hex(body.subarray(at + 4, at + 4 + length))]);
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return out;
}

describe('pcapng writer', () => {
  it('SHB, IDBs with if_tsresol, NRB and EPBs in the interfaces\' units', () => {
    const f = writePcapng(
      [
        { ts: { sec: 1, nsec: 234_567_891 }, data: Uint8Array.of(0xde, 0xad, 0xbe), interfaceId: 0, comment: 'hi' },
        { ts: { sec: 1, nsec: 234_567_891 }, data: Uint8Array.of(0xef), interfaceId: 1 },
      ],
      {
        interfaces: [
          { linkType: LinkType.ETHERNET, name: 'eth0', tsresol: 9 },
          { linkType: LinkType.LINUX_SLL, snapLength: 100 },
        ],
        names: [{ address: '10.0.0.3', names: ['web'] }],
      },
    );
    const [shb, idb0, idb1, nrb, epb0, epb1] = blocks(f);
    assert.deepEqual([shb[0], idb0[0], idb1[0], nrb[0], epb0[0], epb1[0]], [0x0a0d0d0a, 1, 1, 4, 6, 6]);
    assert.equal(view(shb[1]).getUint32(0, true), 0x1a2b3c4d);
    assert.deepEqual(options(idb0[1], 8), [
      [2, hex(Buffer.from('eth0'))],
      [9, '09'],
    ]);
    assert.deepEqual(options(idb1[1], 8), [], 'no if_tsresol: microseconds');
    assert.equal(view(idb1[1]).getUint32(4, true), 100);
    assert.deepEqual(options(nrb[1], 0), [[1, `0a000003${hex(Buffer.from('web\0'))}`]]);
    const units = (b: Uint8Array): bigint => (BigInt(view(b).getUint32(4, true)) << 32n) | BigInt(view(b).getUint32(8, true));
    assert.equal(units(epb0[1]), 1_234_567_891n);
    assert.equal(units(epb1[1]), 1_234_567n);
    assert.deepEqual([view(epb0[1]).getUint32(12, true), view(epb0[1]).getUint32(16, true)], [3, 3]);
    assert.equal(hex(epb0[1].subarray(20, 23)), 'deadbe');
    assert.deepEqual(options(epb0[1], 24), [[1, hex(Buffer.from('hi'))]]);
    assert.equal(view(epb1[1]).getUint32(0, true), 1);
  });

  it('power-of-two resolutions', () => {
    assert.equal(timestampUnits({ ts: { sec: 2, nsec: 500_000_000 }, data: new Uint8Array(0) }, 0x80 | 10), 2560n);
  });

  it('refuses packets on undeclared interfaces', () => {
    assert.throws(() => writePcapng([{ ts: { sec: 0, nsec: 0 }, data: new Uint8Array(1), interfaceId: 2 }], { interfaces: [{ linkType: 1 }] }));
  });
});
