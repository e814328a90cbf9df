import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv6Text } from '../../src/source/ip-text.js';

describe('ipv6Text', () => {
  const cases: Array<[string, string]> = [
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000000000001', '::1'],
    ['fe800000000000000202b3fffe1e8329', 'fe80::202:b3ff:fe1e:8329'],
    ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['20010db8000100000001000100010001', '2001:db8:1:0:1:1:1:1'],
    ['00000000000000000000ffff0a000001', '::ffff:10.0.0.1'],
    ['000000000000000000000000ffff0001', '::ffff:1'],
  ];
  for (const [hex, text] of cases) {
    it(`formats ${text}`, () => assert.equal(ipv6Text(Buffer.from(hex, 'hex'), 0), text));
  }
});
