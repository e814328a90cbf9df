import type { ContainerRef } from '../model/container.js';
import type { Exchange } from '../model/exchange.js';
import type { Timestamp } from '../model/time.js';
import type { PropagatedIds } from './propagation.js';
import { endpointKey } from './endpoint-names.js';
import { exchangeId, type TraceNode } from './trace-types.js';

/** The builder's state per exchange. Times are nanoseconds after the builder's base second (exact for ~104 days). */
export interface WorkItem {
  exchange: Exchange;
  node: TraceNode;
  ids: PropagatedIds;
  start: number;
  /**
   * When the caller decided to send it: the SYN of a new connection (the request follows once the
   * connection is up, which can take long under load), else the request's first byte.
   */
  issue: number;
  /** Request last byte: when a service usually acts on a request. */
  reqEnd: number;
  /** Response first byte, or +∞ without a response. */
  respStart: number;
  /** Response last byte, else request last byte. */
  end: number;
  /** Until when calls made by the server may be this exchange's children; −∞ when it may have none. */
  openUntil: number;
  responded: boolean;
  clientKey: string | undefined;
  serverKey: string | undefined;
  parent: WorkItem | undefined;
  children: WorkItem[];
  tree: TreeState | undefined;
  /** Its tree was emitted: it takes no more children. */
  closed: boolean;
  /** endpointKey(exchange), computed when first needed (endpointOf). */
  endpoint: string | undefined;
  /** Sent the moment its connection came free: it waited in a pool, so its trigger gap says little. */
  queued: boolean;
}

export interface TreeState {
  root: WorkItem;
  traceId: string;
  /** Latest openUntil in the tree: past it (in start order) no exchange can join. */
  horizon: number;
  size: number;
  depth: number;
  emitted: boolean;
}

/** Container identity for "the same service": id when known (names can be reused), kind so host ≠ a container named host. */
export function containerKey(ref: ContainerRef | undefined): string | undefined {
  return ref === undefined ? undefined : `${ref.kind}:${ref.id ?? ref.name}`;
}

export function nsAfter(ts: Timestamp, baseSec: number): number {
  return (ts.sec - baseSec) * 1e9 + ts.nsec;
}

export function workItem(exchange: Exchange, ids: PropagatedIds, baseSec: number, maxParentNs: number): WorkItem {
  const { request, response } = exchange;
  const start = nsAfter(request.firstByte, baseSec);
  const syn = exchange.connection.index === 0 ? exchange.connection.handshake.syn : undefined;
  const issue = syn === undefined ? start : Math.min(start, nsAfter(syn, baseSec));
  const reqEnd = Math.max(start, nsAfter(request.lastByte, baseSec));
  const respStart = response === undefined ? Infinity : nsAfter(response.firstByte, baseSec);
  const end = response === undefined ? reqEnd : Math.max(reqEnd, nsAfter(response.lastByte, baseSec));
  // Without a response nobody knows when the server stopped working on it: open for the longest a parent may be.
  const openUntil = response === undefined ? start + maxParentNs : end - start > maxParentNs ? -Infinity : end;
  return {
    exchange,
    node: { id: exchangeId(exchange), exchange, link: { traceId: '', parentId: undefined, depth: 0, inferred: false, confidence: 1, via: 'root' }, children: [] },
    ids,
    start,
    issue,
    reqEnd,
    respStart,
    end,
    openUntil,
    responded: response !== undefined,
    clientKey: containerKey(exchange.clientContainer),
    serverKey: containerKey(exchange.serverContainer),
    parent: undefined,
    children: [],
    tree: undefined,
    closed: false,
    endpoint: undefined,
    queued: false,
  };
}

/** The item's endpoint ("GET users /users/:id"), computed once. */
export function endpointOf(item: WorkItem): string {
  return (item.endpoint ??= endpointKey(item.exchange));
}

/** The service at one end of the item's exchange, as beams key it: its container, else its address. */
export function serviceOf(item: WorkItem, end: 'client' | 'server'): string {
  const key = end === 'client' ? item.clientKey : item.serverKey;
  return key === undefined ? `i${item.exchange.connection[end].ip}` : `c${key}`;
}
