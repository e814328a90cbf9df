import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionInfo, Harness, text, ts } from './support/recording-sink.js';

const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('gaps', () => {
  it('gap inside a Content-Length body: skipped, lostBytes counted, termination gap, next exchange fine', () => {
    const h = new Harness().client('GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n');
    h.server('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc').gap('b2a', 4).server('hij' + ok('next'));
    const [first, second] = h.finish();
    assert.equal(first.termination, 'gap');
    assert.equal(text(first.response!.body.data), 'abchij');
    assert.equal(first.response!.body.size, 10);
    assert.equal(first.response!.body.lostBytes, 4);
    assert.equal(first.response!.body.truncated, false);
    assert.ok(first.anomalies.some((a) => a.code === 'tcp.gap'));
    assert.equal(second.termination, 'complete');
    assert.equal(text(second.response!.body.data), 'next');
  });

  it('gap inside a chunk of known size is skipped like a sized body', () => {
    const h = new Harness().client('GET / HTTP/1.1\r\n\r\n');
    h.server('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nab').gap('b2a', 3).server('fgh\r\n0\r\n\r\n');
    const [ex] = h.finish();
    assert.equal(ex.termination, 'gap');
    assert.equal(ex.response!.body.size, 8);
    assert.equal(ex.response!.body.lostBytes, 3);
    assert.equal(text(ex.response!.body.data), 'abfgh');
  });

  it('gap running past the end of a body: the parser resyncs on the next status line', () => {
    const h = new Harness().client('GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n');
    h.server('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab').gap('b2a', 30).server('tail of something\r\n' + ok('two'));
    const [first, second] = h.finish();
    assert.equal(first.termination, 'gap');
    assert.equal(first.response!.body.lostBytes, 2);
    assert.equal(text(second.response!.body.data), 'two');
    assert.ok(h.stats.get('http.skipped-bytes') >= 'tail of something\r\n'.length);
  });

  it('gap in chunk framing: the response ends as gap and the parser resyncs', () => {
    const h = new Harness().client('GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n');
    h.server('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1').gap('b2a', 20).server('zzz\r\n' + ok('two'));
    const [first, second] = h.finish();
    assert.equal(first.termination, 'gap');
    assert.equal(text(first.response!.body.data), 'abc');
    assert.equal(text(second.response!.body.data), 'two');
  });

  it('gap in a request head: the begun seq is abandoned, the next request resyncs', () => {
    const h = new Harness().client('GET /lost HTTP/1.1\r\nHo').gap('a2b', 100).client('st: x\r\n\r\nGET /found HTTP/1.1\r\n\r\n');
    h.server(ok('x'));
    const exs = h.finish();
    assert.equal(h.sink.abandoned.length, 1);
    assert.equal(exs.length, 1);
    assert.equal(exs[0].request.head.target, '/found');
    assert.equal(h.stats.get('http.request-lost-in-gap'), 1);
  });

  it('gap in a response head: that response is lost (gap), the next pairs correctly', () => {
    const h = new Harness().client('GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n');
    h.server('HTTP/1.1 200 OK\r\nConte').gap('b2a', 50).server('more\r\n\r\nbody...\n' + ok('two'));
    const [first, second] = h.finish();
    assert.equal(first.termination, 'gap');
    assert.equal(first.response, undefined);
    assert.equal(second.request.head.target, '/2');
    assert.equal(text(second.response!.body.data), 'two');
  });

  it('handshake recorded after the handler was made (as reassembly does): a lost first response head does not shift pairing', () => {
    const info = connectionInfo('c1', false);
    info.initiator = 'a';
    const h = new Harness({}, info);
    info.handshake.syn = ts(1); // reassembly notes the SYN only after it created the handler
    h.client('GET /1 HTTP/1.1\r\n\r\n').gap('b2a', 40).server('rest of the first body\n');
    h.client('GET /2 HTTP/1.1\r\n\r\n').server(ok('two'));
    const [first, second] = h.finish();
    assert.equal(first.request.head.target, '/1');
    assert.equal(first.termination, 'gap');
    assert.equal(first.response, undefined);
    assert.equal(second.request.head.target, '/2');
    assert.equal(text(second.response!.body.data), 'two');
  });

  it('gap in a close-delimited body keeps reading until the end', () => {
    const h = new Harness().client('GET / HTTP/1.0\r\n\r\n').server('HTTP/1.0 200 OK\r\n\r\nab').gap('b2a', 5).server('cd');
    const [ex] = h.finish();
    assert.equal(ex.termination, 'gap');
    assert.equal(ex.response!.body.size, 9);
    assert.equal(text(ex.response!.body.data), 'abcd');
  });
});

