import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionInfo, Harness, text } from './support/recording-sink.js';

const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
/** A SETTINGS frame, then HEADERS: what follows the preface. */
const H2_FRAMES = '\x00\x00\x12\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64\x00\x04\x00\x10\x00\x00\x00\x01\x00\x00\x20\x00';

describe('HTTP/2', () => {
  it('prior knowledge: the preface is not an HTTP/1 exchange; the connection is counted and no longer parsed', () => {
    const h = new Harness().client(PREFACE + H2_FRAMES).server(H2_FRAMES).client('GET /looks-like-http1 HTTP/1.1\r\n\r\n');
    const exs = h.finish();
    assert.equal(exs.length, 0);
    assert.equal(h.sink.abandoned.length, 1, 'the begun preface is abandoned');
    assert.equal(h.stats.get('http.http2-connections'), 1);
    assert.equal(h.stats.get('http.parse-error'), 0);
    assert.equal(h.stats.get('http.requests'), 0);
    assert.equal(h.stats.get('http.not-http-connections'), 0);
  });

  it('prior knowledge seen mid-connection (no handshake) is recognised too', () => {
    const h = new Harness({}, connectionInfo('c2', false)).client(PREFACE.slice(0, 10)).client(PREFACE.slice(10) + H2_FRAMES);
    h.server(H2_FRAMES);
    assert.equal(h.finish().length, 0);
    assert.equal(h.stats.get('http.http2-connections'), 1);
  });

  it('Upgrade: h2c answered by 101: the exchange is kept, the rest is HTTP/2 and only counted', () => {
    const h = new Harness().client('GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n');
    h.server('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n' + H2_FRAMES).client(PREFACE + H2_FRAMES);
    const exs = h.finish();
    assert.equal(exs.length, 1);
    assert.equal(exs[0].response!.head.status, 101);
    assert.equal(h.stats.get('http.http2-connections'), 1);
    assert.equal(h.stats.get('http.tunnel-bytes'), 2 * H2_FRAMES.length + PREFACE.length);
  });

  it('a 101 without its request (capture started later) still switches the client side', () => {
    const h = new Harness({}, connectionInfo('c3', false));
    h.server('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n' + H2_FRAMES);
    h.client(PREFACE + H2_FRAMES);
    assert.equal(h.finish().length, 0);
    assert.equal(h.stats.get('http.orphan-response'), 1);
    assert.equal(h.stats.get('http.http2-connections'), 1);
    assert.equal(h.stats.get('http.parse-error'), 0);
  });

  it('a websocket 101 is not HTTP/2', () => {
    const h = new Harness().client('GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    h.server('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    assert.equal(h.finish().length, 1);
    assert.equal(h.stats.get('http.http2-connections'), 0);
  });
});

describe('CONNECT tunnels', () => {
  it('plain HTTP inside the tunnel (forward proxy): the requests inside are exchanges, even when fragmented', () => {
    const h = new Harness().client('CONNECT abc:443 HTTP/1.1\r\nUser-Agent: t\r\n\r\n').server('HTTP/1.1 200 OK\r\n\r\n');
    h.client('GE').client('T / HTTP/1.1\r\nHost: abc\r\n\r\n').server('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    h.client('GET /2 HTTP/1.1\r\nHost: abc\r\n\r\n').server('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    const exs = h.finish();
    assert.deepEqual(
      exs.map((e) => [e.request.head.method, e.request.head.target, e.response!.head.status, e.connection.index]),
      [
        ['CONNECT', 'abc:443', 200, 0],
        ['GET', '/', 200, 1],
        ['GET', '/2', 404, 2],
      ],
    );
    assert.equal(text(exs[1].response!.body.data), 'hello');
    assert.equal(h.stats.get('http.connect-tunnels-with-http'), 1);
    assert.equal(h.stats.get('http.tunnel-bytes'), 0);
  });

  it('bytes sent before the CONNECT answer arrives are held and then parsed as HTTP', () => {
    const h = new Harness().client('CONNECT abc:80 HTTP/1.1\r\n\r\n').client('GET /early HTTP/1.1\r\n\r\n');
    h.server('HTTP/1.1 200 Connection established\r\n\r\n').server('HTTP/1.1 204 No Content\r\n\r\n');
    const exs = h.finish();
    assert.deepEqual(exs.map((e) => [e.request.head.target, e.response!.head.status]), [
      ['abc:80', 200],
      ['/early', 204],
    ]);
  });

  it('TLS inside the tunnel stays opaque, also when its first bytes come in pieces', () => {
    const h = new Harness().client('CONNECT example.com:443 HTTP/1.1\r\n\r\n').server('HTTP/1.1 200 Connection established\r\n\r\n');
    h.client('\x16').client('\x03\x01\x02\x00').server('\x16\x03\x03\x00\x10');
    h.client('GET /inside-tls HTTP/1.1\r\n\r\n'); // looks like HTTP, but the tunnel was decided at its first byte
    const exs = h.finish();
    assert.equal(exs.length, 1);
    assert.equal(h.stats.get('http.tunnel-bytes'), 10 + 28);
    assert.equal(h.stats.get('http.connect-tunnels-with-http'), 0);
  });

  it('a text protocol that is not HTTP inside the tunnel stays opaque', () => {
    const h = new Harness().client('CONNECT mail:25 HTTP/1.1\r\n\r\n').server('HTTP/1.1 200 OK\r\n\r\n');
    h.server('220 mail ESMTP\r\n').client('EHLO me\r\n').server('250 ok\r\n');
    assert.equal(h.finish().length, 1);
    assert.equal(h.stats.get('http.tunnel-bytes'), 16 + 9 + 8);
  });
});
