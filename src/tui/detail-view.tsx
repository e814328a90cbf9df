import { Box, Text, useInput } from 'ink';
import { useMemo, useState } from 'react';
import type { StoredExchange } from '../store/exchange-store.js';
import { detailLines, type DetailTab } from './detail-lines.js';
import { StyledText } from './styled-text.js';

export interface DetailViewProps {
  stored: StoredExchange;
  width: number;
  height: number;
  onClose: () => void;
  /** False while another view (help, waterfall) has the keys. */
  isActive: boolean;
}

/** The focused exchange in full; ↑/↓/PgUp/PgDn/Home/End scroll, Tab request/response, Esc back. */
export function DetailView({ stored, width, height, onClose, isActive }: DetailViewProps) {
  const [tab, setTab] = useState<DetailTab>(stored.exchange.response === undefined ? 'request' : 'response');
  const [top, setTop] = useState(0);
  const lines = useMemo(() => detailLines(stored.exchange, tab, width, stored.link), [stored, tab, width]);
  const rows = Math.max(1, height - 1);
  const maxTop = Math.max(0, lines.length - rows);
  const first = Math.min(top, maxTop);
  // Functional updates: keys may arrive faster than renders.
  const scroll = (delta: number) => setTop((t) => Math.max(0, Math.min(maxTop, Math.min(t, maxTop) + delta)));
  useInput(
    (_input, key) => {
      if (key.escape) onClose();
      else if (key.tab) {
        setTab((t) => (t === 'request' ? 'response' : 'request'));
        setTop(0);
      } else if (key.upArrow) scroll(-1);
      else if (key.downArrow) scroll(1);
      else if (key.pageUp) scroll(-rows);
      else if (key.pageDown) scroll(rows);
      else if (key.home) setTop(0);
      else if (key.end) setTop(maxTop);
    },
    { isActive },
  );
  const last = Math.min(lines.length, first + rows);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box flexDirection="column" height={rows}>
        {lines.slice(first, last).map((line, i) => (
          <StyledText key={first + i} line={line} />
        ))}
      </Box>
      <Text dimColor wrap="truncate">
        {`lines ${lines.length === 0 ? 0 : first + 1}–${last} of ${lines.length} · ↑↓ PgUp PgDn scroll · Tab ${tab === 'request' ? 'response' : 'request'} · Esc back`}
      </Text>
    </Box>
  );
}
