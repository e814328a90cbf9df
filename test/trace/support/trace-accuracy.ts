import type { Exchange } from '../../../src/model/exchange.js';
import { TraceBuilder, type TraceBuilderOptions } from '../../../src/trace/trace-builder.js';
import { propagationNames, withoutPropagationHeaders } from '../../../src/trace/propagation.js';
import { traceNodes, type Trace, type TraceCounts } from '../../../src/trace/trace-types.js';

/**
 * Parent links measured against ground truth: the testbed services log, per incoming request, the
 * `traceparent` they saw and the one they sent on each call they made (hop-service.mjs), and the client
 * logs the one it sent. A traceparent names one exchange on the wire, so the logs say which exchange
 * caused which. The benchmark calls measureTraceAccuracy too.
 */
export interface LinkAccuracy {
  /** Parent links in the ground truth whose both ends were captured. */
  truth: number;
  /** Parent links the builder made between exchanges the logs know. */
  predicted: number;
  correct: number;
  precision: number;
  recall: number;
}

export interface TraceAccuracy {
  withIds: LinkAccuracy;
  withoutIds: LinkAccuracy;
  withIdsCounts: TraceCounts;
  withoutIdsCounts: TraceCounts;
}

type LogLine = Record<string, unknown>;

function traceparentOf(record: unknown): string | undefined {
  const value = (record as { traceparent?: unknown } | undefined)?.traceparent;
  return typeof value === 'string' ? value : undefined;
}

/** traceparent of each logged exchange → traceparent of its parent, or null for a client's request (a root). */
export function groundTruthFromLogs(lines: readonly LogLine[]): Map<string, string | null> {
  const truth = new Map<string, string | null>();
  for (const line of lines) {
    if (typeof line.client === 'string' && line.summary === undefined) {
      const sent = traceparentOf(line.sent);
      if (sent !== undefined) truth.set(sent, null);
    }
    const seen = traceparentOf(line.seen);
    if (!Array.isArray(line.calls) || seen === undefined) continue;
    for (const call of line.calls as LogLine[]) {
      const sent = traceparentOf(call.sent);
      if (sent !== undefined) truth.set(sent, seen);
    }
  }
  return truth;
}

function requestTraceparent(exchange: Exchange): string | undefined {
  return exchange.request.head.headers.find((h) => h.name.toLowerCase() === 'traceparent')?.value;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

/** Compares the trees' parent links with the truth; `keyOf` gives an exchange's original traceparent. */
export function parentLinkAccuracy(traces: readonly Trace[], truth: ReadonlyMap<string, string | null>, keyOf: (e: Exchange) => string | undefined): LinkAccuracy {
  const captured = new Set<string>();
  const predictedParent = new Map<string, string | undefined>();
  for (const trace of traces) {
    const stack: Array<[ReturnType<typeof traceNodes>[number], string | undefined]> = [[trace.root, undefined]];
    while (stack.length > 0) {
      const [node, parentKey] = stack.pop() as [ReturnType<typeof traceNodes>[number], string | undefined];
      const key = keyOf(node.exchange);
      if (key !== undefined) {
        captured.add(key);
        predictedParent.set(key, parentKey);
      }
      for (const child of node.children) stack.push([child, key]);
    }
  }
  return scoreParentLinks(truth, captured, predictedParent);
}

/**
 * Predicted parents (by key; undefined for a root) scored against the truth, over the keys that were
 * captured: a true link counts only when both ends were captured.
 */
export function scoreParentLinks(
  truth: ReadonlyMap<string, string | null>,
  captured: ReadonlySet<string>,
  predictedParent: ReadonlyMap<string, string | undefined>,
): LinkAccuracy {
  let truthLinks = 0;
  let predicted = 0;
  let correct = 0;
  for (const [child, parent] of truth) {
    if (!captured.has(child)) continue;
    if (parent !== null && captured.has(parent)) truthLinks++;
    const guess = predictedParent.get(child);
    if (guess === undefined) continue;
    predicted++;
    if (guess === parent) correct++;
  }
  return { truth: truthLinks, predicted, correct, precision: ratio(correct, predicted), recall: ratio(correct, truthLinks) };
}

/** Builds trees twice, with the capture's headers and with every propagation header stripped, and scores both. */
export function measureTraceAccuracy(exchanges: readonly Exchange[], logLines: readonly LogLine[], options: TraceBuilderOptions = {}): TraceAccuracy {
  const truth = groundTruthFromLogs(logLines);
  const originalKey = new Map<Exchange, string | undefined>();
  const build = (list: readonly Exchange[]) => {
    const builder = new TraceBuilder(options);
    const traces: Trace[] = [];
    for (const exchange of list) {
      builder.add(exchange);
      traces.push(...builder.drain());
    }
    traces.push(...builder.finish());
    return { traces, counts: builder.counts };
  };
  const names = propagationNames(options.extraIdHeaders ?? []);
  const stripped = exchanges.map((exchange) => {
    const copy = withoutPropagationHeaders(exchange, names);
    originalKey.set(copy, requestTraceparent(exchange));
    return copy;
  });
  const withIds = build(exchanges);
  const withoutIds = build(stripped);
  return {
    withIds: parentLinkAccuracy(withIds.traces, truth, requestTraceparent),
    withoutIds: parentLinkAccuracy(withoutIds.traces, truth, (e) => originalKey.get(e)),
    withIdsCounts: withIds.counts,
    withoutIdsCounts: withoutIds.counts,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One line for the benchmark report. */
export function formatAccuracyLine(label: string, accuracy: TraceAccuracy): string {
  const part = (a: LinkAccuracy) => `precision ${pct(a.precision)} recall ${pct(a.recall)} (${a.correct}/${a.predicted} predicted, ${a.truth} true links)`;
  return `${label}: parent links with ids ${part(accuracy.withIds)}; without ids ${part(accuracy.withoutIds)}; id/timing disagreements ${accuracy.withIdsCounts.disagreements}`;
}
