import assert from 'node:assert/strict';
import { afterEach, before, describe, it } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { createElement as h } from 'react';
import type { ExchangeStore } from '../../src/store/exchange-store.js';
import { DetailView } from '../../src/tui/detail-view.js';
import { assertFits, demoStore, KEY, plainLines, press, renderAt } from './tui-fixtures.js';

describe('DetailView', () => {
  afterEach(cleanup); // a failed assertion must not leave a mounted App (its timer) behind
  let store: ExchangeStore;
  before(async () => {
    store = await demoStore();
  });

  it('opens on the response, Tab switches to the request, ↓/PgDn scroll, Esc closes', async () => {
    let closed = 0;
    const stored = store.visibleAt(0); // GET /api/profile, gzip JSON answer
    const r = await renderAt(h(DetailView, { stored, width: 80, height: 20, isActive: true, onClose: () => closed++ }), 80, 24);
    let lines = plainLines(r.lastFrame());
    assert.equal(lines[0], 'GET /api/profile → 200 OK  332.5 ms');
    assert.ok(lines.includes('HTTP/1.1 200 OK'));
    assert.match(lines[19], /^lines 1–19 of \d+ · .*Tab request · Esc back$/);
    assertFits(r.lastFrame(), 80);

    await press(r, KEY.down, KEY.down);
    lines = plainLines(r.lastFrame());
    assert.match(lines[0], /^connection /, 'scrolled by two lines');
    assert.match(lines[19], /^lines 3–21 of /);
    await press(r, KEY.pageDown);
    assert.match(plainLines(r.lastFrame())[19], /^lines 22–40 of /);
    await press(r, KEY.end);
    const total = Number(/of (\d+)/.exec(plainLines(r.lastFrame())[19])![1]);
    assert.match(plainLines(r.lastFrame())[19], new RegExp(`^lines ${total - 18}–${total} of ${total}`));

    await press(r, KEY.tab);
    lines = plainLines(r.lastFrame());
    assert.equal(lines[0], 'GET /api/profile → 200 OK  332.5 ms', 'Tab starts at the top again');
    assert.ok(lines.includes('GET /api/profile HTTP/1.1'));
    assert.ok(!lines.includes('HTTP/1.1 200 OK'));
    await press(r, KEY.escape);
    assert.equal(closed, 1);
    r.unmount();
  });
});
