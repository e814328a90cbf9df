/**
 * Micro-benchmark (not a test): a typical nginx GET + 200 with a ~1 KB gzip body, each message in
 * one data() call, through hopscope's HTTP stage with a discarding sink, against http-parser-js
 * parsing the same bytes. Run: node --import tsx test/http/bench/parse-pair.bench.ts
 */
import { gzipSync } from 'node:zlib';
import { HTTPParser } from 'http-parser-js';
import { createHttpHandlerFactory } from '../../../src/http/http-handler-factory.js';
import type { Exchange, ExchangeSink } from '../../../src/model/exchange.js';
import { defaultPipelineOptions } from '../../../src/model/options.js';
import { Stats } from '../../../src/model/stats.js';

const body = gzipSync(Buffer.from('<html><body>' + 'hello world, lorem ipsum dolor sit amet '.repeat(120) + '</body></html>'));
const gz = Buffer.concat([body, Buffer.alloc(Math.max(0, 1024 - body.length), 0)]).subarray(0, Math.max(1024, body.length));
const request = Buffer.from(
  'GET /api/items?page=2 HTTP/1.1\r\nHost: backend:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nAccept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n',
);
const response = Buffer.concat([
  Buffer.from(
    'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Thu, 26 Nov 2026 10:00:00 GMT\r\nContent-Type: text/html\r\n' +
      `Content-Length: ${gz.length}\r\nLast-Modified: Thu, 26 Nov 2026 09:00:00 GMT\r\nConnection: keep-alive\r\nETag: "6563-400"\r\nContent-Encoding: gzip\r\n\r\n`,
  ),
  gz,
]);
const req = new Uint8Array(request.buffer, request.byteOffset, request.length);
const res = new Uint8Array(response.buffer, response.byteOffset, response.length);

/** CPU time (user + system) since `start`, in ns: steadier than wall time on a shared machine. */
function cpuNs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) * 1000;
}

let sink_count = 0;
const sink: ExchangeSink = {
  begin: () => sink_count++,
  complete: (_e: Exchange) => {},
  abandon: () => {},
};

function hopscope(n: number): number {
  const factory = createHttpHandlerFactory(sink, new Stats(), defaultPipelineOptions);
  const handler = factory({ id: 'c1', a: { ip: '10.0.0.1', port: 1 }, b: { ip: '10.0.0.2', port: 80 }, initiator: 'a', handshake: { syn: { sec: 1, nsec: 0 } }, firstSeen: { sec: 1, nsec: 0 } });
  const t0 = { sec: 2, nsec: 0 };
  const t1 = { sec: 2, nsec: 500 };
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    handler.data('a2b', req, t0);
    handler.data('b2a', res, t1);
  }
  return cpuNs(start) / n;
}

function httpParserJs(n: number): number {
  const reqParser = new HTTPParser(HTTPParser.REQUEST);
  const resParser = new HTTPParser(HTTPParser.RESPONSE);
  let heads = 0;
  const onHead = () => {
    heads++;
  };
  reqParser[HTTPParser.kOnHeadersComplete] = onHead;
  resParser[HTTPParser.kOnHeadersComplete] = onHead;
  resParser[HTTPParser.kOnBody] = () => {};
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    reqParser.execute(request);
    resParser.execute(response);
  }
  const ns = cpuNs(start) / n;
  if (heads !== 2 * n) throw new Error(`http-parser-js parsed ${heads} heads of ${2 * n}`);
  return ns;
}

const N = 1_000_000;
hopscope(100_000);
httpParserJs(100_000);
for (let round = 0; round < 3; round++) {
  const ours = hopscope(N);
  const theirs = httpParserJs(N);
  console.log(`round ${round}: hopscope parse+pair ${(ours / 1000).toFixed(3)} µs/exchange, http-parser-js parse only ${(theirs / 1000).toFixed(3)} µs/exchange CPU time (request+response, ${response.length} B response)`);
}
