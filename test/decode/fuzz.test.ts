import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder } from '../../src/decode/frame-decoder.js';
import { LinkType } from '../../src/decode/link-types.js';
import { Stats } from '../../src/model/stats.js';
import { ascii, be16, be32, cat, ethernet, frame, ipv4, ipv6, tcp } from './support/build.js';

const linkTypes = [...Object.values(LinkType), 2, 105, 0xffff];

/** Deterministic PRNG, so that a failure can be reproduced from the seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

/** A decoded segment must be internally sane whatever the input. */
function assertSane(s: ReturnType<FrameDecoder['decode']>, data: Uint8Array, label: string): void {
  if (s === undefined) return;
  assert.ok(s.srcPort >= 0 && s.srcPort <= 65535, label);
  assert.ok(s.seq >= 0 && s.seq <= 0xffffffff && Number.isInteger(s.seq), label);
  assert.ok(s.ack >= 0 && s.ack <= 0xffffffff, label);
  assert.ok(s.payload.length <= Math.max(data.length, 65535), label);
  assert.equal(typeof s.srcIp, 'string', label);
}

test('random bytes on every link type never throw', () => {
  const rnd = prng(1);
  const stats = new Stats();
  const decoder = new FrameDecoder(stats);
  for (let n = 0; n < 6000; n++) {
    const len = Math.floor(rnd() * 200);
    const data = new Uint8Array(len);
    for (let i = 0; i < len; i++) data[i] = Math.floor(rnd() * 256);
    const linkType = linkTypes[n % linkTypes.length];
    const label = `seed 1 frame ${n}`;
    assertSane(decoder.decode(frame(linkType, data, len + (n % 3))), data, label);
  }
  assert.ok(stats.counts.size > 3, 'random input lands in several counters');
});

test('valid frames of every kind, truncated at every length and with bytes flipped, never throw', () => {
  const t = tcp(ascii('GET / HTTP/1.1\r\n\r\n'), { options: [1, 1, 1, 1] });
  const v4 = ipv4(t, { options: [1, 1, 1, 0] });
  const v6 = ipv6(cat([6, 0, 0, 0, 0, 0, 0, 0], t), { next: 60 });
  const gre = ipv4(cat([0x30, 0, 0x88, 0xbe], be32(1), be32(2), [0x10, 0, 0, 1, 0, 0, 0, 1], ethernet(0x0800, v4)), { proto: 47 });
  const vx = ipv4(cat(be16(1), be16(4789), be16(0), [0, 0], [8, 0, 0, 0, 0, 0, 0, 0], ethernet(0x86dd, v6)), { proto: 17 });
  const frag = ipv4(t.subarray(0, 16), { more: true, proto: 6 });
  const seeds: [number, Uint8Array][] = [
    [LinkType.ETHERNET, ethernet(0x8100, cat([0, 1, 0x88, 0x47, 0, 0, 0x11, 64], v4))],
    [LinkType.ETHERNET, ethernet(0x0800, gre)],
    [LinkType.ETHERNET, ethernet(0x0800, vx)],
    [LinkType.ETHERNET, ethernet(0x8864, cat([0x11, 0, 0, 1], be16(v4.length + 2), [0, 0x21], v4))],
    [LinkType.ETHERNET, ethernet(0x0800, frag)],
    [LinkType.LINUX_SLL2, cat([0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0], v6)],
    [LinkType.NFLOG, cat([2, 0, 0, 0], [v4.length + 4, 0, 9, 0], v4)],
    [LinkType.IEEE802_11_RADIOTAP, cat([0, 0, 8, 0, 0, 0, 0, 0, 0x88, 1], new Array(24).fill(0), [0xaa, 0xaa, 3, 0, 0, 0, 8, 0], v4)],
    [LinkType.ARCNET_LINUX, cat([1, 2, 0, 0, 212, 0, 0, 1], v4)],
    [LinkType.NULL, cat([24, 0, 0, 0], v6)],
  ];
  const rnd = prng(2);
  const decoder = new FrameDecoder(new Stats(), { maxFragmentBytes: 100_000 });
  let decoded = 0;
  for (const [linkType, whole] of seeds) {
    const seedStats = new Stats();
    const whole1 = new FrameDecoder(seedStats).decode(frame(linkType, whole));
    assert.ok(whole1 !== undefined || whole === seeds[4][1], `seed for link ${linkType} decodes: ${JSON.stringify(seedStats.toJSON())}`);
    for (let len = 0; len <= whole.length; len++) {
      const data = whole.slice(0, len);
      const s = decoder.decode(frame(linkType, data, whole.length));
      if (s) decoded++;
      assertSane(s, data, `link ${linkType} cut at ${len}`);
    }
    for (let n = 0; n < 400; n++) {
      const data = whole.slice();
      for (let k = 0; k < 3; k++) data[Math.floor(rnd() * data.length)] = Math.floor(rnd() * 256);
      assertSane(decoder.decode(frame(linkType, data)), data, `link ${linkType} mutation ${n}`);
    }
  }
  assert.ok(decoded > 0);
});
