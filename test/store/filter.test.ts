import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Exchange } from '../../src/model/exchange.js';
import { exchangeLatencyMs } from '../../src/model/latency.js';
import { compileFilter, FilterSyntaxError } from '../../src/store/filter.js';
import { buildExchange } from '../sinks/support/exchange-builder.js';
import { demoExchanges } from './support/demo-exchanges.js';

function count(exchanges: Exchange[], filter: string): number {
  return exchanges.filter(compileFilter(filter)).length;
}

function syntaxError(filter: string): FilterSyntaxError {
  try {
    compileFilter(filter);
  } catch (error) {
    assert.ok(error instanceof FilterSyntaxError, String(error));
    return error;
  }
  assert.fail(`'${filter}' parsed`);
}

// The examples of issue #5 on the demo capture, whose calls are (per 9 rounds): GET /api/checkout → 502,
// GET /orders/fail → 500, POST /api/orders and POST /orders → 201, GET /users/N and /users/slow, …
describe('the filter language on the demo capture', () => {
  let demo: Exchange[] = [];
  before(async () => {
    demo = (await demoExchanges()).map((d) => d.exchange);
  });

  it('status>=500: the 502s of /api/checkout and the 500s of /orders/fail', () => {
    assert.equal(count(demo, 'status>=500'), 18);
    assert.ok(demo.filter(compileFilter('status>=500')).every((e) => ['/api/checkout', '/orders/fail'].includes(e.request.head.target)));
  });

  it('server=demo-users by container name; server~users as a substring', () => {
    assert.equal(count(demo, 'server=demo-users'), 46);
    assert.equal(count(demo, 'server=users'), 0, '= is equality, not a substring');
    assert.equal(count(demo, 'server~users'), 46);
  });

  it('method=POST and path~/orders: both POSTs of every round', () => {
    assert.equal(count(demo, 'method=POST and path~/orders'), 18);
    assert.equal(count(demo, 'method=post path~/ORDERS'), 18, 'juxtaposition is and; text is case-insensitive');
  });

  it('latency>100ms against the latency every view shows', () => {
    const slow = demo.filter((e) => (exchangeLatencyMs(e) ?? -1) > 100).length;
    assert.ok(slow > 0 && slow < demo.length, `${slow} slow exchanges`);
    assert.equal(count(demo, 'latency>100ms'), slow);
    assert.equal(count(demo, 'latency>0.1s'), slow);
  });

  it('not client=demo-gateway: everything the gateway did not send', () => {
    const fromGateway = demo.filter((e) => e.clientContainer?.name === 'demo-gateway').length;
    assert.equal(fromGateway, 28 + 9 + 9 + 9 + 37 + 9);
    assert.equal(count(demo, 'not client=demo-gateway'), demo.length - fromGateway);
    assert.equal(count(demo, 'not client=health'), demo.length);
  });
});

describe('the filter language on hand-made ends', () => {
  const users = buildExchange({
    connectionId: 'u',
    serverContainer: { kind: 'container', name: 'shop-users-1', composeService: 'users' },
    clientContainer: { kind: 'container', name: 'health' },
  });
  const orders = buildExchange({ connectionId: 'o', serverContainer: { kind: 'container', name: 'shop-orders-1', composeService: 'orders' } });

  it('server=users matches the compose service; not client=health drops the health checker', () => {
    assert.deepEqual([users, orders].filter(compileFilter('server=users')), [users]);
    assert.deepEqual([users, orders].filter(compileFilter('not client=health')), [orders]);
  });

  it('an IPv6 end matches as [addr]:port, as the containers view names it', () => {
    const v6 = buildExchange({ server: { ip: 'fd00::3', port: 80 }, client: { ip: 'fd00::2', port: 5000 } });
    for (const filter of ['server="[fd00::3]:80"', 'server="fd00::3:80"', 'server="fd00::3"', 'client="fd00::2"']) {
      assert.equal(count([v6], filter), 1, filter);
    }
  });
});

describe('filter syntax errors carry the position of the problem', () => {
  it('reports where it stopped understanding', () => {
    assert.equal(syntaxError('status>=').position, 8);
    assert.match(syntaxError('status>=').message, /a value must follow/);
    assert.equal(syntaxError('latency>100xs').position, 8);
    assert.match(syntaxError('latency>100xs').message, /unknown unit 'xs'/);
    assert.equal(syntaxError('method=GET and colour=red').position, 15);
    assert.match(syntaxError('method=GET and colour=red').message, /unknown field 'colour'/);
    assert.equal(syntaxError('path~"/orders').position, 5);
    assert.equal(syntaxError('(status=200').position, 11);
    assert.equal(syntaxError('status>abc').position, 7);
    assert.equal(syntaxError('method>GET').position, 7);
  });

  it('an empty filter passes everything', () => {
    assert.equal(count([buildExchange()], '  '), 1);
  });
});
