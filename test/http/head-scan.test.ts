import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findHeadEnd, latin1 } from '../../src/http/bytes.js';
import { HeadFacts, parseRequestHead, parseResponseHead } from '../../src/http/head-parser.js';
import { parseHeaderLines } from '../../src/http/header-lines.js';
import { bytes, Harness } from './support/recording-sink.js';
import { mulberry32 as prng } from '../support/mulberry32.js';

/**
 * The hot path finds a head's framing facts in one scan and builds HttpHeader[] only when asked
 * (ParsedRequestHead/ParsedResponseHead). These tests hold the two views of the same lines together
 * and pin the head objects' behaviour as plain RequestHead/ResponseHead values.
 */


/**
 * What findHeadEnd promises: the end of the first CRLFCRLF when there is one (the head parser then
 * stops at any earlier bare-LF empty line), else of the first LF followed by LF or CRLF, else -1.
 */
function referenceHeadEnd(data: Uint8Array, from: number): number {
  const crlf = Buffer.from(data).indexOf('\r\n\r\n', from);
  if (crlf >= 0) return crlf + 4;
  for (let i = from; i + 1 < data.length; i++) {
    if (data[i] !== 10) continue;
    if (data[i + 1] === 10) return i + 2;
    if (data[i + 1] === 13 && data[i + 2] === 10) return i + 3;
  }
  return -1;
}

const LINE_PIECES = ['Host: a', 'Content-Length: 5', 'content-length:5 ', 'Transfer-Encoding: gzip, chunked', 'Upgrade: h2c', 'X-Empty:', ' folded', '\tfolded', 'no colon', 'Bad Name: v', 'Tab\t: v', 'a\tb: v', ': empty', 'X: a:b'];

function randomHead(rand: () => number): string {
  let text = rand() < 0.5 ? 'GET /x HTTP/1.1' : 'HTTP/1.1 200 OK';
  const n = Math.floor(rand() * 8);
  for (let i = 0; i < n; i++) text += (rand() < 0.8 ? '\r\n' : '\n') + LINE_PIECES[Math.floor(rand() * LINE_PIECES.length)];
  return text + (rand() < 0.8 ? '\r\n\r\n' : '\n\n');
}

describe('head scan', () => {
  it('findHeadEnd: the first CRLFCRLF, else the first bare-LF empty line, in any mix of line ends', () => {
    const rand = prng(7);
    const alphabet = [10, 13, 0x61, 0x3a];
    for (let round = 0; round < 20000; round++) {
      const data = new Uint8Array(1 + Math.floor(rand() * 24));
      for (let i = 0; i < data.length; i++) data[i] = alphabet[Math.floor(rand() * alphabet.length)];
      const from = Math.floor(rand() * data.length);
      assert.equal(findHeadEnd(data, from), referenceHeadEnd(data, from), `${JSON.stringify(latin1(data, 0, data.length))} from ${from}`);
    }
  });

  it('the scan sees the lines the header list is built from: same malformed count and head length', () => {
    const rand = prng(11);
    for (let round = 0; round < 3000; round++) {
      const text = randomHead(rand);
      const facts = new HeadFacts();
      const head = text.startsWith('HTTP/') ? parseResponseHead(text, facts) : parseRequestHead(text, facts);
      assert.ok(head !== undefined, text);
      const eager = new HeadFacts();
      const headers = parseHeaderLines(text, text.indexOf('\n') + 1, eager);
      assert.equal(facts.malformedLines, eager.malformedLines, JSON.stringify(text));
      assert.equal(facts.headLength, eager.headLength, JSON.stringify(text));
      assert.equal(head.headSize, text.length, JSON.stringify(text));
      assert.deepEqual(head.headers, headers, JSON.stringify(text));
    }
  });

  it('framing comes from the first line of a folded header, and malformed lines never frame', () => {
    const facts = new HeadFacts();
    parseRequestHead('POST / HTTP/1.1\r\nContent-Length: 3\r\n 4\r\nBad Name: 9\r\nTransfer-Encoding : chunked\r\n\r\n', facts);
    assert.equal(facts.contentLength, 3);
    assert.equal(facts.hasTransferEncoding, false);
    assert.equal(facts.malformedLines, 2);
  });

  it('a head reads like a plain RequestHead: stable headers, assignable, JSON in the contract shape', () => {
    const facts = new HeadFacts();
    const head = parseRequestHead('GET /a HTTP/1.1\r\nHost: x\r\nX-F: one\r\n two\r\n\r\n', facts);
    assert.ok(head !== undefined);
    assert.equal(head.headers, head.headers, 'built once');
    assert.deepEqual(head.headers, [
      { name: 'Host', value: 'x' },
      { name: 'X-F', value: 'one two' },
    ]);
    assert.equal(
      JSON.stringify(head),
      JSON.stringify({ method: 'GET', target: '/a', httpVersion: 'HTTP/1.1', headers: [{ name: 'Host', value: 'x' }, { name: 'X-F', value: 'one two' }], headSize: 44 }),
    );
    head.headers = [{ name: 'Host', value: 'redacted' }];
    assert.deepEqual(head.headers, [{ name: 'Host', value: 'redacted' }]);
    const res = parseResponseHead('HTTP/1.0 404 Not Found\r\nServer: s\r\n\r\n', facts);
    assert.ok(res !== undefined);
    assert.deepEqual(JSON.parse(JSON.stringify(res)), { status: 404, reason: 'Not Found', httpVersion: 'HTTP/1.0', headers: [{ name: 'Server', value: 's' }], headSize: 37 });
  });

  it('exchanges carry heads whose headers are built from their own bytes after the chunk is reused', () => {
    const h = new Harness();
    const chunk = bytes('GET /r HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n');
    h.handler.data('a2b', chunk, { sec: 2, nsec: 0 });
    chunk.fill(0x7a); // capture buffers are reused: a head must not read them later
    h.server('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: y\r\n\r\n');
    const [ex] = h.finish();
    assert.deepEqual(ex.request.head.headers, [
      { name: 'Host', value: 'h' },
      { name: 'Accept', value: '*/*' },
    ]);
    assert.deepEqual(ex.response!.head.headers, [
      { name: 'Content-Length', value: '0' },
      { name: 'X', value: 'y' },
    ]);
    assert.equal(h.stats.get('http.requests'), 1);
    assert.equal(h.stats.get('http.responses'), 1);
    assert.equal(h.stats.get('http.exchanges'), 1);
  });

  it('a chunk ending in an empty line: a bad head skips only to its own end, pipelined heads all parse', () => {
    const h = new Harness();
    h.client('GET /a HTTP/1.1\r\nHost: x\r\n\r\n').server('HTTP/1.1 204 No Content\r\n\r\n');
    h.client('\x01garbage\r\nX: y\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\nHost: x\n\nGET /d HTTP/1.1\r\n\r\n');
    h.server('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nbHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\ncHTTP/1.1 304 Not Modified\r\n\r\n');
    const exs = h.finish();
    assert.deepEqual(exs.map((e) => [e.request.head.target, e.request.head.headSize, e.response?.head.status]), [
      ['/a', 28, 204],
      ['/b', 28, 200],
      ['/c', 25, 200],
      ['/d', 19, 304],
    ]);
    assert.equal(h.stats.get('http.parse-error'), 1);
  });
});
