import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionInfo, Harness, text, ts } from './support/recording-sink.js';

const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('pairing requests with responses', () => {
  it('pipelining: three requests then three responses, each in one chunk', () => {
    const h = new Harness().client('GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n').server(ok('one') + ok('two') + ok('three'));
    const exs = h.finish();
    assert.deepEqual(exs.map((e) => [e.seq, e.request.head.target, text(e.response!.body.data), e.connection.index, e.termination]), [
      [0, '/1', 'one', 0, 'complete'],
      [1, '/2', 'two', 1, 'complete'],
      [2, '/3', 'three', 2, 'complete'],
    ]);
    assert.equal(h.sink.begun.length, 3);
  });

  it('begin happens at the first byte of a request, before its head is complete', () => {
    const h = new Harness().client('GET /slow HT', ts(5, 1));
    assert.equal(h.sink.begun.length, 1);
    assert.deepEqual(h.sink.begun[0], ts(5, 1));
    assert.equal(h.sink.exchanges.length, 0);
    h.client('TP/1.1\r\nHost: a\r\n\r\n', ts(5, 2)).server(ok('x'), ts(6));
    const [ex] = h.finish();
    assert.deepEqual(ex.request.firstByte, ts(5, 1));
    assert.deepEqual(ex.request.lastByte, ts(5, 2));
  });

  it('100-continue: the interim response is kept and does not consume the request', () => {
    const h = new Harness().client('PUT /f HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n');
    h.server('HTTP/1.1 100 Continue\r\n\r\n').client('data').server('HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n');
    const [ex] = h.finish();
    assert.equal(ex.interim.length, 1);
    assert.equal(ex.interim[0].head.status, 100);
    assert.equal(ex.response!.head.status, 201);
    assert.equal(text(ex.request.body.data), 'data');
    assert.equal(ex.termination, 'complete');
  });

  it('a response with no pending request is counted as orphan, not an exchange', () => {
    const h = new Harness().client('GET / HTTP/1.1\r\n\r\n').server(ok('a') + ok('b'));
    const exs = h.finish();
    assert.equal(exs.length, 1);
    assert.equal(h.stats.get('http.orphan-response'), 1);
  });

  it('Upgrade to websocket: 101 completes the exchange, the binary afterwards is counted, not parsed', () => {
    const h = new Harness().client('GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    h.client(new Uint8Array([0x81, 0x85, 1, 2, 3, 4, 5, 6, 7, 8, 9])); // a frame sent before the 101 arrived
    h.server('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x02hi');
    h.client('GET /not-http HTTP/1.1\r\n\r\n').server('HTTP/1.1 200 OK\r\n\r\n');
    assert.equal(h.sink.exchanges.length, 1, 'the exchange is complete at the 101');
    const exs = h.finish();
    assert.equal(exs.length, 1);
    assert.equal(exs[0].response!.head.status, 101);
    assert.equal(exs[0].termination, 'complete');
    assert.equal(h.stats.get('http.tunnel-bytes'), 11 + 4 + 26 + 19);
    assert.equal(h.stats.get('http.parse-error'), 0);
  });

  it('Upgrade refused: held client bytes are parsed as HTTP after all', () => {
    const h = new Harness().client('GET /a HTTP/1.1\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n').client('GET /b HTTP/1.1\r\n\r\n');
    h.server(ok('first') + ok('second'));
    const exs = h.finish();
    assert.deepEqual(exs.map((e) => [e.request.head.target, text(e.response!.body.data)]), [
      ['/a', 'first'],
      ['/b', 'second'],
    ]);
  });

  it('CONNECT 200: the tunnel is not parsed; CONNECT 407 is followed by more HTTP', () => {
    const h = new Harness().client('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    h.server('HTTP/1.1 200 Connection established\r\n\r\n').client('\x16\x03\x01\x02\x00').server('\x16\x03\x03\x00\x10');
    const exs = h.finish();
    assert.equal(exs.length, 1);
    assert.equal(exs[0].request.head.target, 'example.com:443');
    assert.equal(exs[0].termination, 'complete');
    assert.equal(h.stats.get('http.tunnel-bytes'), 10);

    const h2 = new Harness().client('CONNECT example.com:443 HTTP/1.1\r\n\r\n').server('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
    h2.client('CONNECT example.com:443 HTTP/1.1\r\nProxy-Authorization: Basic eA==\r\n\r\n').server('HTTP/1.1 200 OK\r\n\r\n');
    const exs2 = h2.finish();
    assert.deepEqual(exs2.map((e) => e.response!.head.status), [407, 200]);
  });

  it('roles come from content: a server that sends first on side a', () => {
    const h = new Harness({}, connectionInfo('c9', false));
    h.send('a2b', ok('late')).send('b2a', 'GET /x HTTP/1.1\r\n\r\n').send('a2b', ok('x'));
    const exs = h.finish();
    assert.equal(h.stats.get('http.orphan-response'), 1);
    assert.equal(exs.length, 1);
    assert.deepEqual(exs[0].connection.client, { ip: '10.0.0.2', port: 80 });
    assert.deepEqual(exs[0].connection.server, { ip: '10.0.0.1', port: 40000 });
    assert.equal(exs[0].connection.id, 'c9');
  });

  it('any token method is accepted when the rest of the request line matches', () => {
    const h = new Harness().client('SUBSCRIBE /events HTTP/1.1\r\n\r\nM-SEARCH * HTTP/1.1\r\n\r\n').server(ok('a') + ok('b'));
    const exs = h.finish();
    assert.deepEqual(exs.map((e) => [e.request.head.method, e.request.head.target]), [
      ['SUBSCRIBE', '/events'],
      ['M-SEARCH', '*'],
    ]);
  });

  it('exchange connection carries the handshake', () => {
    const [ex] = new Harness().client('GET / HTTP/1.1\r\n\r\n').server(ok('')).finish();
    assert.deepEqual(ex.connection.handshake.syn, ts(1));
  });
});
