import { Box, Text, useInput } from 'ink';
import { useMemo, useState } from 'react';
import { fitEnd, fitMiddle, formatMs } from '../sinks/table-sink.js';
import type { ExchangeStore } from '../store/exchange-store.js';
import { span, type Span, type StyledLine } from './styled-line.js';
import { StyledText } from './styled-text.js';
import { barColumns, waterfallModel, type WaterfallModel, type WaterfallRow } from './trace-view-model.js';

export interface WaterfallProps {
  store: ExchangeStore;
  /** trace/exchangeId() of the exchange whose request tree to show. */
  exchangeId: string;
  width: number;
  height: number;
  onClose: () => void;
}

/** Marks a row on the critical path (the calls the root's answer waited for). */
export const CRITICAL_MARK = '●';
const BAR = '█';

interface Columns {
  label: number;
  route: number;
  bar: number;
}

const STATUS_WIDTH = 5;
const LATENCY_WIDTH = 11;
const SHARE_WIDTH = 5;

/** Characters of a row outside the label, route and bar: marker, gaps, status, latency, share. */
const FIXED = 2 + 2 + (1 + STATUS_WIDTH) + (1 + LATENCY_WIDTH) + (1 + SHARE_WIDTH) + 2;

/** Column widths for a screen `width` wide: the bar gets what the text columns leave, at least 10. */
function columnsFor(width: number): Columns {
  let label = Math.max(12, Math.min(44, Math.floor(width * 0.25)));
  let route = Math.max(8, Math.min(34, Math.floor(width * 0.22)));
  const room = width - FIXED;
  if (room - label - route < 10) {
    const short = 10 - (room - label - route);
    const fromRoute = Math.min(short, route - 8);
    route -= fromRoute;
    label = Math.max(6, label - (short - fromRoute));
  }
  return { label, route, bar: Math.max(1, room - label - route) };
}

function statusColor(row: WaterfallRow): Span['color'] {
  if (row.status === undefined) return 'magenta';
  if (row.status >= 500) return 'red';
  if (row.status >= 400) return 'yellow';
  return 'green';
}

/** One row: marker, tree-indented request, client → server, status, latency, share of the root, bar. */
function rowLine(row: WaterfallRow, model: WaterfallModel, cols: Columns): StyledLine {
  const indent = Math.min(row.prefix.length, Math.max(0, cols.label - 4));
  const prefix = row.prefix.slice(row.prefix.length - indent);
  const label = fitMiddle(row.request, cols.label - prefix.length);
  const { start, end } = barColumns(row, model.spanNs, cols.bar);
  const share = row.share === undefined ? '' : `${Math.round(row.share * 100)}%`;
  const latency = `${formatMs(row.latencyMs)} ms`;
  return [
    span(row.critical ? `${CRITICAL_MARK} ` : '  ', { color: 'yellow', bold: true }),
    span(prefix, { dim: true }),
    span(label, row.opened ? { bold: true, color: 'cyan' } : {}),
    span(`  ${fitMiddle(row.route, cols.route)}`),
    span(` ${fitEnd(row.statusText, STATUS_WIDTH - 1).padStart(STATUS_WIDTH)}`, { color: statusColor(row) }),
    span(` ${latency.padStart(LATENCY_WIDTH)}`),
    span(` ${share.padStart(SHARE_WIDTH)}`, row.critical ? { color: 'yellow' } : { dim: true }),
    span(`  ${' '.repeat(start)}`),
    span(BAR.repeat(end - start), row.critical ? { color: 'yellow', bold: true } : { color: 'cyan' }),
  ];
}

/** The header, the time axis over the bar area, and every row (the view scrolls the rows). */
export function waterfallLines(model: WaterfallModel, width: number): { header: StyledLine[]; rows: StyledLine[] } {
  const cols = columnsFor(width);
  const root = model.rows[0];
  const size = model.rows.length;
  const notes: string[] = [];
  if (model.parentMissing) notes.push('its parent is no longer kept');
  if (model.truncated > 0) notes.push(`${model.truncated} more not shown`);
  const title = `trace ${model.traceId === undefined || model.traceId === '' ? '(unlinked)' : model.traceId}  ${size} exchange${size === 1 ? '' : 's'}, depth ${model.depth}, root ${formatMs(root.latencyMs)} ms`;
  const textWidth = FIXED + cols.label + cols.route;
  const spanMs = `${formatMs(model.spanNs / 1e6)} ms`;
  const axis = `0${spanMs.padStart(Math.max(spanMs.length + 1, cols.bar - 1))}`;
  return {
    header: [
      [span(title, { bold: true }), span(notes.length === 0 ? '' : `  (${notes.join(', ')})`, { color: 'yellow' })],
      [span(`  ${'request'.padEnd(cols.label)}  ${'client → server'.padEnd(cols.route)} ${'st'.padStart(STATUS_WIDTH)} ${'latency'.padStart(LATENCY_WIDTH)} ${'share'.padStart(SHARE_WIDTH)}`.padEnd(textWidth), { dim: true }), span(axis, { dim: true })],
    ],
    rows: model.rows.map((row) => rowLine(row, model, cols)),
  };
}

/**
 * The request tree of one exchange as a waterfall: one row per exchange (the root first, calls below
 * their caller in start order), bars on the tree's shared capture-time axis, latency and share of the
 * root's time per hop, the critical path marked. ↑/↓/PgUp/PgDn/Home/End scroll, Esc closes.
 */
export function Waterfall({ store, exchangeId, width, height, onClose }: WaterfallProps) {
  // Recomputed when the store changes: live capture may add calls to the tree while it is open.
  const version = store.version;
  const model = useMemo(() => waterfallModel(store, exchangeId), [store, exchangeId, version]);
  const lines = useMemo(() => (model === undefined ? undefined : waterfallLines(model, width)), [model, width]);
  const visible = Math.max(1, height - 3);
  const total = lines?.rows.length ?? 0;
  const maxTop = Math.max(0, total - visible);
  const openedIndex = model?.rows.findIndex((r) => r.opened) ?? 0;
  // Opened on a deep call: start with it in view.
  const [top, setTop] = useState(() => Math.max(0, Math.min(maxTop, openedIndex - visible + 1)));
  const first = Math.min(top, maxTop);
  useInput((_input, key) => {
    if (key.escape) onClose();
    else if (key.upArrow) setTop(Math.max(0, first - 1));
    else if (key.downArrow) setTop(Math.min(maxTop, first + 1));
    else if (key.pageUp) setTop(Math.max(0, first - visible));
    else if (key.pageDown) setTop(Math.min(maxTop, first + visible));
    else if (key.home) setTop(0);
    else if (key.end) setTop(maxTop);
  });
  if (lines === undefined) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text wrap="truncate">{`exchange ${exchangeId} is no longer kept (evicted or cleared) · Esc back`}</Text>
      </Box>
    );
  }
  const last = Math.min(total, first + visible);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.header.map((line, i) => (
        <StyledText key={`h${i}`} line={line} />
      ))}
      <Box flexDirection="column" height={visible}>
        {lines.rows.slice(first, last).map((line, i) => (
          <StyledText key={first + i} line={line} />
        ))}
      </Box>
      <Text dimColor wrap="truncate">
        {`rows ${first + 1}–${last} of ${total} · ${CRITICAL_MARK} critical path · ↑↓ PgUp PgDn scroll · Esc back`}
      </Text>
    </Box>
  );
}
