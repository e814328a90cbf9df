import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { decodeBody } from '../../src/http/decode-body.js';

const original = Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(200));
const asText = (data: Uint8Array) => Buffer.from(data).toString();

describe('decodeBody', () => {
  it('gzip and x-gzip', () => {
    for (const coding of ['gzip', 'x-gzip', 'GZIP']) {
      const r = decodeBody(gzipSync(original), coding, 1 << 20);
      assert.equal(r.decoded, true, coding);
      assert.equal(asText(r.data), original.toString());
      assert.equal(r.error, undefined);
    }
  });

  it('deflate as zlib and as raw deflate', () => {
    assert.equal(asText(decodeBody(deflateSync(original), 'deflate', 1 << 20).data), original.toString());
    const raw = decodeBody(deflateRawSync(original), 'deflate', 1 << 20);
    assert.equal(raw.decoded, true);
    assert.equal(asText(raw.data), original.toString());
  });

  it('br', () => {
    const r = decodeBody(brotliCompressSync(original), 'br', 1 << 20);
    assert.equal(r.decoded, true);
    assert.equal(asText(r.data), original.toString());
  });

  it('stacked codings are undone last first; identity is skipped', () => {
    const stacked = brotliCompressSync(gzipSync(original)); // "gzip, br": gzip applied first
    const r = decodeBody(stacked, 'gzip, identity, br', 1 << 20);
    assert.equal(r.decoded, true);
    assert.equal(asText(r.data), original.toString());
  });

  it('corrupt input leaves the body as it was, with an error', () => {
    const corrupt = Buffer.from(gzipSync(original));
    corrupt[20] ^= 0xff;
    corrupt[21] ^= 0xff;
    const r = decodeBody(corrupt, 'gzip', 1 << 20);
    assert.equal(r.decoded, false);
    assert.equal(r.data, corrupt);
    assert.match(r.error ?? '', /gzip/);
    assert.equal(decodeBody(Buffer.from('not brotli at all'), 'br', 100).decoded, false);
  });

  it('a cut stream (capture cap) yields what decoded so far', () => {
    const gz = gzipSync(original);
    const r = decodeBody(gz.subarray(0, gz.length >> 1), 'gzip', 1 << 20);
    assert.equal(r.decoded, true);
    assert.ok(r.data.length > 0 && r.data.length < original.length);
    assert.ok(original.toString().startsWith(asText(r.data)));
  });

  it('output is bounded by maxOutput', () => {
    const r = decodeBody(gzipSync(original), 'gzip', 1000);
    assert.equal(r.decoded, true);
    assert.ok(r.data.length <= 1000);
    assert.ok(r.data.length > 0);
    assert.ok(original.toString().startsWith(asText(r.data)));
    assert.match(r.error ?? '', /exceeds 1000/);
  });

  it('unsupported or absent codings are not decoded', () => {
    assert.equal(decodeBody(original, undefined, 100).decoded, false);
    assert.equal(decodeBody(original, 'identity', 100).decoded, false);
    const z = decodeBody(original, 'zstd', 100);
    assert.equal(z.decoded, false);
    assert.match(z.error ?? '', /zstd/);
  });
});
