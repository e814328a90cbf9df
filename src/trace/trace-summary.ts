import type { Exchange } from '../model/exchange.js';
import { diffNs } from '../model/time.js';
import { clientName, endpointKey } from './endpoint-names.js';
import type { Trace, TraceNode } from './trace-types.js';

/**
 * --summary --traces: per root endpoint (method, service, normalised path), what one request costs
 * downstream. Memory is per root endpoint and per hop within it (counts and sums, small-integer
 * histograms for the medians), both bounded.
 */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** The same endpoint called k ≥ 2 times by one parent in one tree. */
export interface RepeatedCall {
  /** The caller and what it called: "gateway → GET users /users/:id". */
  call: string;
  /** 'n+1': different targets of one endpoint (/users/1, /users/2…); 'retry': the same target again after a failure; 'repeat': the same target again. */
  kind: 'n+1' | 'retry' | 'repeat';
  /** Trees in which it happened. */
  trees: number;
  /** Most calls in one tree. */
  maxTimes: number;
}

/** One hop below a root endpoint: a caller calling an endpoint. */
export interface HopSummary {
  call: string;
  calls: number;
  /** Request and response body bytes (after de-chunking, before content decoding), totals. */
  requestBytes: number;
  responseBytes: number;
  /** Sum of the calls' durations (request first byte → response last byte), ms. */
  totalMs: number;
}

export interface RootSummary {
  endpoint: string;
  traces: number;
  /** Exchanges below the root, per tree. */
  hops: Spread;
  /** Most children of one node, per tree. */
  fanOut: Spread;
  depth: Spread;
  /** Sum of root durations, ms (with a response). */
  rootMs: number;
  /** Sum over those roots of their direct calls' durations, ms: above rootMs means calls ran in parallel. */
  childMs: number;
  /** Sum of the time within root durations when no direct call was in flight, ms: the root's own work. */
  selfMs: number;
  repeated: RepeatedCall[];
  /** By caller and endpoint; past maxHops in one "(other)" row. */
  hopStats: HopSummary[];
}

export interface TraceSummary {
  traces: number;
  exchanges: number;
  roots: RootSummary[];
}

export interface TraceSummaryOptions {
  /** Root endpoints kept apart (default 1,000); later ones go to "(other)". */
  maxRoots?: number;
  /** Hops and repeated calls kept per root endpoint (default 200); later ones go to "(other)". */
  maxHops?: number;
}

const OTHER = '(other)';

/** Exact medians of small non-negative integers: value → count. */
class IntCounts {
  private readonly counts = new Map<number, number>();
  private n = 0;
  add(value: number): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
    this.n++;
  }
  spread(): Spread {
    const values = [...this.counts.keys()].sort((a, b) => a - b);
    if (values.length === 0) return { min: 0, median: 0, max: 0 };
    // The median is the mean of the values at sorted positions lo and hi (equal when n is odd).
    const lo = Math.floor((this.n - 1) / 2);
    const hi = Math.ceil((this.n - 1) / 2);
    let seen = 0;
    let low = values[0];
    let high = values[0];
    for (const v of values) {
      const c = this.counts.get(v) as number;
      if (lo >= seen && lo < seen + c) low = v;
      if (hi >= seen && hi < seen + c) {
        high = v;
        break;
      }
      seen += c;
    }
    return { min: values[0], median: (low + high) / 2, max: values[values.length - 1] };
  }
}

interface RootState {
  traces: number;
  hops: IntCounts;
  fanOut: IntCounts;
  depth: IntCounts;
  rootMs: number;
  childMs: number;
  selfMs: number;
  repeated: Map<string, RepeatedCall>;
  hopStats: Map<string, HopSummary>;
}

function durationMs(exchange: Exchange): number | undefined {
  return exchange.response === undefined ? undefined : diffNs(exchange.response.lastByte, exchange.request.firstByte) / 1e6;
}

function failed(exchange: Exchange): boolean {
  const status = exchange.response?.head.status;
  return status === undefined || status >= 500 || status === 429;
}

/** Time within [from, to] (ns since the root's start) covered by no interval. */
function uncovered(intervals: Array<[number, number]>, to: number): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let free = 0;
  let at = 0;
  for (const [s, e] of intervals) {
    const start = Math.max(0, s);
    if (start > at) free += Math.min(start, to) - at;
    at = Math.max(at, Math.min(e, to));
    if (at >= to) break;
  }
  if (at < to) free += to - at;
  return Math.max(0, free);
}

export class TraceSummaryCollector {
  private readonly roots = new Map<string, RootState>();
  private readonly maxRoots: number;
  private readonly maxHops: number;
  private traces = 0;
  private exchanges = 0;

  constructor(options: TraceSummaryOptions = {}) {
    this.maxRoots = options.maxRoots ?? 1000;
    this.maxHops = options.maxHops ?? 200;
  }

