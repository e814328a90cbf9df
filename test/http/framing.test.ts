import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Harness, text } from './support/recording-sink.js';

const GET = 'GET /index.html HTTP/1.1\r\nHost: example\r\n\r\n';

describe('body framing (RFC 9112 §6)', () => {
  it('Content-Length body, head and body in separate chunks', () => {
    const h = new Harness().client(GET).server('HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n').server('hello ').server('world');
    const [ex] = h.finish();
    assert.equal(ex.termination, 'complete');
    assert.equal(text(ex.response!.body.data), 'hello world');
    assert.equal(ex.response!.body.size, 11);
    assert.deepEqual(ex.response!.firstByte, { sec: 11, nsec: 0 });
    assert.deepEqual(ex.response!.lastByte, { sec: 13, nsec: 0 });
    assert.equal(ex.response!.head.headSize, 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n'.length);
  });

  it('request with neither Content-Length nor Transfer-Encoding has no body', () => {
    const h = new Harness().client('POST /x HTTP/1.1\r\nHost: a\r\n\r\nGET /y HTTP/1.1\r\n\r\n');
    h.server('HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n');
    const exs = h.finish();
    assert.deepEqual(exs.map((e) => e.request.head.target), ['/x', '/y']);
    assert.equal(exs[0].request.body.size, 0);
  });

  it('response with neither is close-delimited and completes at FIN', () => {
    const h = new Harness().client(GET).server('HTTP/1.0 200 OK\r\nServer: old\r\n\r\npart one,').server(' part two');
    h.handler.end('b2a', 'fin', { sec: 50, nsec: 0 });
    h.handler.end('a2b', 'fin', { sec: 51, nsec: 0 });
    h.sink.assertAllClosed();
    const [ex] = h.sink.exchanges;
    assert.equal(ex.termination, 'complete');
    assert.equal(text(ex.response!.body.data), 'part one, part two');
    assert.deepEqual(ex.response!.lastByte, { sec: 12, nsec: 0 });
  });

  it('close-delimited response cut by reset or capture end', () => {
    for (const reason of ['reset', 'capture-end'] as const) {
      const h = new Harness().client(GET).server('HTTP/1.1 200 OK\r\n\r\nsome');
      const [ex] = h.finish(reason);
      assert.equal(ex.termination, reason);
      assert.equal(text(ex.response!.body.data), 'some');
    }
  });

  it('HEAD response with Content-Length has no body; the next response follows at once', () => {
    const h = new Harness().client('HEAD /big HTTP/1.1\r\nHost: a\r\n\r\nGET /small HTTP/1.1\r\nHost: a\r\n\r\n');
    h.server('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const [head, get] = h.finish();
    assert.equal(head.response!.body.size, 0);
    assert.equal(head.response!.head.headers[0].value, '100000');
    assert.equal(text(get.response!.body.data), 'ok');
    assert.equal(get.termination, 'complete');
  });

  it('204 and 304 have no body even with Content-Length', () => {
    const h = new Harness().client(GET + GET + GET);
    h.server('HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n');
    h.server('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n');
    h.server('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc');
    const exs = h.finish();
    assert.deepEqual(exs.map((e) => [e.response!.head.status, e.response!.body.size, e.termination]), [
      [204, 0, 'complete'],
      [304, 0, 'complete'],
      [200, 3, 'complete'],
    ]);
  });

  it('chunked wins over Content-Length (with an anomaly)', () => {
    const h = new Harness().client(GET).server('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    const [ex] = h.finish();
    assert.equal(text(ex.response!.body.data), 'hello');
    assert.equal(ex.response!.body.chunked, true);
    assert.ok(ex.anomalies.some((a) => a.code === 'http.ambiguous-framing'));
  });

  it('Transfer-Encoding with chunked not last is close-delimited for a response', () => {
    const h = new Harness().client(GET).server('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n5\r\nhello\r\n');
    const [ex] = h.finish();
    assert.equal(text(ex.response!.body.data), '5\r\nhello\r\n');
    assert.equal(ex.response!.body.chunked, false);
  });

  it('multiple Transfer-Encoding headers: the last coding of the last one decides', () => {
    const h = new Harness().client(GET).server('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n');
    const [ex] = h.finish();
    assert.equal(text(ex.response!.body.data), 'x');
  });

  it('conflicting Content-Length is an anomaly; the response falls back to close-delimited', () => {
    const h = new Harness().client(GET).server('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nhello');
    const [ex] = h.finish();
    assert.ok(ex.anomalies.some((a) => a.code === 'http.bad-content-length'));
    assert.equal(text(ex.response!.body.data), 'hello');
    assert.equal(h.stats.get('http.bad-content-length'), 1);
  });

  it('identical repeated Content-Length is used, with an anomaly', () => {
    const h = new Harness().client(GET + GET).server('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const exs = h.finish();
    assert.equal(exs.length, 2);
    assert.equal(text(exs[0].response!.body.data), 'ok');
    assert.ok(exs[0].anomalies.some((a) => a.code === 'http.bad-content-length'));
    assert.equal(exs[1].termination, 'complete');
  });

  it('invalid Content-Length on a request: anomaly, no body', () => {
    const h = new Harness().client('POST /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n').server('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    const [ex] = h.finish();
    assert.equal(ex.request.body.size, 0);
    assert.ok(ex.anomalies.some((a) => a.code === 'http.bad-content-length'));
  });

  it('body cap: data keeps maxBody bytes, size counts all, truncated set', () => {
    const body = 'x'.repeat(5000);
    const h = new Harness({ maxBody: 1000 }).client(GET).server(`HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n${body.slice(0, 2500)}`).server(body.slice(2500));
    const [ex] = h.finish();
    assert.equal(ex.response!.body.data.length, 1000);
    assert.equal(ex.response!.body.size, 5000);
    assert.equal(ex.response!.body.truncated, true);
    assert.equal(ex.termination, 'complete');
    assert.equal(h.stats.get('http.body-truncated'), 1);
  });

  it('body data is an owned copy, not a view of the input chunk', () => {
    const h = new Harness();
    const chunk = new TextEncoder().encode('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc');
    h.client(GET).server(chunk);
    chunk.fill(0x21);
    const [ex] = h.finish();
    assert.equal(text(ex.response!.body.data), 'abc');
    assert.notEqual(ex.response!.body.data.buffer, chunk.buffer);
  });

  it('obsolete line folding is joined; headers keep wire order and case; bare LF lines work', () => {
    const h = new Harness().client('GET / HTTP/1.1\nHost: a\nX-Long: one\n  two\nx-lower: v\n\n');
    h.server('HTTP/1.1 200 OK\nContent-Length: 1\nSet-Cookie: a=1\nSet-Cookie: b=2\n\nZ');
    const [ex] = h.finish();
    assert.deepEqual(ex.request.head.headers, [
      { name: 'Host', value: 'a' },
      { name: 'X-Long', value: 'one two' },
      { name: 'x-lower', value: 'v' },
    ]);
    assert.deepEqual(ex.response!.head.headers.map((x) => x.value), ['1', 'a=1', 'b=2']);
    assert.equal(text(ex.response!.body.data), 'Z');
  });

  it('bare-LF head followed by a body that contains CRLFCRLF ends at the first empty line', () => {
    const h = new Harness().client(GET).server('HTTP/1.1 200 OK\nContent-Length: 6\n\nab\r\n\r\n');
    const [ex] = h.finish();
    assert.equal(ex.response!.head.headers.length, 1);
    assert.equal(text(ex.response!.body.data), 'ab\r\n\r\n');
  });

  it('HTTP/1.0 keep-alive: two exchanges on one connection', () => {
    const h = new Harness();
    h.client('GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n').server('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\na');
    h.client('GET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n').server('HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nb');
    const exs = h.finish();
    assert.deepEqual(exs.map((e) => [e.request.head.httpVersion, text(e.response!.body.data), e.connection.index]), [
      ['HTTP/1.0', 'a', 0],
      ['HTTP/1.0', 'b', 1],
    ]);
  });
});

describe('chunked bodies', () => {
  const response =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n' +
    '5;name=value\r\nhello\r\n' +
    '6 ; ext="quoted;semi"\r\n world\r\n' +
    'A\r\n0123456789\r\n' +
    '0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n';
  const next = 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext';

  function run(chunks: string[]) {
    const h = new Harness().client(GET + GET);
    for (const c of chunks) h.server(c);
    return h.finish();
  }

  it('extensions are skipped, trailers kept, the next response follows', () => {
    const [ex, ex2] = run([response + next]);
    assert.equal(text(ex.response!.body.data), 'hello world0123456789');
    assert.equal(ex.response!.body.size, 21);
    assert.equal(ex.response!.body.chunked, true);
    assert.deepEqual(ex.response!.body.trailers, [
      { name: 'X-Checksum', value: 'abc' },
      { name: 'X-Other', value: '1' },
    ]);
    assert.equal(text(ex2.response!.body.data), 'next');
  });

  it('split at every byte boundary gives the same result as one chunk', () => {
    const whole = JSON.stringify(run([response + next]).map((e) => [e.response, e.termination]), (_k, v) => (v instanceof Uint8Array ? text(v) : v));
    const all = response + next;
    for (let i = 1; i < all.length; i++) {
      const exs = run([all.slice(0, i), all.slice(i)]);
      const got = JSON.stringify(exs.map((e) => [e.response, e.termination]), (_k, v) => (v instanceof Uint8Array ? text(v) : v));
      // Timestamps differ by design (two chunks): compare without them.
      assert.equal(got.replace(/"(firstByte|lastByte)":\{[^}]*\}/g, ''), whole.replace(/"(firstByte|lastByte)":\{[^}]*\}/g, ''), `split at ${i}`);
    }
  });

  it('one byte at a time gives the same result as one chunk', () => {
    const strip = (s: string) => s.replace(/"(firstByte|lastByte)":\{[^}]*\}/g, '');
    const enc = (v: unknown) => JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? text(x) : x));
    const whole = run([response + next]);
    const bytewise = run([...(response + next)]);
    assert.equal(strip(enc(bytewise.map((e) => e.response))), strip(enc(whole.map((e) => e.response))));
    // The client's request went at 10; the response's first byte at 11 and its last byte much later.
    assert.deepEqual(bytewise[0].response!.firstByte, { sec: 11, nsec: 0 });
    assert.ok(bytewise[0].response!.lastByte.sec > 100);
  });

  it('a request split at every byte boundary begins once and parses the same', () => {
    const request = 'POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
    for (let i = 1; i < request.length; i++) {
      const h = new Harness().client(request.slice(0, i)).client(request.slice(i)).server('HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n');
      const exs = h.finish();
      assert.equal(h.sink.begun.length, 1, `split at ${i}`);
      assert.equal(exs.length, 1);
      assert.equal(text(exs[0].request.body.data), 'abc', `split at ${i}`);
      assert.equal(exs[0].termination, 'complete');
      assert.deepEqual(exs[0].request.firstByte, { sec: 10, nsec: 0 });
    }
  });

  it('invalid chunk size: parse-error anomaly, and the connection resyncs on the next response', () => {
    const h = new Harness().client(GET + GET).server('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n' + next);
    const [bad, good] = h.finish();
    assert.ok(bad.anomalies.some((a) => a.code === 'http.parse-error'));
    assert.equal(text(good.response!.body.data), 'next');
  });
});
