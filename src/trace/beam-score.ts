import type { Exchange } from '../model/exchange.js';
import { CallBeam, UNOWED_COST, type BeamPattern } from './call-beam.js';
import type { PropagatedIds } from './propagation.js';
import { endpointOf, workItem, type WorkItem } from './work-item.js';

const NO_IDS: PropagatedIds = { keys: undefined, traceId: undefined, spanId: undefined, parentSpanId: undefined };

/**
 * How badly `patterns` explain `exchanges` (start order): the cost of the cheapest hypothesis of each
 * service's beam (call-beam.ts) over them, summed. Calls the patterns leave no request to owe cost as
 * much as a call given to a request that does not owe it. Lower is better.
 */
export function beamCost(exchanges: readonly Exchange[], patterns: ReadonlyMap<string, BeamPattern>, width: number, maxParentNs: number): number {
  if (exchanges.length === 0) return 0;
  const base = exchanges[0].request.firstByte.sec;
  const patternOf = (parent: WorkItem) => patterns.get(endpointOf(parent));
  const items = exchanges.map((exchange) => workItem(exchange, NO_IDS, base, maxParentNs));
  const beams = new Map<string, CallBeam>();
  for (const item of items) {
    const key = item.serverKey === undefined ? `i${item.exchange.connection.server.ip}` : `c${item.serverKey}`;
    let beam = beams.get(key);
    if (beam === undefined) beams.set(key, (beam = new CallBeam(patternOf, width, UNOWED_COST)));
    beam.addParent(item);
  }
  for (const item of items) {
    const key = item.clientKey === undefined ? `i${item.exchange.connection.client.ip}` : `c${item.clientKey}`;
    beams.get(key)?.addCall(item, { parent: undefined, fixed: false });
  }
  let cost = 0;
  for (const beam of beams.values()) {
    beam.run(Infinity);
    cost += beam.cost;
  }
  return cost;
}
