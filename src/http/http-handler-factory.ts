import type { StreamHandlerFactory } from '../model/connection.js';
import type { ExchangeSink } from '../model/exchange.js';
import type { PipelineOptions } from '../model/options.js';
import type { Stats } from '../model/stats.js';
import { SlabAllocator } from './body-collector.js';
import { type HttpContext, HttpConnection } from './http-connection.js';
import { VolumeCounts } from './volume-counts.js';

/**
 * Reassembly → HTTP: a handler per TCP connection that turns its two byte streams into exchanges
 * for `sink`. Body capture is bounded by options.maxBody, heads by options.maxHeadBytes; everything
 * unusual is counted on `stats` or recorded as an anomaly on the exchange.
 */
export function createHttpHandlerFactory(sink: ExchangeSink, stats: Stats, options: PipelineOptions): StreamHandlerFactory {
  const ctx: HttpContext = {
    sink,
    stats,
    volume: new VolumeCounts(stats),
    slabs: new SlabAllocator(),
    maxBody: Math.max(0, options.maxBody),
    maxHead: Math.max(1024, options.maxHeadBytes),
  };
  return (connection) => new HttpConnection(connection, ctx);
}
