import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Exchange } from '../../src/model/exchange.js';
import { toHarEntry, type HarEntryOptions } from '../../src/sinks/har-entry.js';
import type { HarEntry } from '../../src/sinks/har-types.js';
import { at, buildExchange, bytes, cappedBody, makeBody } from './support/exchange-builder.js';
import { assertValid, harValidators } from './support/har-schema.js';
import { decodeBody } from '../../src/http/index.js';

const validators = harValidators();
const options: HarEntryOptions = { decodeBody: decodeBody, maxBody: 1024 * 1024 };

/** Converts, validates against the HAR 1.2 schema, and checks the JSON round trip. */
function entryOf(exchange: Exchange, opts: HarEntryOptions = options): HarEntry {
  const entry = toHarEntry(exchange, opts);
  assertValid(validators.entry, entry);
  assert.deepEqual(JSON.parse(JSON.stringify(entry)), entry);
  return entry;
}

describe('toHarEntry', () => {
  it('is checked by a validator that does reject bad entries', () => {
    const good = toHarEntry(buildExchange(), options);
    assert.equal(validators.entry(good), true);
    assert.equal(validators.entry({ ...good, request: { ...good.request, url: 'http://a/b c' } }), false);
    assert.equal(validators.entry({ ...good, startedDateTime: '2023-11-14 22:13' }), false);
    assert.equal(validators.entry({ ...good, serverIPAddress: 'fd00::zz' }), false);
    const { timings: _timings, ...withoutTimings } = good;
    assert.equal(validators.entry(withoutTimings), false);
  });

  it('maps a plain GET with timings, addresses and extension fields', () => {
    const entry = entryOf(
      buildExchange({
        target: '/users/7',
        times: [0, 0.25, 5.5, 6.0015],
        handshake: { syn: at(-2), synAck: at(-1.5), ack: at(-1.25) },
        clientContainer: { kind: 'container', name: 'web', id: 'abc' },
        anomalies: [{ code: 'tcp.retransmission', message: 'resent', ts: at(1) }],
      }),
    );
    assert.equal(entry.startedDateTime, '2023-11-14T22:13:20.000000+00:00');
    assert.equal(entry.request.url, 'http://api.example/users/7');
    assert.deepEqual(entry.timings, { blocked: -1, dns: -1, connect: 0.75, send: 0.25, wait: 5.25, receive: 0.502, ssl: -1 });
    assert.equal(entry.time, 6.752);
    assert.equal(entry.serverIPAddress, '172.17.0.3');
    assert.equal(entry.connection, 'c0');
    assert.equal(entry._clientIPAddress, '172.17.0.2');
    assert.equal(entry._clientPort, 40000);
    assert.equal(entry._serverPort, 8080);
    assert.equal(entry._termination, 'complete');
    assert.deepEqual(entry._anomalies, [{ code: 'tcp.retransmission', message: 'resent' }]);
    assert.deepEqual(entry._clientContainer, { kind: 'container', name: 'web', id: 'abc' });
    assert.equal(entry._serverContainer, undefined);
    assert.deepEqual(entry.request.headers, [
      { name: 'Host', value: 'api.example' },
      { name: 'User-Agent', value: 'curl/8.0' },
    ]);
    assert.equal(entry.request.postData, undefined);
    assert.equal(entry.response.content.text, 'ok');
    assert.equal(entry.response.content.mimeType, 'text/plain');
    assert.equal(entry.response.bodySize, 2);
  });

  it('gives microsecond startedDateTime from nanosecond capture time', () => {
    const exchange = buildExchange();
    exchange.request.firstByte = { sec: 1_700_000_000, nsec: 123_456_789 };
    assert.equal(entryOf(exchange).startedDateTime, '2023-11-14T22:13:20.123456+00:00');
  });

  it('leaves out text for an empty body and keeps size 0', () => {
    const entry = entryOf(buildExchange({ responseBody: makeBody(''), responseHeaders: [['Content-Length', '0']] }));
    assert.deepEqual(entry.response.content, { size: 0, mimeType: '' });
    assert.equal(entry.response.bodySize, 0);
  });

  it('writes a binary body as base64 that decodes to the same bytes', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff]);
    const entry = entryOf(buildExchange({ responseHeaders: [['Content-Type', 'image/png']], responseBody: makeBody(png) }));
    assert.equal(entry.response.content.encoding, 'base64');
    assert.deepEqual(new Uint8Array(Buffer.from(entry.response.content.text ?? '', 'base64')), png);
    assert.equal(entry.response.content.size, png.length);
  });

  it('shows ASCII without a textual mime type as text, but control characters as base64', () => {
    const plain = entryOf(buildExchange({ responseHeaders: [], responseBody: makeBody('hello\tworld\r\n') }));
    assert.equal(plain.response.content.text, 'hello\tworld\r\n');
    assert.equal(plain.response.content.encoding, undefined);
    const control = entryOf(buildExchange({ responseHeaders: [['Content-Type', 'application/octet-stream']], responseBody: makeBody('a\u0001b') }));
    assert.equal(control.response.content.encoding, 'base64');
  });

  it('decodes gzip: bodySize is on the wire, content.size decoded, compression the difference', () => {
    const json = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ i, name: `item ${i}` })) });
    const gz = gzipSync(json);
    const exchange = buildExchange({
      responseHeaders: [['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']],
      responseBody: makeBody(new Uint8Array(gz)),
    });
    const entry = entryOf(exchange);
    assert.equal(entry.response.bodySize, gz.length);
    assert.equal(entry.response.content.size, Buffer.byteLength(json));
    assert.equal(entry.response.content.compression, Buffer.byteLength(json) - gz.length);
    assert.equal(entry.response.content.text, json);
    assert.equal(entry.response.content._truncated, undefined);

    const undecoded = entryOf(exchange, { maxBody: 1 << 20 });
    assert.equal(undecoded.response.content.size, gz.length);
    assert.equal(undecoded.response.content.compression, undefined);
    assert.equal(undecoded.response.content.encoding, 'base64');
    assert.equal(undecoded.response.content._contentEncoding, 'gzip');
    assert.deepEqual(Buffer.from(undecoded.response.content.text ?? '', 'base64'), gz);
  });

  it('keeps a corrupt gzip body as it came, with the decoder error', () => {
    const entry = entryOf(
      buildExchange({ responseHeaders: [['Content-Encoding', 'gzip']], responseBody: makeBody(new Uint8Array([1, 2, 3, 4, 5])) }),
    );
    assert.equal(entry.response.content._contentEncoding, 'gzip');
    assert.ok(entry.response.content._decodeError);
    assert.equal(entry.response.content.size, 5);
  });

  it('marks a body cut by --max-body and never splits a UTF-8 character', () => {
    const text = 'é'.repeat(100); // 200 bytes, 2 per character
    const entry = entryOf(buildExchange({ responseHeaders: [['Content-Type', 'text/plain; charset=utf-8']], responseBody: cappedBody(text, 51) }));
    const content = entry.response.content;
    assert.equal(content.size, 200);
    assert.equal(entry.response.bodySize, 200);
    assert.equal(content.encoding, undefined);
    assert.equal(content.text, 'é'.repeat(25));
    assert.equal(content._truncated, true);
    assert.equal(content._capturedSize, 50);
  });

  it('cuts a decoded body at maxBody and says so', () => {
    const text = 'x'.repeat(5000);
    const entry = entryOf(
      buildExchange({ responseHeaders: [['Content-Encoding', 'gzip']], responseBody: makeBody(new Uint8Array(gzipSync(text))) }),
      { decodeBody, maxBody: 1000 },
    );
    const content = entry.response.content;
    const shown = content.text ?? '';
    assert.ok(shown.length > 0 && shown.length <= 1000 && text.startsWith(shown), `${shown.length} bytes shown`);
    assert.equal(content._truncated, true);
    assert.equal(content._capturedSize, shown.length);
    assert.equal(content.compression, undefined);
    assert.ok(content.size >= shown.length);
  });

  it('shows the decodable part of a gzip body cut by the cap', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `line ${i * 7919 % 10007}\n`).join('');
    const gz = new Uint8Array(gzipSync(text));
    const entry = entryOf(buildExchange({ responseHeaders: [['Content-Type', 'text/plain'], ['Content-Encoding', 'gzip']], responseBody: cappedBody(gz, Math.floor(gz.length / 2)) }));
    const content = entry.response.content;
    assert.equal(entry.response.bodySize, gz.length);
    assert.equal(content._truncated, true);
    assert.ok(content.text !== undefined && content.text.length > 0 && text.startsWith(content.text));
    assert.equal(content._capturedSize, Buffer.byteLength(content.text));
  });

  it('handles 304 and HEAD: no body whatever Content-Length says', () => {
    const notModified = entryOf(buildExchange({ status: 304, reason: 'Not Modified', responseHeaders: [['ETag', '"a"']], responseBody: makeBody() }));
    assert.equal(notModified.response.status, 304);
    assert.equal(notModified.response.statusText, 'Not Modified');
    assert.deepEqual(notModified.response.content, { size: 0, mimeType: '' });
    const head = entryOf(
      buildExchange({ method: 'HEAD', responseHeaders: [['Content-Type', 'text/html'], ['Content-Length', '1000']], responseBody: makeBody() }),
    );
    assert.equal(head.request.method, 'HEAD');
    assert.equal(head.response.bodySize, 0);
    assert.deepEqual(head.response.content, { size: 0, mimeType: 'text/html' });
  });

  it('lists interim 1xx responses and times the final response', () => {
    const entry = entryOf(
      buildExchange({
        method: 'POST',
        requestHeaders: [['Host', 'up'], ['Expect', '100-continue'], ['Content-Type', 'application/json']],
        requestBody: makeBody('{"a":1}'),
        times: [0, 3, 4, 4.5],
        interim: [{ status: 100, reason: 'Continue', at: 1.5 }],
        status: 201,
        reason: 'Created',
      }),
    );
    assert.deepEqual(entry._interim, [{ status: 100, statusText: 'Continue', httpVersion: 'HTTP/1.1', headers: [], time: 1.5 }]);
    assert.equal(entry.response.status, 201);
    assert.equal(entry.timings.wait, 1);
    assert.deepEqual(entry.request.postData, { mimeType: 'application/json', text: '{"a":1}' });
    assert.equal(entry.request.bodySize, 7);
  });

  it('gives status 0 and -1 timings when no response came', () => {
    const entry = entryOf(buildExchange({ status: null, times: [0, 1.5, 0, 0] }));
    assert.equal(entry.response.status, 0);
    assert.equal(entry.response.headersSize, -1);
    assert.equal(entry.response.bodySize, -1);
    assert.equal(entry.timings.wait, -1);
    assert.equal(entry.timings.receive, -1);
    assert.equal(entry.time, 1.5);
    assert.equal(entry._termination, 'no-response');
  });

  it('charges the handshake to the first exchange of a pipelined connection only', () => {
    const handshake = { syn: at(-1), ack: at(-0.5) };
    const first = entryOf(buildExchange({ index: 0, handshake, connectionId: 'c9' }));
    const second = entryOf(buildExchange({ index: 1, handshake, connectionId: 'c9', times: [0.1, 0.2, 7, 8] }));
    assert.equal(first.timings.connect, 0.5);
    assert.equal(second.timings.connect, -1);
    assert.equal(second.connection, 'c9');
    assert.equal(second._connectionIndex, 1);
  });

  it('never gives a negative timing: an early response has wait 0', () => {
    const entry = entryOf(buildExchange({ times: [0, 10, 2, 3] }));
    assert.equal(entry.timings.wait, 0);
    assert.ok(Object.values(entry.timings).every((t) => t === -1 || t >= 0));
  });

  it('writes latin-1 text as base64 (exact bytes)', () => {
    const latin1 = new Uint8Array(Buffer.from('café crème', 'latin1'));
    const entry = entryOf(buildExchange({ responseHeaders: [['Content-Type', 'text/html; charset=iso-8859-1']], responseBody: makeBody(latin1) }));
    assert.equal(entry.response.content.encoding, 'base64');
    assert.deepEqual(new Uint8Array(Buffer.from(entry.response.content.text ?? '', 'base64')), latin1);
  });

  it('builds the URL of CONNECT from its own authority', () => {
    const named = entryOf(buildExchange({ method: 'CONNECT', target: 'example.com:443', requestHeaders: [['Host', 'example.com:443']], status: 200 }));
    assert.equal(named.request.url, 'http://example.com:443');
    const ip = entryOf(buildExchange({ method: 'CONNECT', target: '10.0.0.1:8443', requestHeaders: [] }));
    assert.equal(ip.request.url, 'http://10.0.0.1:8443');
  });

  it('uses an absolute-form target as is', () => {
    const entry = entryOf(buildExchange({ target: 'http://proxy.test:3128/a?b=c', requestHeaders: [['Host', 'other']] }));
    assert.equal(entry.request.url, 'http://proxy.test:3128/a?b=c');
    assert.deepEqual(entry.request.queryString, [{ name: 'b', value: 'c' }]);
  });

  it('falls back to the server address: IPv6 in brackets, port 80 omitted', () => {
    const v6 = entryOf(buildExchange({ httpVersion: 'HTTP/1.0', requestHeaders: [], target: '/x', server: { ip: 'fd00::2', port: 8080 } }));
    assert.equal(v6.request.url, 'http://[fd00::2]:8080/x');
    assert.equal(v6.serverIPAddress, 'fd00::2');
    const v4 = entryOf(buildExchange({ requestHeaders: [['Host', '']], target: '/y', server: { ip: '10.1.2.3', port: 80 } }));
    assert.equal(v4.request.url, 'http://10.1.2.3/y');
    const hostPort80 = entryOf(buildExchange({ requestHeaders: [['host', 'svc:80']], target: '/z' }));
    assert.equal(hostPort80.request.url, 'http://svc/z');
  });

  it('parses and decodes the query string, and makes a raw target a valid URI', () => {
    const entry = entryOf(buildExchange({ target: '/search?q=a+b&x=%E2%82%AC&flag&bad=%zz&&sp=c d&[i]=1#frag#more' }));
    assert.equal(entry.request.url, 'http://api.example/search?q=a+b&x=%E2%82%AC&flag&bad=%25zz&&sp=c%20d&%5Bi%5D=1#frag%23more');
    assert.deepEqual(entry.request.queryString, [
      { name: 'q', value: 'a b' },
      { name: 'x', value: '€' },
      { name: 'flag', value: '' },
      { name: 'bad', value: '%zz' },
      { name: 'sp', value: 'c d' },
      { name: '[i]', value: '1' },
    ]);
    const latin = entryOf(buildExchange({ target: '/caf\u00e9?\u00e9=\u20ac' }));
    assert.equal(latin.request.url, 'http://api.example/caf%E9?%E9=%E2%82%AC');
  });

  it('parses request cookies and Set-Cookie attributes against capture time', () => {
    const entry = entryOf(
      buildExchange({
        requestHeaders: [['Host', 'a'], ['Cookie', 'sid=abc; theme=dark;  flag']],
        responseHeaders: [
          ['Set-Cookie', 'sid=xyz; Path=/; Domain=a.example; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly; Secure'],
          ['Set-Cookie', 'n=1; Max-Age=60'],
          ['Set-Cookie', 'bad=1; Expires=not a date'],
        ],
      }),
    );
    assert.deepEqual(entry.request.cookies, [
      { name: 'sid', value: 'abc' },
      { name: 'theme', value: 'dark' },
      { name: '', value: 'flag' },
    ]);
    assert.deepEqual(entry.response.cookies, [
      { name: 'sid', value: 'xyz', path: '/', domain: 'a.example', expires: '2026-10-21T07:28:00.000Z', httpOnly: true, secure: true },
      { name: 'n', value: '1', expires: '2023-11-14T22:14:20.005500+00:00' },
      { name: 'bad', value: '1' },
    ]);
  });

  it('gives form params for a urlencoded body and base64 for a binary upload', () => {
    const form = entryOf(
      buildExchange({ method: 'POST', requestHeaders: [['Content-Type', 'application/x-www-form-urlencoded']], requestBody: makeBody('a=1&b=x+y&c=%26') }),
    );
    assert.deepEqual(form.request.postData?.params, [
      { name: 'a', value: '1' },
      { name: 'b', value: 'x y' },
      { name: 'c', value: '&' },
    ]);
    const upload = entryOf(
      buildExchange({ method: 'PUT', requestHeaders: [['Content-Type', 'application/octet-stream']], requestBody: makeBody(new Uint8Array([0, 1, 2, 255])) }),
    );
    assert.deepEqual(upload.request.postData, { mimeType: 'application/octet-stream', text: 'AAEC/w==', encoding: 'base64' });
  });

  it('reports lost bytes and trailers', () => {
    const entry = entryOf(
      buildExchange({
        responseBody: makeBody('abc', { size: 1003, lostBytes: 1000, chunked: true, trailers: [{ name: 'X-Checksum', value: '1' }] }),
        termination: 'gap',
      }),
    );
    assert.equal(entry.response.content._lostBytes, 1000);
    assert.equal(entry.response.content._truncated, true);
    assert.deepEqual(entry.response._trailers, [{ name: 'X-Checksum', value: '1' }]);
    assert.equal(entry._termination, 'gap');
  });

  it('does not share header objects with the exchange', () => {
    const exchange = buildExchange();
    const entry = toHarEntry(exchange, options);
    entry.request.headers[0].value = 'changed';
    assert.equal(exchange.request.head.headers[0].value, 'api.example');
  });

  it('survives random heads and bodies and always yields a valid entry', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const randomString = (length: number): string => String.fromCharCode(...Array.from({ length }, () => (random(10) === 0 ? 0xd800 + random(0x800) : random(0x3000))));
    const randomBytes = (length: number): Uint8Array => new Uint8Array(Array.from({ length }, () => random(256)));
    for (let i = 0; i < 300; i++) {
      const exchange = buildExchange({
        method: randomString(random(8)),
        target: randomString(random(40)),
        requestHeaders: Array.from({ length: random(5) }, () => [
          ['Host', 'Cookie', 'Content-Type', 'Content-Encoding', randomString(3)][random(5)],
          randomString(random(20)),
        ]) as Array<[string, string]>,
        requestBody: random(2) ? makeBody(randomBytes(random(50))) : cappedBody(randomBytes(100), random(100)),
        status: random(4) === 0 ? null : random(1000),
        reason: randomString(random(10)),
        responseHeaders: Array.from({ length: random(5) }, () => [
          ['Set-Cookie', 'Location', 'Content-Type', 'Content-Encoding', randomString(3)][random(5)],
          randomString(random(30)),
        ]) as Array<[string, string]>,
        responseBody: makeBody(randomBytes(random(60)), { truncated: random(2) === 0 }),
        times: [random(100), random(100), random(100), random(100)],
        server: random(2) ? { ip: 'fe80::1', port: random(65536) } : { ip: '10.0.0.1', port: random(65536) },
      });
      const entry = entryOf(exchange);
      assert.ok(entry.time >= 0);
    }
  });

  it('accepts bytes given as a Buffer subarray', () => {
    const backing = Buffer.from('xxhello');
    const entry = entryOf(buildExchange({ responseBody: makeBody(bytes(backing.subarray(2))) }));
    assert.equal(entry.response.content.text, 'hello');
  });
});
