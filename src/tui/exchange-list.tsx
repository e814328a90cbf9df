import { Box, Text } from 'ink';
import type { StoredExchange } from '../store/exchange-store.js';
import { headerCells, listLayout, rowCells, type ListLayout } from './list-columns.js';
import type { ListModel } from './list-model.js';

export interface ExchangeListProps {
  model: ListModel;
  width: number;
  /** Lines available: the header, the rows, and one line for the "n new" marker. */
  height: number;
  /** Shown when the list is empty because of the filter. */
  filterText: string;
}

/** Lines the list uses besides its rows. */
export const LIST_CHROME_LINES = 2;

/** Newest at the bottom; only the rows in the window are rendered. */
export function ExchangeList({ model, width, height, filterText }: ExchangeListProps) {
  const layout = listLayout(width);
  const rowsHeight = Math.max(1, height - LIST_CHROME_LINES);
  const { start, end } = model.window(rowsHeight);
  const rows = model.slice(start, end);
  const focus = model.focusedIndex();
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">
        {headerCells(layout)}
      </Text>
      <Box flexDirection="column" height={rowsHeight}>
        {rows.length === 0 ? (
          <Text dimColor wrap="truncate">
            {filterText === '' ? 'no exchanges yet' : `no exchanges match the filter ${filterText}`}
          </Text>
        ) : (
          rows.map((stored, i) => <Row key={stored.id} stored={stored} layout={layout} focused={start + i === focus} />)
        )}
      </Box>
      <Text color="cyan" wrap="truncate">
        {model.following ? ' ' : `${model.newSinceScroll} new ↓ (F follows)`}
      </Text>
    </Box>
  );
}

function Row({ stored, layout, focused }: { stored: StoredExchange; layout: ListLayout; focused: boolean }) {
  const c = rowCells(stored.exchange, layout);
  return (
    <Text inverse={focused} wrap="truncate">
      {layout.showTime ? <Text dimColor={!focused}>{c.time} </Text> : null}
      {c.client} {c.server} {c.method} {c.path} <Text color={c.statusColor}>{c.status}</Text>{' '}
      <Text color={c.latencyColor}>{c.latency}</Text> {c.size}
    </Text>
  );
}
