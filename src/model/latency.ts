import type { Exchange } from './exchange.js';
import { diffMs } from './time.js';

/**
 * The latency hopscope shows everywhere (table TOTAL, summary percentiles, filter `latency`): from the
 * request's first byte to the response's last byte, in ms. Undefined without a response.
 */
export function exchangeLatencyMs(exchange: Exchange): number | undefined {
  return exchange.response ? diffMs(exchange.response.lastByte, exchange.request.firstByte) : undefined;
}
