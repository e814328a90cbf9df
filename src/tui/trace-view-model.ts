import { diffNs } from '../model/time.js';
import { criticalPath, durationNs, endOf } from '../sinks/trace-tree.js';
import type { ExchangeStore, StoredExchange } from '../store/exchange-store.js';
import { clientName, serverName } from '../trace/endpoint-names.js';
import { exchangeId, type Trace, type TraceLink, type TraceNode } from '../trace/trace-types.js';

/**
 * The waterfall of one request tree, from the store: pure data for the Ink view. Starting at any
 * exchange, it walks up the links to the root, collects every kept descendant, and places each on the
 * tree's shared time axis (capture time, nanoseconds from the earliest request start in the tree).
 */

/** Most exchanges one waterfall collects (a runaway tree stays cheap to draw); the rest is counted. */
export const WATERFALL_MAX_ROWS = 5000;

export interface WaterfallRow {
  stored: StoredExchange;
  /** trace/exchangeId(). */
  id: string;
  depth: number;
  /** Tree lines in front of the request: '', '├─ ', '│  └─ ', … */
  prefix: string;
  /** "GET /orders?user=3". */
  request: string;
  /** "gateway → orders". */
  route: string;
  status: number | undefined;
  /** The status, or how the exchange ended without one ('no-response', 'reset', …). */
  statusText: string;
  /** First request byte to last response byte (to the last request byte without a response). */
  latencyMs: number;
  /** latency / the root's latency; undefined when the root took no measurable time. */
  share: number | undefined;
  /** On the critical path: the root's answer waited for it (sinks/trace-tree.ts criticalPath). */
  critical: boolean;
  /** The exchange the waterfall was opened on. */
  opened: boolean;
  /** Linked by timing among several candidates with this confidence (< 1), else undefined. */
  inferredConfidence: number | undefined;
  /** Offsets on the tree's time axis, in nanoseconds. */
  startNs: number;
  endNs: number;
}

export interface WaterfallModel {
  traceId: string | undefined;
  rootId: string;
  /** Depth first, children in request start order (the root first). */
  rows: WaterfallRow[];
  /** Length of the time axis: from the earliest start to the latest end in the tree. */
  spanNs: number;
  depth: number;
  /** The root names a parent the store no longer holds (evicted): the tree shown is its lower part. */
  parentMissing: boolean;
  /** Descendants left out beyond WATERFALL_MAX_ROWS. */
  truncated: number;
}

const ROOT_LINK: TraceLink = { traceId: '', parentId: undefined, depth: 0, inferred: false, confidence: 1, via: 'root' };

function byStart(a: StoredExchange, b: StoredExchange): number {
  return diffNs(a.exchange.request.firstByte, b.exchange.request.firstByte) || a.id - b.id;
}

