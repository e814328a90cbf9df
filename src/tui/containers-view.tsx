import { Box, Text, useInput } from 'ink';
import { useRef, useState } from 'react';
import type { ExchangeStore } from '../store/exchange-store.js';
import { pairSortKeys, pairStats, type PairSortKey, type PairStats } from '../store/pair-stats.js';
import { fitEnd, fitMiddle, formatBytes, formatMs, printable } from '../sinks/table-sink.js';
import { eachKey } from './key-chars.js';
import { scrollTop } from './scroll-window.js';

export interface ContainersViewProps {
  store: ExchangeStore;
  /** Changes when the stats should be recomputed (store.version while live; fixed while paused). */
  dataVersion: number;
  width: number;
  height: number;
  /** Enter on a pair: show its exchanges. */
  onDrill: (pair: PairStats) => void;
  onClose: () => void;
  /** False while another input (the filter bar) has the keys. */
  isActive: boolean;
}

/** Stats are recomputed at most this often under constant traffic (a walk over every visible exchange). */
const RECOMPUTE_MS = 1000;

/** Lines besides the table rows: the title and the column header. */
const CHROME_LINES = 2;

interface Column {
  title: string;
  width: number;
  sort?: PairSortKey;
  cell: (p: PairStats) => string;
}

const latency = (v: number | undefined) => (v === undefined ? '-' : formatMs(v));

function columns(width: number): { client: number; server: number; numbers: Column[] } {
  const numbers: Column[] = [
    ...(width >= 100 ? [{ title: 'REQS', width: 7, sort: 'requests' as const, cell: (p: PairStats) => `${p.requests}` }] : []),
    { title: 'REQ/S', width: 7, sort: 'rate', cell: (p) => (p.requestsPerSecond >= 100 ? p.requestsPerSecond.toFixed(0) : p.requestsPerSecond.toFixed(1)) },
    { title: 'ERR%', width: 6, sort: 'errors', cell: (p) => (p.errors === 0 ? '0' : (p.errorRate * 100).toFixed(1)) },
    { title: 'P50 ms', width: 7, sort: 'p50', cell: (p) => latency(p.p50) },
    { title: 'P95', width: 6, sort: 'p95', cell: (p) => latency(p.p95) },
    { title: 'P99', width: 6, sort: 'p99', cell: (p) => latency(p.p99) },
    { title: 'OUT', width: 6, sort: 'bytes', cell: (p) => formatBytes(p.bytesOut) },
    { title: 'IN', width: 6, sort: 'bytes', cell: (p) => formatBytes(p.bytesIn) },
  ];
  const fixed = numbers.reduce((sum, c) => sum + c.width + 1, 0) + 1;
  const free = Math.max(12, width - fixed);
  const client = Math.floor(free * 0.45);
  return { client, server: free - client, numbers };
}

/** One row per client→server pair, like topcontainers: rate, errors, latency percentiles, bytes. */
export function ContainersView({ store, dataVersion, width, height, onDrill, onClose, isActive }: ContainersViewProps) {
  const [sort, setSort] = useState<PairSortKey>('requests');
  const [focus, setFocus] = useState(0);
  const top = useRef(0);
  const cache = useRef<{ version: number; sort: PairSortKey; at: number; rows: PairStats[] } | undefined>(undefined);
  const cached = cache.current;
  // Wall clock only paces recomputation; the numbers come from capture time.
  const now = Date.now();
  if (cached === undefined || cached.sort !== sort || (cached.version !== dataVersion && now - cached.at >= RECOMPUTE_MS)) {
    cache.current = { version: dataVersion, sort, at: now, rows: pairStats(store, sort) };
  }
  const rows = cache.current!.rows;
  const focused = Math.min(focus, Math.max(0, rows.length - 1));

  // Functional updates: keys may arrive faster than renders.
  const move = (delta: number) => setFocus((f) => Math.max(0, Math.min(rows.length - 1, Math.min(f, rows.length - 1) + delta)));
  useInput(
    (chunk, chunkKey) => eachKey(chunk, chunkKey, (input, key) => {
        if (key.escape) onClose();
        else if (key.upArrow) move(-1);
        else if (key.downArrow) move(1);
        else if (key.pageUp) move(-tableHeight);
        else if (key.pageDown) move(tableHeight);
        else if (key.home) setFocus(0);
        else if (key.end) setFocus(Math.max(0, rows.length - 1));
        else if (input === 's') setSort((s) => pairSortKeys[(pairSortKeys.indexOf(s) + 1) % pairSortKeys.length]);
        else if (key.return && rows[focused] !== undefined) onDrill(rows[focused]);
      }),
    { isActive },
  );

  const tableHeight = Math.max(1, height - CHROME_LINES);
  top.current = scrollTop(focused, top.current, tableHeight, rows.length);
  const layout = columns(width);
  const shown = rows.slice(top.current, top.current + tableHeight);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate">
        <Text bold>containers</Text>
        <Text dimColor> {rows.length} pairs · sort: </Text>
        <Text color="cyan">{sort}</Text>
        <Text dimColor> (s cycles) · Enter shows a pair's exchanges · Esc back</Text>
      </Text>
      <Text bold wrap="truncate">
        {fitEnd('CLIENT', layout.client)} {fitEnd('SERVER', layout.server)}
        {layout.numbers.map((c) => (
          <Text key={c.title} underline={c.sort === sort} color={c.sort === sort ? 'cyan' : undefined}>
            {' '}
            {c.title.padStart(c.width)}
          </Text>
        ))}
      </Text>
      {rows.length === 0 ? (
        <Text dimColor>no exchanges{store.filterText === '' ? '' : ` match the filter ${store.filterText}`}</Text>
      ) : (
        shown.map((pair, i) => (
          <Text key={`${pair.client}\u0000${pair.server}`} inverse={top.current + i === focused} wrap="truncate">
            {fitMiddle(printable(pair.client), layout.client)} {fitMiddle(printable(pair.server), layout.server)}
            {layout.numbers.map((c) => (
              <Text key={c.title} color={c.title === 'ERR%' && pair.errors > 0 ? 'red' : undefined}>
                {' '}
                {c.cell(pair).padStart(c.width)}
              </Text>
            ))}
          </Text>
        ))
      )}
    </Box>
  );
}
