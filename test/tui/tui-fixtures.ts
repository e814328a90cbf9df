import { resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { createPipeline } from '../../src/cli/pipeline.js';
import { readContainerIntervals } from '../../src/cli/read-containers.js';
import { timelineFromIntervals } from '../../src/containers/ledger.js';
import type { Exchange } from '../../src/model/exchange.js';
import { defaultPipelineOptions, type PipelineOptions } from '../../src/model/options.js';
import { readCapture } from '../../src/source/read-capture.js';
import { ExchangeStore, type StoreLimits } from '../../src/store/exchange-store.js';
import type { TuiStatus } from '../../src/tui/status.js';
import { ownCaptures } from '../support/paths.js';

export const demoCapture = resolve(ownCaptures, 'demo.pcapng');
export const demoContainers = resolve(ownCaptures, 'demo.containers.json');

/** The exchanges of a capture as `hopscope read` finds them, named from a containers file when given. */
export async function captureExchanges(path: string, options: { containers?: string; pipeline?: Partial<PipelineOptions> } = {}): Promise<Exchange[]> {
  const intervals = await readContainerIntervals(path, options.containers);
  const exchanges: Exchange[] = [];
  const pipeline = createPipeline({ ...defaultPipelineOptions, ...options.pipeline }, (e) => exchanges.push(e), {
    order: 'start',
    resolver: intervals && timelineFromIntervals(intervals),
  });
  await readCapture(path, pipeline.events, pipeline.stats);
  pipeline.finish();
  return exchanges;
}

export function storeOf(exchanges: Exchange[], limits: Partial<StoreLimits> = {}): ExchangeStore {
  const store = new ExchangeStore(limits);
  for (const exchange of exchanges) store.add(exchange);
  return store;
}

/** The demo capture with container names, in a store. */
export async function demoStore(limits: Partial<StoreLimits> = {}): Promise<ExchangeStore> {
  return storeOf(await captureExchanges(demoCapture, { containers: demoContainers }), limits);
}

export const fileStatus: TuiStatus = {
  source: 'file demo.pcapng',
  interfaces: [],
  packets: 1234,
  kernelDrops: 0,
  queueDrops: 0,
  resolver: 'capture names',
  finished: true,
};

/** Key sequences as a terminal sends them. */
export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  backspace: '\x7f',
} as const;

/**
 * Waits past the App's render throttle (100 ms) and Ink's own frame pacing, so that lastFrame()
 * shows the effect of the keys just sent. Not a timing assertion: only a wait long enough.
 */
export function settle(ms = 160): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

interface TestStdin {
  write(data: string): void;
}

/** A rendered component as ink-testing-library returns it. */
interface Rendered {
  stdin: TestStdin;
  lastFrame(): string | undefined;
}

/**
 * Waits until the frame has not changed for a while (longer than the App's 100 ms render throttle), at
 * most a few seconds: on a loaded machine a fixed wait can end before a key's view has rendered, and a
 * key sent then would go to the old view. Not a timing assertion: only a wait until things are still.
 */
async function stillFrame(rendered: Rendered, quietMs = 150, maxMs = 5000): Promise<void> {
  const start = Date.now();
  let frame = rendered.lastFrame();
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() - start < maxMs) {
    await new Promise((done) => setTimeout(done, 10));
    const now = rendered.lastFrame();
    if (now !== frame) {
      frame = now;
      since = Date.now();
    }
  }
}

/**
 * Sends keys one at a time (a terminal sends each key press as its own read). Given the rendered
 * component, waits after each key until its frame is still; given only stdin, waits fixed moments.
 */
export async function press(target: TestStdin | Rendered, ...keys: string[]): Promise<void> {
  const rendered = 'lastFrame' in target ? target : undefined;
  const stdin = rendered === undefined ? (target as TestStdin) : rendered.stdin;
  for (const key of keys) {
    stdin.write(key);
    if (rendered !== undefined) await stillFrame(rendered);
    else await settle(40);
  }
  if (rendered === undefined) await settle();
}

export function plain(frame: string | undefined): string {
  return stripVTControlCharacters(frame ?? '');
}

export function plainLines(frame: string | undefined): string[] {
  return plain(frame).split('\n');
}

/** ink-testing-library's stdout reports 100 columns and no rows; tests set a size and announce it. */
export function resize(stdout: NodeJS.EventEmitter, columns: number, rows: number): void {
  Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
  stdout.emit('resize');
}

/** Renders at a terminal size (Ink lays out to stdout.columns) and waits for the frame. */
export async function renderAt(element: ReactElement, columns: number, rows: number): Promise<ReturnType<typeof render>> {
  const rendered = render(element);
  resize(rendered.stdout, columns, rows);
  rendered.rerender(element);
  await settle(30);
  return rendered;
}

/** Every line of a frame fits the width (after removing colours). */
export function assertFits(frame: string | undefined, columns: number): void {
  for (const line of plainLines(frame)) {
    if (line.length > columns) throw new Error(`line of ${line.length} columns exceeds ${columns}: ${line}`);
  }
}
