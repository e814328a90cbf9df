import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { createElement as h } from 'react';
import { ExchangeStore } from '../../src/store/exchange-store.js';
import { FilterBar } from '../../src/tui/filter-bar.js';
import { KEY, plainLines, press, renderAt } from './tui-fixtures.js';

describe('FilterBar', () => {
  afterEach(cleanup); // a failed assertion must not leave a mounted App (its timer) behind
  it('shows a parse error with a caret under its position and stays open', async () => {
    const store = new ExchangeStore();
    let closed = 0;
    const r = await renderAt(h(FilterBar, { initial: '', apply: (t: string) => store.setFilter(t), onClose: () => closed++, width: 80 }), 80, 24);
    await press(r, 'status>=500 and bogus=1', KEY.enter);
    const [input, caret, message] = plainLines(r.lastFrame());
    assert.equal(input.trimEnd(), '/ status>=500 and bogus=1');
    assert.equal(caret.indexOf('^'), input.indexOf('bogus'));
    assert.match(message, /^unknown field 'bogus'/);
    assert.equal(closed, 0);
    assert.equal(store.filterText, '');
    r.unmount();
  });

  it('puts the caret at the end when the expression ends too early', async () => {
    const store = new ExchangeStore();
    const r = await renderAt(h(FilterBar, { initial: 'latency>', apply: (t: string) => store.setFilter(t), onClose: () => {}, width: 80 }), 80, 24);
    await press(r, KEY.enter);
    const [input, caret] = plainLines(r.lastFrame());
    assert.equal(caret.indexOf('^'), '/ latency>'.length);
    assert.ok(input.startsWith('/ latency>'));
    r.unmount();
  });

  it('edits with Backspace, applies with Enter and closes; typing clears the error', async () => {
    const store = new ExchangeStore();
    let closed = 0;
    const r = await renderAt(h(FilterBar, { initial: 'status>=500x', apply: (t: string) => store.setFilter(t), onClose: () => closed++, width: 80 }), 80, 24);
    await press(r, KEY.enter);
    assert.match(plainLines(r.lastFrame())[2], /unknown unit 'x'/);
    await press(r, KEY.backspace);
    assert.equal(plainLines(r.lastFrame())[0].trimEnd(), '/ status>=500');
    assert.doesNotMatch(plainLines(r.lastFrame())[2], /unknown unit/);
    await press(r, KEY.enter);
    assert.equal(store.filterText, 'status>=500');
    assert.equal(closed, 1);
    r.unmount();
  });

  it('Backspaces that arrive in one read (a held key, tmux send-keys) each erase a character', async () => {
    const store = new ExchangeStore();
    const r = await renderAt(h(FilterBar, { initial: 'status>=500 and', apply: (t: string) => store.setFilter(t), onClose: () => {}, width: 80 }), 80, 24);
    await press(r, KEY.backspace.repeat(4), 'x\x08');
    assert.equal(plainLines(r.lastFrame())[0].trimEnd(), '/ status>=500');
    r.unmount();
  });

  it('Esc cancels without applying', async () => {
    const store = new ExchangeStore();
    let closed = 0;
    const r = await renderAt(h(FilterBar, { initial: '', apply: (t: string) => store.setFilter(t), onClose: () => closed++, width: 80 }), 80, 24);
    await press(r, 'method=POST', KEY.escape);
    assert.equal(closed, 1);
    assert.equal(store.filterText, '');
    r.unmount();
  });
});
