import './force-color.js';
import assert from 'node:assert/strict';
import { afterEach, before, describe, it } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { createElement as h } from 'react';
import type { ExchangeStore } from '../../src/store/exchange-store.js';
import { ListCursor } from '../../src/store/list-cursor.js';
import { ExchangeList } from '../../src/tui/exchange-list.js';
import { FrozenList, LiveList } from '../../src/tui/list-model.js';
import { assertFits, demoStore, plainLines, renderAt } from './tui-fixtures.js';

const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const GREEN = '\x1b[32m';
const INVERSE = '\x1b[7m';

describe('ExchangeList', () => {
  afterEach(cleanup); // a failed assertion must not leave a mounted App (its timer) behind
  let store: ExchangeStore;
  before(async () => {
    store = await demoStore();
  });

  it('renders the newest rows at the bottom, one per exchange, fitting 80 columns', async () => {
    const model = new LiveList(store, new ListCursor(store));
    const r = await renderAt(h(ExchangeList, { model, width: 80, height: 12, filterText: '' }), 80, 24);
    const lines = plainLines(r.lastFrame());
    assert.equal(lines.length, 12);
    assert.match(lines[0], /^CLIENT +SERVER +METHOD +PATH +STATUS +TOTAL ms +SIZE$/);
    const newest = store.visibleAt(store.visibleCount - 1).exchange;
    assert.match(lines[10], new RegExp(`^demo-orders +demo-inventory +GET +${newest.request.head.target.replace('.', '\\.')} +200 `));
    assertFits(r.lastFrame(), 80);
    r.unmount();
  });

  it('renders only the window: height − 2 rows of 247', async () => {
    const model = new LiveList(store, new ListCursor(store));
    const r = await renderAt(h(ExchangeList, { model, width: 200, height: 30, filterText: '' }), 200, 40);
    const rows = plainLines(r.lastFrame()).filter((l) => /^\d\d:\d\d:\d\d\.\d{3} /.test(l));
    assert.equal(rows.length, 28);
    assert.match(plainLines(r.lastFrame())[0], /^TIME \(UTC\) +CLIENT/);
    assertFits(r.lastFrame(), 200);
    r.unmount();
  });

  it('colours the status (5xx red, 4xx yellow, 2xx green) and slow latency; the focused row is inverse', async () => {
    const cursor = new ListCursor(store);
    const model = new LiveList(store, cursor);
    const index = (status: number) => {
      for (let i = store.visibleCount - 1; i >= 0; i--) if (store.visibleAt(i).exchange.response?.head.status === status) return i;
      return -1;
    };
    // Focus the newest 502 so that 5xx, 4xx and 2xx rows are all in the window around it.
    cursor.move(index(502) - cursor.focusedIndex());
    const r = await renderAt(h(ExchangeList, { model, width: 120, height: 40, filterText: '' }), 120, 50);
    const frame = r.lastFrame() ?? '';
    const lines = frame.split('\n');
    const focused = lines.filter((l) => l.includes(INVERSE));
    assert.equal(focused.length, 1);
    assert.match(focused[0], /\/api\/checkout/);
    assert.ok(focused[0].includes(`${RED}502`), 'the 502 is red');
    assert.ok(lines.some((l) => l.includes(`${YELLOW}404`)), 'a 404 is yellow');
    assert.ok(lines.some((l) => l.includes(`${GREEN}200`)), 'a 200 is green');
    r.unmount();
    // The 200 ms calls of /api/slow have yellow latency.
    const slow = store.indexOfId([...Array(store.visibleCount).keys()].map((i) => store.visibleAt(i)).find((s) => s.exchange.request.head.target === '/api/slow')!.id);
    cursor.move(slow - cursor.focusedIndex());
    const r2 = await renderAt(h(ExchangeList, { model, width: 120, height: 10, filterText: '' }), 120, 20);
    const slowLine = (r2.lastFrame() ?? '').split('\n').find((l) => l.includes('/api/slow'))!;
    assert.match(slowLine, new RegExp(`\\x1b\\[33m +20\\d\\.\\d`));
    r2.unmount();
  });

  it('shows "n new ↓ (F follows)" when not following, nothing when following', async () => {
    const cursor = new ListCursor(store);
    const model = new LiveList(store, cursor);
    const following = await renderAt(h(ExchangeList, { model, width: 80, height: 8, filterText: '' }), 80, 24);
    assert.doesNotMatch(plainLines(following.lastFrame())[7], /new/);
    following.unmount();
    cursor.move(-3);
    const moved = await renderAt(h(ExchangeList, { model, width: 80, height: 8, filterText: '' }), 80, 24);
    assert.equal(plainLines(moved.lastFrame())[7], '0 new ↓ (F follows)');
    moved.unmount();
  });

  it('says why it is empty', async () => {
    const empty = await demoStore();
    empty.setFilter('status=418');
    const model = new LiveList(empty, new ListCursor(empty));
    const r = await renderAt(h(ExchangeList, { model, width: 80, height: 6, filterText: empty.filterText }), 80, 24);
    assert.equal(plainLines(r.lastFrame())[1], 'no exchanges match the filter status=418');
    r.unmount();
  });

  it('a frozen list keeps its rows while the store evicts them', async () => {
    const small = await demoStore({ maxExchanges: 50 });
    const live = new LiveList(small, new ListCursor(small));
    const frozen = new FrozenList(live, 10);
    const newestBefore = frozen.focused()!.id;
    for (let i = 0; i < 60; i++) small.add(small.visibleAt(0).exchange);
    assert.equal(frozen.count, 50);
    assert.equal(frozen.focused()!.id, newestBefore);
    const r = await renderAt(h(ExchangeList, { model: frozen, width: 80, height: 12, filterText: '' }), 80, 24);
    assert.equal(plainLines(r.lastFrame()).filter((l) => / GET | POST /.test(l)).length, 10);
    r.unmount();
  });
});
