import type { Exchange } from '../model/exchange.js';

/**
 * How an exchange's parent was found:
 * - 'root': it has none (nothing open at its caller could have caused it, or ids say it starts a tree);
 * - 'span': a B3 parent span id equal to the parent's span id (exact);
 * - 'trace': the parent shares a propagated id (trace id, request id) and was open at the caller when
 *   the call started (ids choose the tree, timing the node within it);
 * - 'timing': capture time and endpoints alone.
 */
export type LinkVia = 'root' | 'span' | 'trace' | 'timing';

/** Where one exchange sits in its tree (per exchange; JSON lines show it as _traceId/_parentId/_depth). */
export interface TraceLink {
  /** The tree's id: the root's propagated trace id when it has one, else "t" + the root's seq. */
  traceId: string;
  /** exchangeId() of the parent, undefined for a root. */
  parentId: string | undefined;
  /** 0 for a root. */
  depth: number;
  /** True when the parent was chosen among several possible ones by timing (no exact id). */
  inferred: boolean;
  /** 1 for exact links and roots; for inferred links how clearly the chosen parent beat the others, in [0, 1]. */
  confidence: number;
  via: LinkVia;
}

export interface TraceNode {
  /** exchangeId(exchange). */
  id: string;
  exchange: Exchange;
  link: TraceLink;
  /** In request start order. */
  children: TraceNode[];
}

/** One request tree: a root exchange and every exchange it caused, transitively. */
export interface Trace {
  traceId: string;
  root: TraceNode;
  /** Exchanges in the tree, root included. */
  size: number;
  /** Greatest depth of any node (0: the root alone). */
  depth: number;
}

/** What the builder did, for reports and for the accuracy check: ids and timing compared wherever both spoke. */
export interface TraceCounts {
  exchanges: number;
  traces: number;
  links: { span: number; trace: number; timing: number };
  /** Exchanges where ids chose (or ruled out) a parent and timing alone would have chosen the same one. */
  agreements: number;
  /** …and where timing alone would have chosen another parent or none, or ids ruled out timing's choice. */
  disagreements: number;
  /** Exchanges that arrived after their start time had been passed (completion order beyond the window): linked as roots. */
  late: number;
  /** Exchanges or trees pushed out early because maxPending / maxOpenTrees was reached. */
  forced: number;
  /** Timing links whose parent the service's beam changed after the first, greedy choice (call-beam.ts). */
  refined: number;
}

/** Stable id of an exchange within a run, also derivable from a HAR entry: `${connection}#${_connectionIndex}`. */
export function exchangeId(exchange: Exchange): string {
  return `${exchange.connection.id}#${exchange.connection.index}`;
}

/** The nodes of a tree, depth first in start order (the root first). */
export function traceNodes(trace: Trace): TraceNode[] {
  const out: TraceNode[] = [];
  const stack = [trace.root];
  while (stack.length > 0) {
    const node = stack.pop() as TraceNode;
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return out;
}
