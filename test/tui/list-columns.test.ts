import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Exchange } from '../../src/model/exchange.js';
import { headerCells, latencyColor, listLayout, rowCells, statusColor, statusText } from '../../src/tui/list-columns.js';
import { ownCaptures } from '../support/paths.js';
import { captureExchanges, demoCapture, demoContainers } from './tui-fixtures.js';

function rowText(exchange: Exchange, width: number): string {
  const layout = listLayout(width);
  const c = rowCells(exchange, layout);
  return [...(layout.showTime ? [c.time] : []), c.client, c.server, c.method, c.path, c.status, c.latency, c.size].join(' ');
}

describe('list columns', () => {
  let demo: Exchange[];
  before(async () => {
    demo = await captureExchanges(demoCapture, { containers: demoContainers });
  });

  it('fill the width exactly, from 60 to 240 columns', () => {
    for (const width of [60, 80, 100, 120, 200, 240]) {
      assert.equal(headerCells(listLayout(width)).length, width, `header at ${width}`);
      for (const exchange of demo) assert.equal(rowText(exchange, width).length, width, `row at ${width}`);
    }
  });

  it('drop the time column on narrow terminals and show it on wide ones', () => {
    assert.doesNotMatch(headerCells(listLayout(80)), /TIME/);
    assert.match(headerCells(listLayout(200)), /^TIME \(UTC\) +CLIENT/);
    assert.match(rowText(demo[0], 200), /^19:34:43\.991 demo-client +demo-gateway +GET +\/api\/profile +200 +332\.5 +642$/);
  });

  it('elide long names in the middle and long paths at the end', () => {
    const layout = listLayout(60);
    const c = rowCells(demo[3], layout); // demo-orders → demo-inventory
    assert.equal(c.server.length, layout.server);
    assert.match(c.server, /^dem.*….*ory$/); // demo-inventory: both ends kept
    const long = { ...demo[0], request: { ...demo[0].request, head: { ...demo[0].request.head, target: `/${'x'.repeat(300)}` } } };
    const path = rowCells(long, layout).path;
    assert.equal(path.length, layout.path);
    assert.ok(path.endsWith('…'));
  });

  it('say how an exchange ended below HTTP in the status column', async () => {
    const [reset] = await captureExchanges(resolve(ownCaptures, 'reset.pcap'));
    const [gap] = await captureExchanges(resolve(ownCaptures, 'gap.pcap'));
    assert.equal(statusText(reset), '200 reset');
    assert.equal(statusText(gap), '200 gap');
    // The same request with no response at all, as the HTTP layer reports one.
    const unanswered: Exchange = { ...demo[0], response: undefined, termination: 'no-response' };
    assert.equal(statusText(unanswered), 'no resp');
    assert.equal(rowCells(unanswered, listLayout(80)).size.trim(), '-');
    assert.equal(statusText({ ...unanswered, termination: 'capture-end' }), 'end');
    assert.equal(statusColor(unanswered), 'magenta');
  });

  it('colour errors red, client errors yellow, success green, slow latency yellow then red', () => {
    const byStatus = (status: number) => demo.find((e) => e.response?.head.status === status)!;
    assert.equal(statusColor(byStatus(502)), 'red');
    assert.equal(statusColor(byStatus(404)), 'yellow');
    assert.equal(statusColor(byStatus(200)), 'green');
    assert.equal(latencyColor(3.5), undefined);
    assert.equal(latencyColor(332.5), 'yellow');
    assert.equal(latencyColor(2500), 'red');
    assert.equal(latencyColor(undefined), undefined);
  });
});
