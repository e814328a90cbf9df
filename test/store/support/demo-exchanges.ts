import { join } from 'node:path';
import { loadContainersFile, withContainers } from '../../../src/containers/index.js';
import type { Exchange } from '../../../src/model/exchange.js';
import { TraceBuilder, type TraceLink } from '../../../src/trace/index.js';
import { ownCaptures } from '../../support/paths.js';
import { runCapture } from '../../support/run-capture.js';

export interface LinkedExchange {
  exchange: Exchange;
  link: TraceLink;
}

/**
 * captures/demo.pcapng as the TUI receives it: decoded, both ends named from demo.containers.json,
 * each exchange with its trace link, in request start order.
 */
export async function demoExchanges(): Promise<LinkedExchange[]> {
  const { exchanges } = await runCapture(join(ownCaptures, 'demo.pcapng'));
  const { timeline } = await loadContainersFile(join(ownCaptures, 'demo.containers.json'));
  const traces = new TraceBuilder();
  const out: LinkedExchange[] = [];
  const name = withContainers(timeline, (exchange) => out.push({ exchange, link: traces.add(exchange) }));
  for (const exchange of exchanges) name(exchange);
  traces.finish();
  return out;
}
