import type { Exchange } from '../model/exchange.js';
import { stepsOf, type PatternStep } from './call-pattern.js';
import { traceNodes, type Trace } from './trace-types.js';
import { endpointKey } from './endpoint-names.js';

/**
 * Which call of an endpoint waits for which, chosen by how well it explains the traffic rather than
 * learnt from the builder's own links (which teach their first mistakes back to themselves).
 *
 * The calls each endpoint makes are counted without links (call-counts.ts). For their order, the
 * recent exchanges are linked again (replayed) under each candidate structure, one endpoint at a time,
 * and each result is scored by two signs of right links that no structure builds in:
 *   - a service answers right after its last call returns: the share of parents whose answer began at
 *     most ANSWER_NS after their last call ended;
 *   - a call goes out right after what triggered it: the share of calls sent at most TRIGGER_NS after
 *     their parent's latest event (its request arriving, or one of its calls returning).
 *   - each request makes the calls its endpoint was counted to make: the share of requests whose calls
 *     are exactly those.
 * A wrong structure gives calls to parents they did not come from, and the shares fall. A call that
 * waited for a pooled connection starts late under every structure, so it counts the same for all.
 * On the testbed's recorded runs the structures found link as well as the true ones (patterns read
 * from trace headers); a few hundred requests in, during start-up stalls, they are not reliable yet
 * (hence the builder's warm-up).
 *
 * The score is the caller's (`Evaluate`): the builder with beams judges a structure by the cost of the
 * beams' cheapest explanation of the window (beam-score.ts), which found the true structures where the
 * replay's score did not (a simulated busy gateway); this replay score where the window begins while
 * services were busy.
 */
export interface SearchedPattern {
  steps: PatternStep[];
  /** after[i]: the step whose end triggers step i, −1 for the request. */
  after: number[];
}

export interface PatternSearchLimits {
  /** Endpoints with more calls than this keep what was learnt from links. Default 4. */
  maxSteps: number;
  /** Replays per search at most. Default 96. */
  maxReplays: number;
}

const DEFAULTS: PatternSearchLimits = { maxSteps: 4, maxReplays: 96 };
const ANSWER_NS = 3e6;
/** Rounds of the coordinate ascent (endpoints' structures interact). */
const ROUNDS = 2;

