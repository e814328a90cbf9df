import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Exchange } from '../../src/model/exchange.js';
import { detailLines } from '../../src/tui/detail-lines.js';
import { lineText } from '../../src/tui/styled-line.js';
import { ownCaptures, sharedCaptures, skipUnless } from '../support/paths.js';
import { captureExchanges, demoCapture, demoContainers } from './tui-fixtures.js';

const text = (exchange: Exchange, tab: 'request' | 'response', width = 80) => detailLines(exchange, tab, width).map(lineText);

describe('detail lines', () => {
  let demo: Exchange[];
  before(async () => {
    demo = await captureExchanges(demoCapture, { containers: demoContainers });
  });

  it('start with the exchange, its TCP connection, timings and how it ended', () => {
    const lines = text(demo[0], 'response');
    assert.equal(lines[0], 'GET /api/profile → 200 OK  332.5 ms');
    assert.equal(lines[1], 'tcp        demo-client 172.31.240.6:49564 → demo-gateway 172.31.240.5:8080');
    assert.match(lines[2], /^connection c\d+, exchange 1 on it; handshake \d+\.\d+ ms \(SYN → ACK\)$/);
    assert.match(lines[3], /^timings ms connect [\d.]+ +send [\d.]+ +wait 332\.\d +receive [\d.]+ +total 332\.5$/);
    assert.equal(lines[4], 'ended      complete');
  });

  it('show the response head and its gzip JSON body decoded and pretty-printed', () => {
    const lines = text(demo[0], 'response');
    assert.ok(lines.includes('HTTP/1.1 200 OK'));
    assert.ok(lines.includes('content-encoding: gzip'));
    assert.ok(lines.includes('decoded from gzip: 642 → 3247 bytes'));
    const open = lines.indexOf('{');
    assert.ok(open > 0, 'the body starts with a line holding only {');
    assert.deepEqual(lines.slice(open + 1, open + 3), ['  "service": "demo-gateway",', '  "path": "/api/profile",']);
    // Keys and strings carry colours.
    const styled = detailLines(demo[0], 'response', 80)[open + 1];
    assert.equal(styled.find((s) => s.text === '"service"')?.color, 'cyan');
    assert.equal(styled.find((s) => s.text === '"demo-gateway"')?.color, 'green');
  });

  it('show the request: start line, headers, the JSON body of a POST', () => {
    const post = demo.find((e) => e.request.head.method === 'POST')!;
    const lines = text(post, 'request');
    assert.ok(lines.includes('POST /api/orders HTTP/1.1'));
    assert.ok(lines.includes('content-type: application/json'));
    assert.ok(lines.includes(`body ${post.request.body.size} bytes`));
    assert.ok(lines.includes('{'));
  });

  it('wrap every line to the width', () => {
    for (const width of [40, 80, 200]) {
      for (const line of text(demo[0], 'response', width)) assert.ok(line.length <= width, `${line.length} > ${width}: ${line}`);
    }
  });

  it('decode gzip, deflate and br text bodies', async () => {
    const exchanges = await captureExchanges(resolve(ownCaptures, 'gzip.pcap'));
    assert.equal(exchanges.length, 3);
    for (const exchange of exchanges) {
      const lines = text(exchange, 'response', 200);
      assert.ok(lines.some((l) => /^decoded from (gzip|deflate|br): \d+ → 271 bytes$/.test(l)), lines.join('\n'));
      assert.ok(lines.some((l) => l.startsWith('The quick brown fox jumps over the lazy dog.')));
    }
  });

  it('say where the body cap cut a body: "truncated at N of M bytes", and decode what was kept', async () => {
    const exchanges = await captureExchanges(demoCapture, { containers: demoContainers, pipeline: { maxBody: 200 } });
    const lines = text(exchanges[0], 'response');
    assert.ok(lines.includes("truncated at 200 of 642 bytes (the capture's body cap)"), lines.join('\n'));
    assert.ok(lines.includes('{'), 'the kept part still decodes and lays out as JSON');
  });

  it('count bytes lost in a capture gap and say the exchange ended by the gap', async () => {
    const [big] = await captureExchanges(resolve(ownCaptures, 'gap.pcap'));
    const lines = text(big, 'response');
    assert.ok(lines.includes('1000 bytes lost in capture gaps (not shown)'), lines.join('\n'));
    assert.match(lines[4], /^ended +bytes were lost in a capture gap/);
  });

  it('name a reset and list anomalies with their codes', async () => {
    const [reset] = await captureExchanges(resolve(ownCaptures, 'reset.pcap'));
    const lines = text(reset, 'response');
    assert.match(lines[4], /^ended +the connection was reset$/);
    for (const anomaly of reset.anomalies) assert.ok(lines.some((l) => l.startsWith(`anomaly    ${anomaly.code}`)));
  });

  it('show a connection seen without its handshake as such', async () => {
    const [two] = await captureExchanges(resolve(ownCaptures, 'midstream.pcap'));
    assert.match(text(two, 'request')[2], /handshake not captured/);
  });

  it('show interim responses before the final one', async () => {
    const [upload] = await captureExchanges(resolve(ownCaptures, 'continue-100.pcap'));
    const lines = text(upload, 'response');
    const interim = lines.indexOf('HTTP/1.1 100 Continue');
    assert.ok(interim > 0 && interim < lines.indexOf('HTTP/1.1 201 Created'));
  });

  it('say "no response" on the response tab of an unanswered request', () => {
    const lines = text({ ...demo[0], response: undefined, termination: 'no-response' }, 'response');
    assert.ok(lines.includes('no response'));
    assert.match(lines[4], /^ended +no response/);
  });

  it(
    'dump a binary body as hex with offsets and ASCII',
    { skip: skipUnless(sharedCaptures !== undefined, 'needs ../shared/captures') },
    async () => {
      const [image] = await captureExchanges(resolve(sharedCaptures ?? '', 'zeek', 'http__zeek-image-1080-80-x.pcapng'));
      const lines = text(image, 'response');
      const first = lines.findIndex((l) => l.startsWith('00000000  '));
      assert.ok(first > 0, lines.join('\n'));
      assert.equal(lines[first], '00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|');
      assert.match(lines[first + 1], /^00000010  /);
      // 8 bytes a line when 16 do not fit.
      const narrow = text(image, 'response', 60);
      assert.equal(narrow[narrow.findIndex((l) => l.startsWith('00000000  '))], '00000000  89 50 4e 47 0d 0a 1a 0a  |.PNG....|');
    },
  );
});
