import './force-color.js';
import assert from 'node:assert/strict';
import { afterEach, before, describe, it } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { createElement as h } from 'react';
import type { ExchangeStore } from '../../src/store/exchange-store.js';
import type { PairStats } from '../../src/store/pair-stats.js';
import { ContainersView } from '../../src/tui/containers-view.js';
import { assertFits, demoStore, KEY, plainLines, press, renderAt } from './tui-fixtures.js';

/** Rows of the table: the lines after the title and the column header. */
function tableRows(frame: string | undefined): string[] {
  return plainLines(frame)
    .slice(2)
    .filter((l) => l.trim() !== '');
}

describe('ContainersView', () => {
  afterEach(cleanup); // a failed assertion must not leave a mounted App (its timer) behind
  let store: ExchangeStore;
  before(async () => {
    store = await demoStore();
  });

  const view = (props: { onDrill?: (p: PairStats) => void; onClose?: () => void } = {}) =>
    h(ContainersView, {
      store,
      dataVersion: store.version,
      width: 120,
      height: 20,
      isActive: true,
      onDrill: props.onDrill ?? (() => {}),
      onClose: props.onClose ?? (() => {}),
    });

  it('lists one row per client → server pair, sorted by requests', async () => {
    const r = await renderAt(view(), 120, 24);
    const lines = plainLines(r.lastFrame());
    assert.match(lines[0], /^containers \d+ pairs · sort: requests \(s cycles\)/);
    assert.match(lines[1], /^CLIENT +SERVER +REQS +REQ\/S +ERR% +P50 ms +P95 +P99 +OUT +IN$/);
    const rows = tableRows(r.lastFrame());
    assert.ok(rows.some((l) => /^demo-client +demo-gateway +\d+/.test(l)));
    const requests = rows.map((l) => Number(l.split(/ +/)[2]));
    assert.deepEqual(requests, [...requests].sort((a, b) => b - a));
    assert.equal(requests.reduce((a, b) => a + b, 0), store.visibleCount);
    assertFits(r.lastFrame(), 120);
    r.unmount();
  });

  it('s cycles the sort key; p95 sorts by the P95 column, descending', async () => {
    const r = await renderAt(view(), 120, 24);
    await press(r, 's', 's', 's', 's');
    assert.match(plainLines(r.lastFrame())[0], /sort: p95/);
    const p95 = tableRows(r.lastFrame()).map((l) => Number(l.split(/ +/)[6]));
    assert.ok(p95.every((v) => !Number.isNaN(v)));
    assert.deepEqual(p95, [...p95].sort((a, b) => b - a));
    r.unmount();
  });

  it('takes keys that arrive in one read one by one ("ssss" from a held key or tmux)', async () => {
    const r = await renderAt(view(), 120, 24);
    await press(r, 'ssss');
    assert.match(plainLines(r.lastFrame())[0], /sort: p95/);
    r.unmount();
  });

  it('shows error rates in red and fits 80 columns (without the REQS column)', async () => {
    const r = await renderAt(h(ContainersView, { store, dataVersion: store.version, width: 80, height: 20, isActive: true, onDrill: () => {}, onClose: () => {} }), 80, 24);
    assert.doesNotMatch(plainLines(r.lastFrame())[1], /REQS/);
    assertFits(r.lastFrame(), 80);
    assert.ok((r.lastFrame() ?? '').includes('\x1b[31m'), 'a pair with errors is red');
    r.unmount();
  });

  it('Enter drills into the focused pair; Esc closes', async () => {
    const drilled: PairStats[] = [];
    let closed = 0;
    const r = await renderAt(view({ onDrill: (p) => drilled.push(p), onClose: () => closed++ }), 120, 24);
    const second = tableRows(r.lastFrame())[1].split(/ +/);
    await press(r, KEY.down, KEY.enter);
    assert.equal(drilled.length, 1);
    assert.deepEqual([drilled[0].client, drilled[0].server], [second[0], second[1]]);
    await press(r, KEY.escape);
    assert.equal(closed, 1);
    r.unmount();
  });
});
