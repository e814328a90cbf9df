import './force-color.js';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { createElement as h } from 'react';
import type { ExchangeStore } from '../../src/store/exchange-store.js';
import { App, type AppProps } from '../../src/tui/app.js';
import type { TuiStatus } from '../../src/tui/status.js';
import { assertFits, demoStore, fileStatus, KEY, plain, plainLines, press, renderAt, resize, settle } from './tui-fixtures.js';

interface Harness {
  store: ExchangeStore;
  r: Awaited<ReturnType<typeof renderAt>>;
  quits: () => number;
  exports: ExchangeStore[];
  lines: () => string[];
}

async function open(props: Partial<AppProps> = {}, columns = 80, rows = 24): Promise<Harness> {
  const store = props.store ?? (await demoStore());
  let quits = 0;
  const exports: ExchangeStore[] = [];
  const element = h(App, {
    store,
    status: () => fileStatus,
    onExport: async (s: ExchangeStore) => {
      exports.push(s);
      return '/tmp/hopscope-export.har';
    },
    onQuit: () => quits++,
    ...props,
  });
  const r = await renderAt(element, columns, rows);
  await settle();
  return { store, r, quits: () => quits, exports, lines: () => plainLines(r.lastFrame()) };
}

/** The list rows of a frame (lines with a method column). */
function listRows(lines: string[]): string[] {
  return lines.filter((l) => / (GET|POST) +\//.test(l));
}

describe('App', () => {
  afterEach(cleanup); // a failed assertion must not leave a mounted App (its timer) behind
  it('shows the list, a key hint and the status line within the terminal (one line spare)', async () => {
    const { r, lines } = await open();
    const frame = lines();
    assert.equal(frame.length, 23);
    assert.match(frame[0], /^CLIENT +SERVER/);
    assert.equal(listRows(frame).length, 19);
    assert.match(frame[21], /^q quit · \? help · \/ filter/);
    assert.match(frame[22], /^ file demo\.pcapng \(read\) · 247 kept · 1,234 pkts · capture names · \? help +$/);
    assertFits(r.lastFrame(), 80);
    r.unmount();
  });

  it('re-renders new exchanges within the throttle, following them, without a key', async () => {
    const { store, r, lines } = await open();
    const post = store.visibleSlice(0, store.visibleCount).find((s) => s.exchange.request.head.method === 'POST')!.exchange;
    store.add(post);
    await settle();
    const rows = listRows(lines());
    assert.match(rows[rows.length - 1], /POST +\/api\/orders/);
    assert.match(lines()[22], /248 kept/);
    r.unmount();
  });

  it('/ applies a filter with Enter; the message line says so; a bad one shows a caret and Esc keeps the old one', async () => {
    const { store, r, lines } = await open();
    await press(r, '/', 'status>=500', KEY.enter);
    const rows = listRows(lines());
    assert.equal(rows.length, 18);
    assert.ok(rows.every((l) => / 50[02] /.test(l)));
    assert.equal(lines()[21], 'filter: status>=500 (18 shown)');
    await press(r, '/');
    assert.match(lines()[19], /^\/ status>=500/, 'the bar opens with the filter in force');
    await press(r, ' and (', KEY.enter);
    const caretLine = lines()[20];
    assert.equal(caretLine.indexOf('^'), '/ status>=500 and ('.length);
    await press(r, KEY.escape);
    assert.equal(store.filterText, 'status>=500');
    assert.equal(lines()[21], 'filter: status>=500 (18 shown)');
    r.unmount();
  });

  it('a bad initial filter opens the bar with its error', async () => {
    const { r, lines } = await open({ initialFilter: 'status>>5' });
    const frame = lines();
    assert.match(frame[frame.length - 4], /^\/ status>>5/);
    assert.match(frame[frame.length - 2], /^a value must follow|^unexpected/);
    r.unmount();
  });

  it('t opens the containers view; Enter drills into a pair (filter set, back to the list); Esc returns', async () => {
    const { store, r, lines } = await open();
    await press(r, 't');
    assert.match(lines()[0], /^containers \d+ pairs · sort: requests/);
    await press(r, KEY.escape);
    assert.match(lines()[0], /^CLIENT +SERVER/);
    await press(r, 't', KEY.enter);
    assert.match(store.filterText, /^client="[^"]+" and server="[^"]+"$/);
    const [, client, server] = /client="([^"]+)" and server="([^"]+)"/.exec(store.filterText)!;
    const rows = listRows(lines());
    assert.ok(rows.length > 0);
    for (const row of rows) assert.ok(row.startsWith(client) && row.includes(` ${server} `), row);
    r.unmount();
  });

  it('Enter opens the detail of the focused exchange, Esc goes back to the same focus', async () => {
    const { r, lines } = await open();
    await press(r, KEY.up, KEY.up);
    const focused = (r.lastFrame() ?? '').split('\n').find((l) => l.includes('\x1b[7m'))!;
    const path = / (\/\S*)/.exec(plain(focused))![1];
    await press(r, KEY.enter);
    assert.match(lines()[0], new RegExp(`^GET ${path.replace(/[.]/g, '\\.')} → `));
    await press(r, KEY.escape);
    const again = (r.lastFrame() ?? '').split('\n').find((l) => l.includes('\x1b[7m'))!;
    assert.equal(plain(again), plain(focused));
    assert.equal(lines()[20], '0 new ↓ (F follows)');
    await press(r, 'F');
    assert.equal(lines()[20].trim(), '');
    r.unmount();
  });

  it('space pauses: the list stays as it was while the store ingests; space again shows the new rows', async () => {
    const { store, r, lines } = await open();
    await press(r, ' ');
    assert.match(lines()[22], /^ PAUSED \(space resumes\)/);
    const before = listRows(lines());
    const post = store.visibleSlice(0, store.visibleCount).find((s) => s.exchange.request.head.method === 'POST')!.exchange;
    for (let i = 0; i < 5; i++) store.add(post);
    await settle();
    assert.deepEqual(listRows(lines()), before, 'frozen');
    assert.match(lines()[22], /252 kept/, 'the status line goes on');
    await press(r, ' ');
    assert.doesNotMatch(lines()[22], /PAUSED/);
    const after = listRows(lines());
    assert.ok(after.slice(-5).every((l) => /POST +\/api\/orders/.test(l)));
    r.unmount();
  });

  it('? shows every key and closes with ?; q quits from anywhere', async () => {
    const { r, lines, quits } = await open();
    await press(r, '?');
    assert.match(lines()[0], /^hopscope keys/);
    assert.ok(lines().some((l) => /^ {2}space +pause the view/.test(l)));
    await press(r, '?');
    assert.match(lines()[0], /^CLIENT/);
    await press(r, KEY.enter, 'q');
    assert.equal(quits(), 1);
    r.unmount();
  });

  it('e exports the store and shows the path; a failure shows its message', async () => {
    const { store, r, lines, exports } = await open();
    await press(r, 'e');
    assert.equal(exports.length, 1);
    assert.equal(exports[0], store);
    assert.equal(lines()[21], 'exported to /tmp/hopscope-export.har');
    r.unmount();
    const failing = await open({
      onExport: async () => {
        throw new Error('cannot write /nope/x.har: ENOENT');
      },
    });
    await press(failing.r, 'e');
    assert.equal(failing.lines()[21], 'export failed: cannot write /nope/x.har: ENOENT');
    failing.r.unmount();
  });

  it('c clears the list', async () => {
    const { store, r, lines } = await open();
    await press(r, 'c');
    assert.equal(store.size, 0);
    assert.equal(lines()[1], 'no exchanges yet');
    assert.match(lines()[22], / 0 kept/);
    r.unmount();
  });

  it('w opens the waterfall of the focused exchange and Esc comes back', async () => {
    const { r, lines } = await open();
    await press(r, 'w');
    assert.doesNotMatch(lines()[0], /^CLIENT/);
    await press(r, KEY.escape);
    assert.match(lines()[0], /^CLIENT/);
    r.unmount();
  });

  it('follows a resize: the time column appears at 200 columns', async () => {
    const { r, lines } = await open();
    resize(r.stdout, 200, 30);
    await settle();
    assert.match(lines()[0], /^TIME \(UTC\) +CLIENT/);
    assert.equal(lines().length, 29);
    assertFits(r.lastFrame(), 200);
    r.unmount();
  });

  it('shows the hint and a status that changes without store changes', async () => {
    let status: TuiStatus = { ...fileStatus, source: 'demo (no Docker bridges)', finished: false, packets: 10 };
    const { r, lines } = await open({ hint: 'showing the bundled demo: no Docker bridges', status: () => status });
    assert.equal(lines()[21], 'showing the bundled demo: no Docker bridges');
    assert.match(lines()[22], /^ demo \(no Docker bridges\) · 247 kept · 10 pkts/);
    status = { ...status, packets: 20 };
    await settle();
    assert.match(lines()[22], / 20 pkts/);
    r.unmount();
  });
});
