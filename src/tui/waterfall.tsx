import { Box, Text, useInput } from 'ink';
import type { ExchangeStore } from '../store/exchange-store.js';

export interface WaterfallProps {
  store: ExchangeStore;
  /** trace/exchangeId() of the exchange whose request tree to show. */
  exchangeId: string;
  width: number;
  height: number;
  onClose: () => void;
}

/** Placeholder until the waterfall view lands (helper E replaces this file): Esc closes it. */
export function Waterfall({ exchangeId, width, height, onClose }: WaterfallProps) {
  useInput((_input, key) => {
    if (key.escape) onClose();
  });
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text>waterfall of {exchangeId}: not built yet (Esc back)</Text>
    </Box>
  );
}