  add(trace: Trace): void {
    this.traces++;
    this.exchanges += trace.size;
    const state = this.state(endpointKey(trace.root.exchange));
    state.traces++;
    state.hops.add(trace.size - 1);
    state.depth.add(trace.depth);
    let fanOut = 0;
    const stack: TraceNode[] = [trace.root];
    while (stack.length > 0) {
      const node = stack.pop() as TraceNode;
      if (node.children.length > fanOut) fanOut = node.children.length;
      if (node.children.length > 1) this.repeats(state, node);
      for (const child of node.children) {
        this.hop(state, child);
        stack.push(child);
      }
    }
    state.fanOut.add(fanOut);
    const root = trace.root.exchange;
    const rootMs = durationMs(root);
    if (rootMs !== undefined) {
      state.rootMs += rootMs;
      const intervals: Array<[number, number]> = [];
      for (const child of trace.root.children) {
        const ms = durationMs(child.exchange);
        if (ms === undefined) continue;
        state.childMs += ms;
        const s = diffNs(child.exchange.request.firstByte, root.request.firstByte);
        intervals.push([s, s + ms * 1e6]);
      }
      state.selfMs += uncovered(intervals, rootMs * 1e6) / 1e6;
    }
  }

  result(): TraceSummary {
    const roots: RootSummary[] = [];
    for (const [endpoint, s] of this.roots) {
      roots.push({
        endpoint,
        traces: s.traces,
        hops: s.hops.spread(),
        fanOut: s.fanOut.spread(),
        depth: s.depth.spread(),
        rootMs: s.rootMs,
        childMs: s.childMs,
        selfMs: s.selfMs,
        repeated: [...s.repeated.values()].sort((a, b) => b.trees - a.trees || a.call.localeCompare(b.call)),
        hopStats: [...s.hopStats.values()].sort((a, b) => b.calls - a.calls || a.call.localeCompare(b.call)),
      });
    }
    roots.sort((a, b) => b.traces - a.traces || a.endpoint.localeCompare(b.endpoint));
    return { traces: this.traces, exchanges: this.exchanges, roots };
  }

  private state(endpoint: string): RootState {
    let state = this.roots.get(endpoint);
    if (state === undefined) {
      const key = this.roots.size >= this.maxRoots ? OTHER : endpoint;
      state = this.roots.get(key);
      if (state === undefined) {
        state = { traces: 0, hops: new IntCounts(), fanOut: new IntCounts(), depth: new IntCounts(), rootMs: 0, childMs: 0, selfMs: 0, repeated: new Map(), hopStats: new Map() };
        this.roots.set(key, state);
      }
    }
    return state;
  }

  private hop(state: RootState, child: TraceNode): void {
    let call = `${clientName(child.exchange)} → ${endpointKey(child.exchange)}`;
    if (!state.hopStats.has(call) && state.hopStats.size >= this.maxHops) call = OTHER;
    let hop = state.hopStats.get(call);
    if (hop === undefined) {
      hop = { call, calls: 0, requestBytes: 0, responseBytes: 0, totalMs: 0 };
      state.hopStats.set(call, hop);
    }
    const e = child.exchange;
    hop.calls++;
    hop.requestBytes += e.request.body.size;
    hop.responseBytes += e.response?.body.size ?? 0;
    hop.totalMs += durationMs(e) ?? 0;
  }

  /** Children of one node calling the same endpoint more than once. */
  private repeats(state: RootState, node: TraceNode): void {
    const groups = new Map<string, TraceNode[]>();
    for (const child of node.children) {
      const key = `${clientName(child.exchange)} → ${endpointKey(child.exchange)}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [child]);
      else group.push(child);
    }
    for (const [call, group] of groups) {
      if (group.length < 2) continue;
      const targets = new Set(group.map((c) => `${c.exchange.request.head.method} ${c.exchange.request.head.target}`));
      const kind: RepeatedCall['kind'] = targets.size > 1 ? 'n+1' : group.slice(0, -1).some((c) => failed(c.exchange)) ? 'retry' : 'repeat';
      const key = `${kind} ${call}`;
      let entry = state.repeated.get(key);
      if (entry === undefined) {
        if (state.repeated.size >= this.maxHops) continue;
        entry = { call, kind, trees: 0, maxTimes: 0 };
        state.repeated.set(key, entry);
      }
      entry.trees++;
      if (group.length > entry.maxTimes) entry.maxTimes = group.length;
    }
  }
}

/** Summarises finished trees in one call. */
export function summarizeTraces(traces: Iterable<Trace>, options: TraceSummaryOptions = {}): TraceSummary {
  const collector = new TraceSummaryCollector(options);
  for (const trace of traces) collector.add(trace);
  return collector.result();
}
