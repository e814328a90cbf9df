import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReadArgs } from '../../src/cli/args.js';
import { parseLiveArgs } from '../../src/cli/live-args.js';
import { TraceAnnotator } from '../../src/cli/trace-outputs.js';
import type { Exchange } from '../../src/model/exchange.js';
import { HopscopeError } from '../../src/model/errors.js';
import type { HarEntry } from '../../src/sinks/har-types.js';
import { exchangeId } from '../../src/trace/trace-types.js';
import { hops } from '../trace/support/hops.js';

// --trace-header NAME: a header of the user's own (x-correlation-id…) that the services pass along
// correlates a tree exactly, where timing alone can only guess.

/** Two requests at the gateway at the same moments, each with one call to users: timing cannot tell whose call is whose. */
function twins(): Exchange[] {
  return hops([
    { from: 'client', to: 'gateway', target: '/a', times: [0, 0.1, 10, 11], headers: [['x-corr', 'A']], fromPort: 41001 },
    { from: 'client', to: 'gateway', target: '/b', times: [0, 0.1, 10, 11], headers: [['x-corr', 'B']], fromPort: 41002 },
    { from: 'gateway', to: 'users', target: '/users/b', times: [1, 1.1, 5, 6], headers: [['x-corr', 'B']], fromPort: 42001 },
    { from: 'gateway', to: 'users', target: '/users/a', times: [1, 1.1, 5, 6], headers: [['x-corr', 'A']], fromPort: 42002 },
  ]);
}

function annotate(exchanges: Exchange[], idHeaders: string[]): Map<string, { parent: string | null; inferred: boolean }> {
  const written: Exchange[] = [];
  const annotator = new TraceAnnotator((e) => written.push(e), idHeaders);
  for (const exchange of exchanges) annotator.add(exchange, true);
  annotator.finish();
  const convert = annotator.converter(() => ({}) as HarEntry);
  const byTarget = new Map(exchanges.map((e) => [exchangeId(e), e.request.head.target]));
  const out = new Map<string, { parent: string | null; inferred: boolean }>();
  for (const exchange of written) {
    const entry = convert(exchange) as unknown as { _parentId: string | null; _traceInferred?: true };
    out.set(exchange.request.head.target, { parent: entry._parentId === null ? null : (byTarget.get(entry._parentId) ?? '?'), inferred: entry._traceInferred === true });
  }
  return out;
}

test('with --trace-header the custom header links each call to its own parent, exactly', () => {
  const links = annotate(twins(), ['X-Corr']);
  assert.deepEqual(links.get('/users/a'), { parent: '/a', inferred: false });
  assert.deepEqual(links.get('/users/b'), { parent: '/b', inferred: false });
});

test('without it the same calls are linked by timing, marked inferred', () => {
  const links = annotate(twins(), []);
  assert.equal(links.get('/users/a')?.inferred, true);
  assert.equal(links.get('/users/b')?.inferred, true);
});

test('--trace-header is repeatable for read and live and takes header names only', () => {
  assert.deepEqual(parseReadArgs(['x.pcap', '--traces', '--trace-header', 'x-corr', '--trace-header', 'X-Tenant-Trace']).traceHeaders, ['x-corr', 'X-Tenant-Trace']);
  assert.deepEqual(parseLiveArgs(['--traces', '--trace-header', 'x-corr']).traceHeaders, ['x-corr']);
  assert.deepEqual(parseReadArgs(['x.pcap']).traceHeaders, []);
  assert.throws(() => parseReadArgs(['x.pcap', '--trace-header', 'bad name']), (e: unknown) => e instanceof HopscopeError && e.code === 'usage' && /--trace-header takes an HTTP header name/.test(e.message));
});
