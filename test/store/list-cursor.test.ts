import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExchangeStore } from '../../src/store/exchange-store.js';
import { ListCursor } from '../../src/store/list-cursor.js';
import { mulberry32 } from '../support/mulberry32.js';
import { buildExchange } from '../sinks/support/exchange-builder.js';
import { demoExchanges } from './support/demo-exchanges.js';

function addRows(store: ExchangeStore, count: number, method = 'GET'): void {
  for (let i = 0; i < count; i++) store.add(buildExchange({ connectionId: `c${store.added}`, method }));
}

describe('ListCursor', () => {
  it('on an empty store: nothing focused, an empty window, moves do nothing, following', () => {
    const store = new ExchangeStore();
    const cursor = new ListCursor(store);
    assert.equal(cursor.focusedIndex(), -1);
    assert.equal(cursor.focusedId, undefined);
    assert.deepEqual(cursor.window(10), { start: 0, end: 0 });
    cursor.move(-3);
    cursor.home();
    assert.equal(cursor.following, true);
    assert.equal(cursor.newSinceScroll, 0);
  });

  it('following: the focus is the newest row and the window shows the bottom', () => {
    const store = new ExchangeStore();
    const cursor = new ListCursor(store);
    addRows(store, 10);
    cursor.sync();
    assert.equal(cursor.focusedIndex(), 9);
    assert.equal(cursor.focusedId, 9);
    assert.deepEqual(cursor.window(4), { start: 6, end: 10 });
    assert.deepEqual(cursor.window(40), { start: 0, end: 10 });
    addRows(store, 5);
    cursor.sync();
    assert.equal(cursor.focusedId, 14);
    assert.deepEqual(cursor.window(4), { start: 11, end: 15 });
    cursor.move(+1);
    assert.equal(cursor.following, true, 'down at the bottom keeps following');
  });

  it('scrolling up stops following; new rows neither move the focus nor the window and are counted', () => {
    const store = new ExchangeStore();
    const cursor = new ListCursor(store);
    addRows(store, 10);
    cursor.sync();
    assert.deepEqual(cursor.window(4), { start: 6, end: 10 });
    cursor.move(-1);
    assert.equal(cursor.following, false);
    assert.equal(cursor.focusedId, 8);
    assert.deepEqual(cursor.window(4), { start: 6, end: 10 }, 'no jump when leaving follow mode');
    addRows(store, 3);
    cursor.sync();
    assert.equal(cursor.focusedId, 8);
    assert.equal(cursor.newSinceScroll, 3);
    assert.deepEqual(cursor.window(4), { start: 6, end: 10 });
    cursor.move(-4); // focus 4: the window scrolls just enough
    assert.equal(cursor.focusedId, 4);
    assert.deepEqual(cursor.window(4), { start: 4, end: 8 });
    cursor.move(+4); // focus 8: bottom of the window
    assert.deepEqual(cursor.window(4), { start: 5, end: 9 });
    cursor.move(+100);
    assert.equal(cursor.following, true, 'reaching the newest row follows again');
    assert.equal(cursor.focusedId, 12);
    assert.equal(cursor.newSinceScroll, 0);
    assert.deepEqual(cursor.window(4), { start: 9, end: 13 });
  });

  it('home goes to the oldest row; F follows again', () => {
    const store = new ExchangeStore();
    const cursor = new ListCursor(store);
    addRows(store, 20);
    cursor.home();
    assert.equal(cursor.focusedIndex(), 0);
    assert.equal(cursor.following, false);
    assert.deepEqual(cursor.window(5), { start: 0, end: 5 });
    addRows(store, 2);
    assert.equal(cursor.newSinceScroll, 2);
    cursor.follow();
    assert.equal(cursor.following, true);
    assert.equal(cursor.focusedId, 21);
    assert.equal(cursor.newSinceScroll, 0);
  });

  it('counts as new only rows that pass the filter', () => {
    const store = new ExchangeStore();
    store.setFilter('method=POST');
    const cursor = new ListCursor(store);
    addRows(store, 3, 'POST');
    cursor.move(-1);
    addRows(store, 4, 'GET');
    addRows(store, 2, 'POST');
    cursor.sync();
    assert.equal(cursor.newSinceScroll, 2);
    store.setFilter('');
    cursor.sync();
    assert.equal(cursor.newSinceScroll, 6, 'the filter decides what counts, also afterwards');
  });

  it('a focused row that is evicted moves the focus to the oldest remaining row', () => {
    const store = new ExchangeStore({ maxExchanges: 5 });
    const cursor = new ListCursor(store);
    addRows(store, 5);
    cursor.move(-3);
    assert.equal(cursor.focusedId, 1);
    addRows(store, 1); // evicts 0
    assert.equal(cursor.focusedId, 1);
    addRows(store, 2); // evicts 1 and 2
    assert.equal(cursor.focusedIndex(), 0, 'resolved before sync');
    cursor.sync();
    assert.equal(cursor.focusedId, 3);
    assert.equal(cursor.following, false);
    assert.equal(cursor.newSinceScroll, 3);
    const { start, end } = cursor.window(3);
    assert.ok(start <= 0 && 0 < end);
  });

  it('a focused row that is filtered out moves the focus to the nearest visible row', async () => {
    const demo = await demoExchanges();
    const store = new ExchangeStore();
    const cursor = new ListCursor(store);
    for (const { exchange, link } of demo) store.add(exchange, link);
    const gateway = (i: number) => demo[i].exchange.serverContainer?.name === 'demo-gateway';
    // A row that is not gateway-bound, between gateway rows.
    const focus = demo.findIndex((_, i) => i > 0 && !gateway(i));
    cursor.move(focus - cursor.focusedIndex());
    assert.equal(cursor.focusedId, focus);
    store.setFilter('server=demo-gateway');
    cursor.sync();
    const candidates = demo.map((_, i) => i).filter(gateway);
    const nearest = candidates.reduce((best, i) => {
      const d = Math.abs(i - focus);
      const bd = Math.abs(best - focus);
      return d < bd || (d === bd && i > best) ? i : best;
    });
    assert.equal(cursor.focusedId, nearest);
    assert.ok(store.visibleAt(cursor.focusedIndex()).exchange.serverContainer?.name === 'demo-gateway');
    store.setFilter('');
    cursor.sync();
    assert.equal(cursor.focusedId, nearest, 'the focus stays on the row it moved to');
  });

  it('keeps its focus through a filter that hides everything, and follows again after clear', () => {
    const store = new ExchangeStore();
    const cursor = new ListCursor(store);
    addRows(store, 10);
    cursor.move(-5);
    store.setFilter('status=999');
    cursor.sync();
    assert.equal(cursor.focusedIndex(), -1);
    assert.deepEqual(cursor.window(3), { start: 0, end: 0 });
    store.setFilter('');
    cursor.sync();
    assert.equal(cursor.focusedId, 4);
    store.clear();
    cursor.sync();
    assert.equal(cursor.following, true);
    assert.equal(cursor.focusedIndex(), -1);
    addRows(store, 2);
    cursor.sync();
    assert.equal(cursor.focusedId, 11);
  });

  it('random moves, adds, evictions and filters: the window always holds the focus and fits', () => {
    const random = mulberry32(7);
    const store = new ExchangeStore({ maxExchanges: 60 });
    const cursor = new ListCursor(store);
    for (let step = 0; step < 2000; step++) {
      const roll = random();
      if (roll < 0.4) addRows(store, Math.floor(random() * 5), random() < 0.5 ? 'GET' : 'POST');
      else if (roll < 0.8) cursor.move(Math.floor(random() * 21) - 10);
      else if (roll < 0.85) cursor.home();
      else if (roll < 0.87) cursor.follow();
      else if (roll < 0.9) store.setFilter(['', 'method=POST', 'method=GET'][Math.floor(random() * 3)]);
      cursor.sync();
      const height = 1 + Math.floor(random() * 12);
      const { start, end } = cursor.window(height);
      const focus = cursor.focusedIndex();
      const count = store.visibleCount;
      if (count === 0) {
        assert.equal(focus, -1);
        continue;
      }
      assert.ok(start <= focus && focus < end, `step ${step}: focus ${focus} in [${start}, ${end})`);
      assert.equal(end - start, Math.min(height, count));
      if (cursor.following) assert.equal(focus, count - 1);
      assert.equal(cursor.focusedId, store.visibleAt(focus).id);
    }
  });
});