describe('ends', () => {
  it('request with no response: no-response at FIN, reset at RST, capture-end at capture end', () => {
    for (const [reason, expected] of [
      ['fin', 'no-response'],
      ['idle', 'no-response'],
      ['reset', 'reset'],
      ['capture-end', 'capture-end'],
    ] as const) {
      const h = new Harness().client('GET / HTTP/1.1\r\n\r\n');
      const [ex] = h.finish(reason);
      assert.equal(ex.termination, expected, reason);
      assert.equal(ex.response, undefined);
    }
  });

  it('reset in the middle of a sized response body', () => {
    const h = new Harness().client('GET / HTTP/1.1\r\n\r\n').server('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
    const [ex] = h.finish('reset');
    assert.equal(ex.termination, 'reset');
    assert.equal(text(ex.response!.body.data), 'partial');
    assert.ok(ex.anomalies.some((a) => a.code === 'http.incomplete-message'));
  });

  it('capture end in a chunked response', () => {
    const h = new Harness().client('GET / HTTP/1.1\r\n\r\n').server('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab');
    const [ex] = h.finish('capture-end');
    assert.equal(ex.termination, 'capture-end');
    assert.equal(text(ex.response!.body.data), 'ab');
  });

  it('client half-close: the server still answers after the client FIN', () => {
    const h = new Harness().client('GET / HTTP/1.1\r\n\r\n');
    h.handler.end('a2b', 'fin', { sec: 20, nsec: 0 });
    assert.equal(h.sink.exchanges.length, 0);
    h.server(ok('late'));
    assert.equal(h.sink.exchanges.length, 1);
    h.handler.end('b2a', 'fin', { sec: 30, nsec: 0 });
    h.sink.assertAllClosed();
    assert.equal(h.sink.exchanges[0].termination, 'complete');
  });

  it('a request head cut by the end is abandoned', () => {
    const h = new Harness().client('GET /never-finished HTTP/1.1\r\nHost');
    const exs = h.finish('capture-end');
    assert.equal(exs.length, 0);
    assert.deepEqual(h.sink.abandoned, [0]);
  });

  it('a request body cut by the end still makes an exchange', () => {
    const h = new Harness().client('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc');
    const [ex] = h.finish('reset');
    assert.equal(ex.termination, 'reset');
    assert.equal(text(ex.request.body.data), 'abc');
    assert.equal(ex.request.body.size, 3);
  });

  it('early response while the request body is still arriving: completes when the request ends', () => {
    const h = new Harness().client('POST / HTTP/1.1\r\nContent-Length: 6\r\n\r\nabc').server('HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n');
    assert.equal(h.sink.exchanges.length, 0);
    h.client('def');
    assert.equal(h.sink.exchanges.length, 1);
    assert.equal(h.sink.exchanges[0].response!.head.status, 413);
    h.finish();
  });
});

describe('streams that start mid-way, and garbage', () => {
  it('mid-stream start: bytes before the first request line are skipped and counted', () => {
    const h = new Harness({}, connectionInfo('m', false));
    h.client('ody of an earlier request\r\nmore\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n');
    h.server('tail of an earlier response\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!');
    const exs = h.finish();
    assert.equal(exs.length, 1);
    assert.equal(exs[0].request.head.target, '/x');
    assert.equal(text(exs[0].response!.body.data), '!');
    assert.equal(h.stats.get('http.skipped-bytes'), 'ody of an earlier request\r\nmore\r\n'.length + 'tail of an earlier response\n'.length);
  });

  it('mid-stream start on the response side first: the response is an orphan, later pairs work', () => {
    const h = new Harness({}, connectionInfo('m', false));
    h.server('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc').client('GET /y HTTP/1.1\r\n\r\n').server(ok('y'));
    const exs = h.finish();
    assert.equal(h.stats.get('http.orphan-response'), 1);
    assert.equal(exs.length, 1);
    assert.equal(text(exs[0].response!.body.data), 'y');
  });

  it('a start line split across chunks while scanning', () => {
    const h = new Harness({}, connectionInfo('m', false));
    h.client('junk\r\nGE').client('T /split HTTP/1.1\r\n\r\n').server(ok('s'));
    const [ex] = h.finish();
    assert.equal(ex.request.head.target, '/split');
    assert.equal(h.sink.begun.length, 1);
  });

  it('not HTTP with a handshake: ignored cheaply', () => {
    const h = new Harness();
    h.client(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0x10])).server(new Uint8Array([0x16, 0x03, 0x03]));
    const exs = h.finish();
    assert.equal(exs.length, 0);
    assert.equal(h.sink.begun.length, 0);
    assert.equal(h.stats.get('http.not-http-connections'), 1);
  });

  it('not HTTP without a handshake: given up after the scan budget', () => {
    const h = new Harness({}, connectionInfo('x', false));
    const noise = new Uint8Array(40 * 1024);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    h.client(noise).server(noise).client(noise).server(noise);
    assert.equal(h.stats.get('http.not-http-connections'), 1);
    h.client('GET / HTTP/1.1\r\n\r\n');
    assert.equal(h.finish().length, 0);
    assert.equal(h.stats.get('http.not-http-connections'), 1);
  });

  it('a text protocol with a handshake (SMTP-like client) is not HTTP', () => {
    const h = new Harness().server('220 mail ESMTP\r\n').client('EHLO me\r\n').server('250 ok\r\n');
    assert.equal(h.finish().length, 0);
    assert.equal(h.stats.get('http.not-http-connections'), 1);
    h.sink.assertAllClosed();
  });

  it('garbage between messages: parse error counted, the connection carries on', () => {
    const h = new Harness().client('GET /1 HTTP/1.1\r\n\r\n').server(ok('1'));
    h.client('\x00\x01garbage that is not http\r\n\r\nGET /2 HTTP/1.1\r\n\r\n').server(ok('2'));
    const exs = h.finish();
    assert.deepEqual(exs.map((e) => e.request.head.target), ['/1', '/2']);
    assert.ok(h.stats.get('http.parse-error') >= 1);
    assert.equal(h.sink.abandoned.length, 1);
  });

  it('a head longer than maxHeadBytes is dropped with a count', () => {
    const h = new Harness({ maxHeadBytes: 2048 }).client(`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(5000)}\r\n\r\n`);
    h.client('GET /ok HTTP/1.1\r\n\r\n').server(ok('a'));
    const exs = h.finish();
    assert.equal(exs.length, 1);
    assert.equal(exs[0].request.head.target, '/ok');
  });

  it('other connections carry on when one is malformed', () => {
    const bad = new Harness();
    bad.client('GET / HTTP/1.1\r\n\r\n').server('HTTP/1.1 2xx broken\r\n\r\n');
    bad.finish();
    assert.equal(bad.sink.exchanges[0].termination, 'no-response');
    assert.ok(bad.sink.exchanges[0].anomalies.some((a) => a.code === 'http.parse-error'));
  });
});