/** Share of answered requests of counted endpoints whose calls are exactly the counted ones. */
export function completeness(traces: readonly Trace[], counts: ReadonlyMap<string, ReadonlyMap<string, number>>): number {
  let parents = 0;
  let complete = 0;
  for (const trace of traces) {
    for (const node of traceNodes(trace)) {
      const expected = counts.get(endpointKey(node.exchange));
      if (expected === undefined || expected.size === 0 || node.exchange.response === undefined) continue;
      parents++;
      const seen = new Map<string, number>();
      for (const child of node.children) {
        const key = endpointKey(child.exchange);
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      let same = seen.size === expected.size;
      for (const [key, n] of expected) if (seen.get(key) !== n) same = false;
      if (same) complete++;
    }
  }
  return parents === 0 ? 0 : complete / parents;
}
const TRIGGER_NS = 3e6;

/** Links `exchanges` (start order) with these patterns fixed, returning the trees. */
export type Replay = (patterns: ReadonlyMap<string, SearchedPattern>) => Trace[];

/** How well the recent traffic is explained with these patterns fixed: higher is better. */
export type Evaluate = (patterns: ReadonlyMap<string, SearchedPattern>) => number;

/** Scores the trees a greedy replay builds (see the top of this file). */
export function replayScore(replay: Replay, counts: ReadonlyMap<string, ReadonlyMap<string, number>>): Evaluate {
  return (patterns) => {
    const traces = replay(patterns);
    return score(traces) + completeness(traces, counts);
  };
}

export function searchPatterns(
  counts: ReadonlyMap<string, ReadonlyMap<string, number>>,
  previous: ReadonlyMap<string, SearchedPattern>,
  evaluate: Evaluate,
  limits: Partial<PatternSearchLimits> = {},
  /** Endpoints searched before keep what was found (calls and order); only new ones are searched. */
  keepKnown = false,
): Map<string, SearchedPattern> {
  const { maxSteps, maxReplays } = { ...DEFAULTS, ...limits };
  const current = new Map<string, SearchedPattern>();
  const open: string[] = [];
  for (const [endpoint, calls] of counts) {
    const before = previous.get(endpoint);
    if (keepKnown && before !== undefined) {
      current.set(endpoint, before);
      continue;
    }
    const steps = stepsOf(calls);
    if (steps.length === 0 || steps.length > maxSteps) continue;
    const same = before !== undefined && sameSteps(before.steps, steps);
    current.set(endpoint, { steps, after: same ? before.after : new Array(steps.length).fill(-1) });
    if (steps.length > 1) open.push(endpoint);
  }
  if (open.length === 0) return current;
  let replays = 1;
  let best = evaluate(current);
  // Coordinate ascent: each endpoint's structure in turn, the others held.
  for (let round = 0; round < ROUNDS; round++) {
    let moved = false;
    for (const endpoint of open) {
      const pattern = current.get(endpoint) as SearchedPattern;
      let bestAfter = pattern.after;
      for (const after of structures(pattern.steps)) {
        if (replays >= maxReplays) break;
        if (sameNumbers(after, pattern.after)) continue;
        current.set(endpoint, { steps: pattern.steps, after });
        replays++;
        const value = evaluate(current);
        if (value > best) {
          best = value;
          bestAfter = after;
          moved = true;
        }
      }
      current.set(endpoint, { steps: pattern.steps, after: bestAfter });
    }
    if (!moved) break;
  }
  return current;
}

/** Share of parents answering right after their last call, plus share of calls sent right after their trigger. */
export function score(traces: readonly Trace[]): number {
  let parents = 0;
  let answered = 0;
  let calls = 0;
  let prompt = 0;
  let base: number | undefined;
  const ns = (ts: { sec: number; nsec: number }) => (ts.sec - (base ??= ts.sec)) * 1e9 + ts.nsec;
  for (const trace of traces) {
    for (const node of traceNodes(trace)) {
      const children = node.children;
      const response = node.exchange.response;
      if (children.length === 0 || response === undefined) continue;
      parents++;
      const ends = children.map((c) => ns((c.exchange.response ?? c.exchange.request).lastByte));
      let last = -Infinity;
      for (const end of ends) if (end > last) last = end;
      const gap = ns(response.firstByte) - last;
      if (gap >= 0 && gap <= ANSWER_NS) answered++;
      const arrived = ns(node.exchange.request.lastByte);
      for (const child of children) {
        const connection = child.exchange.connection;
        const start = ns(child.exchange.request.firstByte);
        const syn = connection.index === 0 && connection.handshake.syn !== undefined ? ns(connection.handshake.syn) : start;
        const issue = Math.min(start, syn);
        let latest = arrived;
        for (const end of ends) if (end <= start && end > latest) latest = end;
        calls++;
        if (issue - latest <= TRIGGER_NS) prompt++;
      }
    }
  }
  return (parents === 0 ? 0 : answered / parents) + (calls === 0 ? 0 : prompt / calls);
}

/** Every trigger structure of `steps` (each step after the request or after another step, without cycles). */
function structures(steps: readonly PatternStep[]): number[][] {
  const k = steps.length;
  const out: number[][] = [];
  const current: number[] = [];
  const acyclic = () => {
    for (let s = 0; s < k; s++) {
      let at = s;
      for (let hops = 0; at >= 0; hops++) {
        if (hops > k) return false;
        at = current[at];
      }
    }
    return true;
  };
  const extend = () => {
    if (current.length === k) {
      if (acyclic()) out.push([...current]);
      return;
    }
    for (let trigger = -1; trigger < k; trigger++) {
      if (trigger === current.length) continue;
      // Occurrences of one endpoint go out in order: a later one cannot trigger an earlier one.
      if (trigger > current.length && steps[trigger].endpoint === steps[current.length].endpoint) continue;
      current.push(trigger);
      extend();
      current.pop();
    }
  };
  extend();
  return out;
}

function sameSteps(a: readonly PatternStep[], b: readonly PatternStep[]): boolean {
  return a.length === b.length && a.every((s, i) => s.endpoint === b[i].endpoint && s.occurrence === b[i].occurrence);
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A copy of an exchange for replays: heads and times, no body bytes (bounded memory). */
export function replayCopy(exchange: Exchange): Exchange {
  const empty = new Uint8Array(0);
  return {
    ...exchange,
    request: { ...exchange.request, body: { ...exchange.request.body, data: empty } },
    response: exchange.response === undefined ? undefined : { ...exchange.response, body: { ...exchange.response.body, data: empty } },
    interim: [],
    anomalies: [],
  };
}