/** The tree of the exchange with this id, or undefined when the store does not hold it. */
export function waterfallModel(store: ExchangeStore, openedId: string): WaterfallModel | undefined {
  const opened = store.byExchangeId(openedId);
  if (opened === undefined) return undefined;

  // Up to the root; a visited set guards against a cycle (a repeated exchange id in a looping replay).
  let root = opened;
  const above = new Set<string>([openedId]);
  let parentMissing = false;
  for (;;) {
    const parentId = root.link?.parentId;
    if (parentId === undefined || above.has(parentId)) break;
    const parent = store.byExchangeId(parentId);
    if (parent === undefined) {
      parentMissing = true;
      break;
    }
    above.add(parentId);
    root = parent;
  }

  // Down from the root, as TraceNodes so that the table's critical path applies unchanged.
  const rootId = exchangeId(root.exchange);
  const storedOf = new Map<TraceNode, StoredExchange>();
  const nodeOf = (stored: StoredExchange, id: string): TraceNode => {
    const node: TraceNode = { id, exchange: stored.exchange, link: stored.link ?? ROOT_LINK, children: [] };
    storedOf.set(node, stored);
    return node;
  };
  const rootNode = nodeOf(root, rootId);
  const laterLinks = linkedLater(store, root.link?.traceId);
  const seen = new Set<string>([rootId]);
  let collected = 1;
  let truncated = 0;
  let depth = 0;
  const stack: Array<{ node: TraceNode; depth: number }> = [{ node: rootNode, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth: level } = stack.pop() as { node: TraceNode; depth: number };
    // The store indexed children by the links as they were when added; the builder may have settled a
    // link since (warm-up, completion order), so only children whose link still names this parent count.
    const indexed = store.childrenOf(node.id).filter((child) => child.link?.parentId === node.id);
    const children = [...indexed, ...(laterLinks.get(node.id) ?? [])].sort(byStart);
    for (const child of children) {
      const id = exchangeId(child.exchange);
      if (seen.has(id)) continue;
      if (collected >= WATERFALL_MAX_ROWS) {
        truncated++;
        continue;
      }
      seen.add(id);
      collected++;
      const childNode = nodeOf(child, id);
      node.children.push(childNode);
      stack.push({ node: childNode, depth: level + 1 });
      if (level + 1 > depth) depth = level + 1;
    }
  }
  const trace: Trace = { traceId: root.link?.traceId ?? '', root: rootNode, size: collected, depth };
  const critical = criticalPath(trace);

  // The shared axis: from the earliest start to the latest end (an inferred child may stick out).
  const nodes = depthFirst(rootNode);
  let origin = root.exchange.request.firstByte;
  let last = endOf(root.exchange);
  for (const { node } of nodes) {
    const e = node.exchange;
    if (diffNs(e.request.firstByte, origin) < 0) origin = e.request.firstByte;
    if (diffNs(endOf(e), last) > 0) last = endOf(e);
  }
  const rootNs = durationNs(root.exchange);
  const rows = nodes.map(({ node, depth: level, prefix }): WaterfallRow => {
    const e = node.exchange;
    const ns = durationNs(e);
    const link = node.link;
    return {
      stored: storedOf.get(node) as StoredExchange,
      id: node.id,
      depth: level,
      prefix,
      request: `${e.request.head.method} ${e.request.head.target}`,
      route: `${clientName(e)} → ${serverName(e)}`,
      status: e.response?.head.status,
      statusText: e.response === undefined ? e.termination : String(e.response.head.status),
      latencyMs: ns / 1e6,
      share: rootNs > 0 ? ns / rootNs : undefined,
      critical: critical.has(node),
      opened: node.id === openedId,
      inferredConfidence: link.inferred && link.confidence < 1 ? link.confidence : undefined,
      startNs: diffNs(e.request.firstByte, origin),
      endNs: diffNs(endOf(e), origin),
    };
  });
  return {
    traceId: root.link?.traceId,
    rootId,
    rows,
    spanNs: Math.max(0, diffNs(last, origin)),
    depth,
    parentMissing,
    truncated,
  };
}

/**
 * Children by parent id among the kept exchanges of this trace. The store indexes children when an
 * exchange is added; in live capture (completion order) the builder fills a link in later, so those
 * children are found here, by the trace id the builder gave the whole tree (a scan of at most the
 * store's bound, on a change of the store only).
 */
function linkedLater(store: ExchangeStore, traceId: string | undefined): Map<string, StoredExchange[]> {
  const out = new Map<string, StoredExchange[]>();
  if (traceId === undefined || traceId === '') return out;
  for (const stored of store.keptSlice(0, store.size)) {
    const link = stored.link;
    if (link === undefined || link.parentId === undefined || link.traceId !== traceId) continue;
    const siblings = out.get(link.parentId);
    if (siblings === undefined) out.set(link.parentId, [stored]);
    else siblings.push(stored);
  }
  return out;
}

/** Nodes depth first with the tree lines the table draws (sinks/trace-tree.ts). */
function depthFirst(root: TraceNode): Array<{ node: TraceNode; depth: number; prefix: string }> {
  const out: Array<{ node: TraceNode; depth: number; prefix: string }> = [];
  const stack: Array<{ node: TraceNode; depth: number; prefix: string; childPrefix: string }> = [{ node: root, depth: 0, prefix: '', childPrefix: '' }];
  while (stack.length > 0) {
    const item = stack.pop() as (typeof stack)[number];
    out.push({ node: item.node, depth: item.depth, prefix: item.prefix });
    const children = item.node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const lastChild = i === children.length - 1;
      stack.push({
        node: children[i],
        depth: item.depth + 1,
        prefix: `${item.childPrefix}${lastChild ? '└─ ' : '├─ '}`,
        childPrefix: `${item.childPrefix}${lastChild ? '   ' : '│  '}`,
      });
    }
  }
  return out;
}

/**
 * Where a row's bar goes in a bar area `width` columns wide: columns [start, end), at least one column
 * wide, so a call too short to measure at this scale still shows where it happened.
 */
export function barColumns(row: Pick<WaterfallRow, 'startNs' | 'endNs'>, spanNs: number, width: number): { start: number; end: number } {
  if (width <= 0) return { start: 0, end: 0 };
  if (spanNs <= 0) return { start: 0, end: width };
  const start = Math.min(width - 1, Math.max(0, Math.floor((row.startNs / spanNs) * width)));
  const end = Math.min(width, Math.max(start + 1, Math.ceil((row.endNs / spanNs) * width)));
  return { start, end };
}
