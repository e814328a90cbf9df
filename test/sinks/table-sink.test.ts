import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockTime, fitMiddle, formatTableRow, tableHeader, TableSink } from '../../src/sinks/table-sink.js';
import { StringOutput } from './support/collect.js';
import { buildExchange, makeBody } from './support/exchange-builder.js';

describe('table output', () => {
  it('says what TOTAL measures and aligns columns with the rows', () => {
    const header = tableHeader().split('\n');
    assert.match(header[0], /TOTAL = request first byte → response last byte/);
    const row = formatTableRow(buildExchange({ times: [0, 1, 5, 12.345] }));
    assert.equal(row.indexOf('200'), header[1].indexOf('STATUS'));
    assert.equal(row.trimEnd().length, header[1].length, 'the last column ends where its heading ends');
  });

  it('shows time, endpoints, method, path, status, total and size', () => {
    const row = formatTableRow(
      buildExchange({
        target: '/users/7?full=1',
        times: [3_723_004.5, 3_723_005, 3_723_010, 3_723_016.8],
        responseBody: makeBody('x'.repeat(12_345)),
      }),
    );
    const cells = row.trim().split(/\s+/);
    assert.deepEqual(cells, ['23:15:23.004', '172.17.0.2:40000', '172.17.0.3:8080', 'GET', '/users/7?full=1', '200', '12.3', '12.3k']);
  });

  it('names containers, shows no-response and terminations, and brackets IPv6', () => {
    const named = formatTableRow(
      buildExchange({ clientContainer: { kind: 'container', name: 'web-1' }, serverContainer: { kind: 'container', name: 'users' }, termination: 'reset' }),
    );
    assert.match(named, /^\S+ web-1 +users:8080 +GET +\/ +200 reset /);
    const none = formatTableRow(buildExchange({ status: null, server: { ip: 'fd00::3', port: 80 } }));
    assert.match(none, /\[fd00::3\]:80 .* — no-response +- +-\n$/);
  });

  it('shortens long paths in the middle to a fixed width and neutralises control characters', () => {
    const long = `/a/${'b'.repeat(100)}/end?x=1`;
    const row = formatTableRow(buildExchange({ target: long }), { pathWidth: 30 });
    const path = fitMiddle(long, 30);
    assert.equal(path.length, 30);
    assert.ok(path.startsWith('/a/bb') && path.endsWith('end?x=1') && path.includes('…'));
    assert.ok(row.includes(path));
    const evil = formatTableRow(buildExchange({ target: '/\x1b[2J\x07x', method: 'G\rET' }));
    assert.equal(/[\x00-\x1f]/.test(evil.slice(0, -1)), false);
    assert.ok(evil.includes('\\x1b[2J\\x07x'));
  });

  it('colours the status only when asked', () => {
    const plain = formatTableRow(buildExchange({ status: 503 }));
    assert.equal(plain.includes('\x1b'), false);
    const coloured = formatTableRow(buildExchange({ status: 503 }), { color: true });
    assert.ok(coloured.includes('\x1b[31m503'));
  });

  it('formats capture time of day in UTC', () => {
    assert.equal(clockTime(86_399, 999_999_999), '23:59:59.999');
    assert.equal(clockTime(1_700_000_000, 5_000_000), '22:13:20.005');
  });

  it('writes the header once, then a line per exchange', () => {
    const out = new StringOutput();
    const sink = new TableSink(out);
    sink.write(buildExchange());
    sink.write(buildExchange({ seq: 1 }));
    const lines = out.text.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[1], /^TIME/);
  });
});
