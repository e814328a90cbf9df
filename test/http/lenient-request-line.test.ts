import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLenientRequestLine } from '../../src/http/head-parser.js';
import { Harness, text } from './support/recording-sink.js';

const badRequest = 'HTTP/1.0 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad';

describe('lenient request lines (what servers receive and answer, usually with 400)', () => {
  it('splits malformed lines as a server reads them', () => {
    const cases: Array<[string, string, string, string]> = [
      // line, method, target, version
      ['GET /', 'GET', '/', 'HTTP/0.9'],
      ['OPTIONS', 'OPTIONS', '', 'HTTP/0.9'],
      ['OPTIONS HTTP/1.1', 'OPTIONS', '', 'HTTP/1.1'],
      ['OPTIONSHTTP/1.1', 'OPTIONS', '', 'HTTP/1.1'],
      ['GET /HTTP/1.1', 'GET', '/HTTP/1.1', 'HTTP/0.9'],
      ['GET/ HTTP/1.1', 'GET', '/', 'HTTP/1.1'],
      ['GET/HTTP/1.1', 'GET', '/HTTP/1.1', 'HTTP/0.9'],
      ['GET / HTTP/1.', 'GET', '/', 'HTTP/1.'],
      ['T / HTTP', 'T', '/', 'HTTP'],
      ['CCM_POST /x', 'CCM_POST', '/x', 'HTTP/0.9'],
      ['get http://a/b', 'get', 'http://a/b', 'HTTP/0.9'],
      ['TUNNEL example.com:443', 'TUNNEL', 'example.com:443', 'HTTP/0.9'],
      ['POST abcd12345', 'POST', 'abcd12345', 'HTTP/0.9'],
      ['GET  /two  spaces  HTTP/1.0', 'GET', '/two  spaces', 'HTTP/1.0'],
    ];
    for (const [line, method, target, httpVersion] of cases) {
      const parts = parseLenientRequestLine(line);
      assert.ok(parts, `accepts ${JSON.stringify(line)}`);
      assert.deepEqual([parts.method, parts.target, parts.httpVersion], [method, target, httpVersion], line);
      assert.notEqual(parts.problem, '', line);
    }
    assert.match(parseLenientRequestLine('GET/ HTTP/1.1')!.problem, /no space after the method/);
    assert.match(parseLenientRequestLine('GET /')!.problem, /no HTTP version/);
    assert.match(parseLenientRequestLine('OPTIONS HTTP/1.1')!.problem, /no target/);
    assert.match(parseLenientRequestLine('GET / HTTP/1.')!.problem, /malformed HTTP version/);
  });

  it('rejects what is not an HTTP request line', () => {
    for (const line of [
      'USER abab1212 "zz" "yy" :f6e1 l6e13', // unknown token, no target after it
      'Host: example.com', // a header line
      'OPTIONS sip:probe@edge.test SIP/2.0', // SIP borrows the request line
      'DESCRIBE rtsp://cam/stream RTSP/1.0',
      'CCM_POST/ HTTP/1.1', // unknown method glued to its target
      '\u00c3\u0082 / HTTP/1.1', // not ASCII
      'GET /\u0000x',
      'hello world',
      '',
    ]) {
      assert.equal(parseLenientRequestLine(line), undefined, JSON.stringify(line));
    }
  });

  it('a malformed request line answered with 400 makes one exchange with a stable anomaly, not an orphan', () => {
    const h = new Harness().client('OPTIONS HTTP/1.1\nHost: www.example.com\n\n').server(badRequest);
    const exs = h.finish();
    assert.equal(exs.length, 1);
    const [ex] = exs;
    assert.deepEqual([ex.request.head.method, ex.request.head.target, ex.request.head.httpVersion], ['OPTIONS', '', 'HTTP/1.1']);
    assert.deepEqual(ex.request.head.headers, [{ name: 'Host', value: 'www.example.com' }]);
    assert.equal(ex.response!.head.status, 400);
    assert.equal(ex.termination, 'complete');
    assert.deepEqual(ex.anomalies.map((a) => a.code), ['http.malformed-request-line']);
    assert.match(ex.anomalies[0].message, /"OPTIONS HTTP\/1\.1"/);
    assert.equal(h.stats.get('http.orphan-response'), 0);
    assert.equal(h.stats.get('http.malformed-request-line'), 1);
    assert.equal(h.stats.get('http.not-http-connections'), 0);
  });

  it('no space after the method, malformed version: both pair with their answers on a keep-alive connection', () => {
    const h = new Harness().client('GET/ HTTP/1.1\r\nHost: a\r\n\r\n').server(badRequest);
    h.client('GET / HTTP/1.\r\nHost: a\r\n\r\n').server('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const exs = h.finish();
    assert.deepEqual(
      exs.map((e) => [e.request.head.method, e.request.head.target, e.request.head.httpVersion, e.response!.head.status]),
      [
        ['GET', '/', 'HTTP/1.1', 400],
        ['GET', '/', 'HTTP/1.', 200],
      ],
    );
    assert.equal(h.stats.get('http.orphan-response'), 0);
  });

  it('a well-formed request line is not reported as malformed', () => {
    const [ex] = new Harness().client('get /x HTTP/1.1\r\n\r\n').server(badRequest).finish();
    assert.deepEqual(ex.anomalies, []);
  });
});

describe('HTTP/0.9 style requests (no version)', () => {
  it('the request line alone is the request; an answer with a status line is HTTP/1.x', () => {
    const h = new Harness().client('POST abcd12345\n').server('HTTP/1.1 400 Bad Request\nServer: nginx\nConnection: close\r\n\r\n');
    h.client('USER abab1212 "zz"\n'); // the client's next bytes are not a request
    const exs = h.finish();
    assert.equal(exs.length, 1);
    assert.deepEqual([exs[0].request.head.method, exs[0].request.head.target, exs[0].request.head.httpVersion], ['POST', 'abcd12345', 'HTTP/0.9']);
    assert.equal(exs[0].response!.head.status, 400);
    assert.equal(exs[0].termination, 'complete');
    assert.equal(h.stats.get('http.orphan-response'), 0);
  });

  it('an answer without a status line is an HTTP/0.9 response: status 0, body up to the end of the stream', () => {
    const h = new Harness().client('GET /zeek.html\r\n').server('<html>hello</html>\n').server('more\n');
    const exs = h.finish();
    assert.equal(exs.length, 1);
    const res = exs[0].response!;
    assert.deepEqual([res.head.status, res.head.httpVersion, res.head.headers.length, res.head.headSize], [0, 'HTTP/0.9', 0, 0]);
    assert.equal(text(res.body.data), '<html>hello</html>\nmore\n');
    assert.equal(exs[0].termination, 'complete');
    assert.deepEqual(exs[0].anomalies.map((a) => a.code), ['http.malformed-request-line', 'http.simple-response']);
  });

  it('a raw answer that starts with H but is not a status line is still the body', () => {
    const [ex] = new Harness().client('GET /\r\n\r\n').server('HELLO THERE\r\n\r\nrest').finish();
    assert.equal(ex.response!.head.status, 0);
    assert.equal(text(ex.response!.body.data), 'HELLO THERE\r\n\r\nrest');
  });

  it('a version-less line split across chunks is decided when its line ends', () => {
    const h = new Harness().client('GE').client('T /a\r').client('\n');
    assert.equal(h.sink.begun.length, 1);
    const exs = h.server('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx').finish();
    assert.deepEqual(exs.map((e) => [e.request.head.target, e.request.head.httpVersion, e.response!.head.status]), [['/a', 'HTTP/0.9', 200]]);
  });

  it('header lines after a version-less line belong to it', () => {
    const [ex] = new Harness().client('GET /\r\nHost: a\r\n').client('Accept: */*\r\n\r\n').server(badRequest).finish();
    assert.deepEqual(ex.request.head.headers, [
      { name: 'Host', value: 'a' },
      { name: 'Accept', value: '*/*' },
    ]);
    assert.equal(ex.response!.head.status, 400);
  });

  it('a well-formed request after a version-less line in the same chunk is the next request', () => {
    const h = new Harness().client('GET /a\r\nGET /b HTTP/1.1\r\n\r\n');
    h.server('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const exs = h.finish();
    assert.deepEqual(exs.map((e) => [e.request.head.target, e.request.head.httpVersion, e.response!.head.status]), [
      ['/a', 'HTTP/0.9', 400],
      ['/b', 'HTTP/1.1', 200],
    ]);
  });

  it('a request with a version never gets an HTTP/0.9 response: garbage is a parse error', () => {
    const h = new Harness().client('GET / HTTP/1.1\r\n\r\n').server('<html>no status line</html>\n');
    const [ex] = h.finish();
    assert.equal(ex.response, undefined);
    assert.equal(h.stats.get('http.parse-error'), 1);
  });
});
