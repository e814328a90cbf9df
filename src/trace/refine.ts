import { endpointKey } from './endpoint-names.js';
import type { WorkItem } from './work-item.js';

/**
 * Second look at the parents chosen by timing, over a window of calls at once. A call's parent is
 * first chosen the moment the call is linked (parent-choice.ts), one call at a time and in start order;
 * under load that greedy choice cascades (a request that its service read late takes a call meant for
 * the one before it, which then takes the next one's…). Here every parent's calls are judged together,
 * as one configuration with a cost, and calls move between their candidate parents (one call, or two
 * calls to the same endpoint swapping parents) while the sum of the costs falls:
 *
 * - the pattern its endpoint usually follows (how many calls to each endpoint; call-pattern.ts): each
 *   call missing or too many costs the same;
 * - each call's trigger gap: from the parent's latest own event before it (the request arriving, or one
 *   of its calls returning) to the call's start, on a log scale relative to the gap usual for that
 *   endpoint (a call that waited for a pooled connection: squared, so that pools serve first come,
 *   first served: the earlier trigger gets the earlier connection);
 * - the answer gap: from the end of its last call to the start of its response (a service answers once
 *   its last call returned);
 * - containment: a call that outlived the parent's answer is possible (streaming, fire and forget) but dear.
 */
export interface RefineModel {
  /** Calls per endpoint the parent's endpoint usually makes, or undefined when not known. */
  expected(parent: WorkItem): ReadonlyMap<string, number> | undefined;
  /** Usual trigger gap, answer gap and queue wait (ns) for the parent's endpoint. */
  triggerScale(parent: WorkItem): number;
  answerScale(parent: WorkItem): number;
  queuedScale(parent: WorkItem): number;
  /** How far the calls sent for one event usually trail the first of them (ns). */
  spreadScale(parent: WorkItem): number;
}

/** Cost of one call missing from, or too many in, the parent's usual pattern. */
const PATTERN_WEIGHT = 4;
/** Most a single gap costs: past a few times the usual gap, a longer one is no less likely (stalls). */
const GAP_CAP = 3;
const QUEUED_WEIGHT = 0.25;
const STREAMED_COST = 3;
const OUTLIVED_COST = 8;
const ROUNDS = 4;
/** A move must gain at least this much (float noise, endless flipping). */
const EPSILON = 0.5;

export function keyOf(item: WorkItem): string {
  return (item.endpoint ??= endpointKey(item.exchange));
}

/** The parent's event that triggered `call`: the request arriving, or the latest of its other calls to return before. */
export function triggerOf(parent: WorkItem, call: WorkItem, calls: readonly WorkItem[]): number {
  let pred = parent.reqEnd <= call.start ? parent.reqEnd : parent.start;
  for (const other of calls) if (other !== call && other.end <= call.start && other.end > pred) pred = other.end;
  return pred;
}

/** Cost of `parent` having exactly `calls` as its calls (lower is likelier). */
export function parentCost(parent: WorkItem, calls: readonly WorkItem[], model: RefineModel): number {
  let cost = 0;
  const expected = model.expected(parent);
  if (expected !== undefined) {
    let off = 0;
    const counts = new Map<string, number>();
    for (const call of calls) counts.set(keyOf(call), (counts.get(keyOf(call)) ?? 0) + 1);
    for (const [key, n] of expected) off += Math.abs(n - (counts.get(key) ?? 0));
    for (const [key, n] of counts) if (!expected.has(key)) off += n;
    cost += PATTERN_WEIGHT * off;
  }
  // Without calls the parent answered from its own work since the request arrived.
  if (calls.length === 0) return parent.responded ? cost + Math.min(GAP_CAP, Math.log1p((parent.respStart - parent.reqEnd) / model.answerScale(parent))) : cost;
  const trigger = model.triggerScale(parent);
  const queued = model.queuedScale(parent);
  const spread = model.spreadScale(parent);
  // Calls sent for the same event (a parallel fan-out) leave together: the service handled the event
  // once, maybe late (a busy or stalled event loop), so the delay is counted once per event, from the
  // first of its calls, and the others by how far they trail it. A call that waited in a pool left
  // when a connection came free: judged apart, by its wait.
  const first = new Map<number, number>();
  const triggers: number[] = new Array(calls.length);
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    triggers[i] = triggerOf(parent, call, calls);
    if (call.queued) continue;
    const seen = first.get(triggers[i]);
    if (seen === undefined || call.start < seen) first.set(triggers[i], call.start);
  }
  for (const [at, start] of first) cost += Math.min(GAP_CAP, Math.log1p(Math.max(0, start - at) / trigger));
  let last = -Infinity;
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i];
    const gap = Math.max(0, call.start - triggers[i]);
    if (call.queued) cost += Math.min(GAP_CAP, QUEUED_WEIGHT * (gap / queued) ** 2);
    else cost += Math.min(GAP_CAP, Math.log1p((call.start - (first.get(triggers[i]) as number)) / spread));
    if (parent.responded) {
      if (call.end > parent.end) cost += OUTLIVED_COST;
      else if (call.end > parent.respStart) cost += STREAMED_COST;
    }
    if (call.end > last) last = call.end;
  }
  if (parent.responded && last <= parent.respStart) cost += Math.min(GAP_CAP, Math.log1p((parent.respStart - last) / model.answerScale(parent)));
  return cost;
}

