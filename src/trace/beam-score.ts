import type { Exchange } from '../model/exchange.js';
import { nearestRank } from '../model/nearest-rank.js';
import { CallBeam, UNOWED_COST, type BeamPattern } from './call-beam.js';
import type { PropagatedIds } from './propagation.js';
import { endpointOf, serviceOf, workItem, type WorkItem } from './work-item.js';

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
  const busyBefore = busyAtStart(items);
  const free = carryoverEnd(items);
  for (const item of items) {
    const key = serviceOf(item, 'server');
    let beam = beams.get(key);
    if (beam === undefined) beams.set(key, (beam = new CallBeam(patternOf, width, UNOWED_COST, busyBefore.has(key) ? free : -Infinity)));
    beam.addParent(item);
  }
  for (const item of items) beams.get(serviceOf(item, 'client'))?.addCall(item, { parent: undefined, fixed: false });
  let cost = 0;
  for (const beam of beams.values()) {
    beam.run(Infinity);
    cost += beam.cost;
  }
  return cost;
}

/**
 * How long after the capture (or a scored window) began its calls may still belong to requests from
 * before: this percentile of the requests' durations seen, at most MAX_CARRYOVER_NS.
 */
const CARRYOVER_PERCENTILE = 95;
const MAX_CARRYOVER_NS = 1e9;

/** Capture time before which a call may belong to a request from before `items` began (sorted by start). */
export function carryoverEnd(items: readonly WorkItem[]): number {
  if (items.length === 0) return -Infinity;
  const durations: number[] = [];
  for (const item of items) if (item.responded) durations.push(item.respStart - item.start);
  durations.sort((a, b) => a - b);
  return items[0].start + Math.min(MAX_CARRYOVER_NS, nearestRank(durations, CARRYOVER_PERCENTILE) ?? MAX_CARRYOVER_NS);
}

/**
 * Services that were busy before `items` (start order) began: they made calls before any request of
 * theirs arrived, or, while calls may still be of requests from before (carryoverEnd), on connections
 * whose earlier exchanges are not among `items`. Their first calls may be of requests from before (see
 * CallBeam's `freeUntil`).
 */
export function busyAtStart(items: readonly WorkItem[]): Set<string> {
  const firstRequest = new Map<string, number>();
  for (const item of items) {
    const key = serviceOf(item, 'server');
    if (!firstRequest.has(key)) firstRequest.set(key, item.reqEnd);
  }
  const until = carryoverEnd(items);
  const seen = new Set<string>();
  const busy = new Set<string>();
  for (const item of items) {
    const key = serviceOf(item, 'client');
    const first = firstRequest.get(key);
    const connection = item.exchange.connection;
    if (first !== undefined && item.issue < first) busy.add(key);
    if (item.start < until && connection.index > 0 && !seen.has(connection.id)) busy.add(key);
    seen.add(connection.id);
  }
  return busy;
}
