import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressFormatter, formatIpv4, formatIpv6 } from '../../src/decode/address-format.js';
import { ipv6Bytes } from './support/build.js';

const v6 = (s: string): string => formatIpv6(Uint8Array.from(ipv6Bytes(s)), 0);

test('IPv4: dotted quad at any offset', () => {
  assert.equal(formatIpv4(Uint8Array.from([9, 0, 255, 10, 1]), 1), '0.255.10.1');
});

test('IPv6 per RFC 5952: lowercase, no leading zeros, longest (first) zero run compressed', () => {
  const cases: [string, string][] = [
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:0DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longer run wins
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // ties: the first
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['0:0:1:0:0:0:0:0', '0:0:1::'],
    ['0:0:0:0:0:ffff:c0a8:1', '::ffff:192.168.0.1'], // IPv4-mapped
    ['fd00:abcd:ef01:2345:6789:abcd:ef01:2345', 'fd00:abcd:ef01:2345:6789:abcd:ef01:2345'],
  ];
  for (const [input, expected] of cases) assert.equal(v6(input), expected, input);
});

test('IPv6 agrees with the WHATWG URL serializer (RFC 5952 compression) on random addresses', () => {
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 8;
  for (let n = 0; n < 3000; n++) {
    // Plenty of zero groups, so that runs and ties are common.
    const bytes = new Uint8Array(16);
    for (let g = 0; g < 8; g++) {
      if (rnd() % 3 === 0) continue;
      const w = rnd() % 4 === 0 ? rnd() & 0xf : rnd() & 0xffff;
      bytes[2 * g] = w >> 8;
      bytes[2 * g + 1] = w & 0xff;
    }
    if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) continue; // mapped
    const ours = formatIpv6(bytes, 0);
    const groups = Array.from({ length: 8 }, (_, g) => ((bytes[2 * g] << 8) | bytes[2 * g + 1]).toString(16)).join(':');
    assert.equal(ours, new URL(`http://[${groups}]/`).hostname.slice(1, -1), groups);
  }
});

test('the cached formatter returns the same strings as the plain functions, through collisions', () => {
  const f = new AddressFormatter();
  const buf = new Uint8Array(16);
  for (let i = 0; i < 20000; i++) {
    buf[0] = i & 0xff;
    buf[1] = (i >> 8) & 0xff;
    buf[3] = (i * 31) & 0xff;
    buf[15] = i & 7;
    assert.equal(f.ipv4(buf, 0), formatIpv4(buf, 0));
    assert.equal(f.ipv6(buf, 0), formatIpv6(buf, 0));
  }
  // 0.0.0.0 is a real address, not an empty slot.
  assert.equal(f.ipv4(new Uint8Array(4), 0), '0.0.0.0');
  assert.equal(f.ipv6(new Uint8Array(16), 0), '::');
});
