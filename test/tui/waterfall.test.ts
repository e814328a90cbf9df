import './force-color.js';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { before, describe, it } from 'node:test';
import type { Exchange } from '../../src/model/exchange.js';
import { ExchangeStore } from '../../src/store/exchange-store.js';
import { TraceBuilder } from '../../src/trace/trace-builder.js';
import { traceNodes, type Trace } from '../../src/trace/trace-types.js';
import { CRITICAL_MARK, Waterfall } from '../../src/tui/waterfall.js';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { captureExchanges, demoCapture, demoContainers, KEY, plainLines, press, resize, settle } from './tui-fixtures.js';

/** Renders at a terminal size (Ink lays out to stdout.columns) and waits for the frame. */
async function renderAt(element: ReactElement, columns: number, rows: number) {
  const rendered = render(element);
  resize(rendered.stdout, columns, rows);
  rendered.rerender(element);
  await settle(30);
  return rendered;
}

function assertFits(frame: string | undefined, columns: number): void {
  for (const line of plainLines(frame)) assert.ok(line.length <= columns, `line of ${line.length} columns exceeds ${columns}: ${line}`);
}

// The waterfall rendered to a string (ink-testing-library) over a store of the demo capture's real
// trees, linked by a TraceBuilder as the UI links them.

describe('Waterfall', () => {
  let store: ExchangeStore;
  let profile: Trace;
  let checkout: Trace;

  before(async () => {
    const exchanges: Exchange[] = await captureExchanges(demoCapture, { containers: demoContainers });
    store = new ExchangeStore();
    const builder = new TraceBuilder();
    const traces: Trace[] = [];
    for (const exchange of exchanges) {
      store.add(exchange, builder.add(exchange));
      traces.push(...builder.drain());
    }
    traces.push(...builder.finish());
    profile = traces.find((t) => t.root.exchange.request.head.target.startsWith('/api/profile') && t.depth === 2) as Trace;
    checkout = traces.find((t) => traceNodes(t).some((n) => n.exchange.request.head.target === '/orders/fail')) as Trace;
    assert.ok(profile !== undefined && checkout !== undefined);
  });

  it('draws the tree with routes, status, latency, share of the root and bars; the critical path marked', async () => {
    const deepest = traceNodes(profile).find((n) => n.link.depth === 2)!;
    const { lastFrame, unmount } = await renderAt(h(Waterfall, { store, exchangeId: deepest.id, width: 140, height: 12, onClose: () => {} }), 140, 12);
    const frame = lastFrame();
    assertFits(frame, 140);
    const lines = plainLines(frame);
    assert.match(lines[0], new RegExp(`^trace ${profile.traceId}  4 exchanges, depth 2, root [\\d.]+ ms`));
    const rows = lines.slice(2, 6);
    assert.match(rows[0], /^● GET \/api\/profile\s+demo-client → demo-gateway\s+200\s+[\d.]+ ms\s+100%\s+█+$/);
    assert.match(rows[1], /^. ├─ GET \/users\/42\s+demo-gateway → demo-users\s+200\s+[\d.]+ ms\s+\d+%\s+█+$/);
    assert.match(rows[2], /^. └─ GET \/orders\s+demo-gateway → demo-orders\s+200/);
    assert.match(rows[3], /^. {4}└─ GET \/items\.json\s+demo-orders → demo-inventory\s+200/);
    // The root's bar fills the bar area; the others start at or after it and end within it.
    const barStart = (line: string) => line.indexOf('█');
    const barEnd = (line: string) => line.lastIndexOf('█');
    for (const row of rows.slice(1)) {
      assert.ok(barStart(row) >= barStart(rows[0]) && barEnd(row) <= barEnd(rows[0]), row);
    }
    assert.equal(barEnd(rows[0]), 139);
    // The critical rows: the root and whichever of the parallel calls ended last, with what it called.
    const marked = rows.filter((r) => r.startsWith(CRITICAL_MARK)).length;
    assert.ok(marked >= 2 && marked < 4, `${marked} rows marked`);
    // Colour: the critical bars are yellow (ANSI 33), the others cyan (36).
    const raw = (frame ?? '').split('\n').slice(2, 6);
    for (let i = 0; i < 4; i++) assert.match(raw[i], rows[i].startsWith(CRITICAL_MARK) ? /\x1b\[33m(\x1b\[1m)?█/ : /\x1b\[36m█/);
    assert.match(lines.at(-1) as string, /rows 1–4 of 4 · ● critical path/);
    unmount();
  });

  it('shows failed calls in their tree with their status', async () => {
    const { lastFrame, unmount } = await renderAt(h(Waterfall, { store, exchangeId: checkout.root.id, width: 120, height: 12, onClose: () => {} }), 120, 12);
    const lines = plainLines(lastFrame());
    assertFits(lastFrame(), 120);
    assert.ok(lines.some((l) => /└─ GET \/orders\/fail\s+demo-gateway → demo-orders\s+500\s+[\d.]+ ms/.test(l)), lines.join('\n'));
    unmount();
  });

  it('scrolls with ↑/↓ when the tree is taller than the view, and Esc closes', async () => {
    let closed = 0;
    // Height 5: title, column heads, 2 rows, footer.
    const { lastFrame, stdin, unmount } = await renderAt(
      h(Waterfall, { store, exchangeId: profile.root.id, width: 100, height: 5, onClose: () => closed++ }),
      100,
      5,
    );
    const rowsOf = () => plainLines(lastFrame()).slice(2, 4).join('\n');
    assert.match(rowsOf(), /GET \/api\/profile[^\n]*\n[^\n]*GET \/users\/42/);
    await press(stdin, KEY.down);
    assert.match(rowsOf(), /GET \/users\/42[^\n]*\n[^\n]*GET \/orders/);
    await press(stdin, KEY.down, KEY.down, KEY.down);
    assert.match(rowsOf(), /GET \/orders[^\n]*\n[^\n]*GET \/items\.json/);
    assert.match(plainLines(lastFrame()).at(-1) as string, /rows 3–4 of 4/);
    await press(stdin, KEY.up, KEY.up);
    assert.match(rowsOf(), /GET \/api\/profile/);
    assert.equal(closed, 0);
    await press(stdin, KEY.escape);
    assert.equal(closed, 1);
    unmount();
  });

  it('fits a narrow terminal', async () => {
    const { lastFrame, unmount } = await renderAt(h(Waterfall, { store, exchangeId: profile.root.id, width: 60, height: 10, onClose: () => {} }), 60, 10);
    assertFits(lastFrame(), 60);
    assert.ok(plainLines(lastFrame()).some((l) => l.includes('█')));
    unmount();
  });

  it('says when the exchange is no longer kept', async () => {
    const { lastFrame, unmount } = await renderAt(h(Waterfall, { store: new ExchangeStore(), exchangeId: 'nope#0', width: 80, height: 5, onClose: () => {} }), 80, 5);
    assert.match(plainLines(lastFrame())[0], /exchange nope#0 is no longer kept/);
    unmount();
  });
});