/** Moves `call` (with its subtree) under `parent`; the builder keeps trees consistent. */
export type Reparent = (call: WorkItem, parent: WorkItem) => void;

function movable(parent: WorkItem | undefined): parent is WorkItem {
  return parent !== undefined && !parent.closed && parent.tree !== undefined && !parent.tree.emitted;
}

function without(calls: readonly WorkItem[], out: WorkItem): WorkItem[] {
  return calls.filter((c) => c !== out);
}

interface Move {
  gain: number;
  to: WorkItem;
  /** The call of `to` that takes the moved call's place (a swap), if any. */
  swap: WorkItem | undefined;
}

function countOf(calls: readonly WorkItem[], key: string): number {
  let n = 0;
  for (const call of calls) if (keyOf(call) === key) n++;
  return n;
}

function repairs(call: WorkItem, from: WorkItem, to: WorkItem, model: RefineModel): boolean {
  const key = keyOf(call);
  const fromExpected = model.expected(from);
  const toExpected = model.expected(to);
  if (fromExpected === undefined || toExpected === undefined) return false;
  return countOf(from.children, key) > (fromExpected.get(key) ?? 0) && countOf(to.children, key) < (toExpected.get(key) ?? 0);
}

/** The best move for `call` among its candidates: negative gain = worse than staying. */
function bestMove(call: WorkItem, model: RefineModel): Move | undefined {
  const from = call.parent;
  const candidates = call.candidates;
  if (!movable(from) || candidates === undefined) return undefined;
  const fromCalls = from.children;
  const fromNow = parentCost(from, fromCalls, model);
  const fromLess = parentCost(from, without(fromCalls, call), model);
  const key = keyOf(call);
  let best: Move | undefined;
  for (const to of candidates) {
    if (to === from || !movable(to)) continue;
    const toCalls: readonly WorkItem[] = to.children;
    const toNow = parentCost(to, toCalls, model);
    // A call moves alone only from a parent with more such calls than its pattern has to one with fewer:
    // otherwise the number of calls per parent is the pattern's, and only swaps change who made which.
    if (repairs(call, from, to, model)) {
      const gain = fromNow + toNow - fromLess - parentCost(to, [...toCalls, call], model);
      if (best === undefined || gain > best.gain) best = { gain, to, swap: undefined };
    }
    for (const other of toCalls) {
      if (keyOf(other) !== key || other.candidates === undefined || !other.candidates.includes(from)) continue;
      const swapped =
        fromNow + toNow - parentCost(from, [...without(fromCalls, call), other], model) - parentCost(to, [...without(toCalls, other), call], model);
      if (best === undefined || swapped > best.gain) best = { gain: swapped, to, swap: other };
    }
  }
  return best;
}

/**
 * Improves the parents of `calls` (each with its candidates) by moves and swaps while the total cost
 * falls, then sets each one's confidence from how much the best alternative would cost more. Returns
 * the number of moves made.
 */
export function refineCalls(calls: readonly WorkItem[], model: RefineModel, reparent: Reparent): number {
  let moves = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let moved = false;
    for (const call of calls) {
      const move = bestMove(call, model);
      if (move === undefined || move.gain <= EPSILON) continue;
      const from = call.parent as WorkItem;
      reparent(call, move.to);
      if (move.swap !== undefined) reparent(move.swap, from);
      moves++;
      moved = true;
    }
    if (!moved) break;
  }
  for (const call of calls) {
    const move = bestMove(call, model);
    if (move === undefined) continue;
    // gain ≤ 0 at a local optimum: how much worse the best alternative is.
    const margin = Math.max(0, -move.gain);
    call.node.link.confidence = Math.round((0.5 + 0.5 * (1 - Math.exp(-margin))) * 1000) / 1000;
  }
  return moves;
}
