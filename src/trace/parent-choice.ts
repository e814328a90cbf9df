import type { WorkItem } from './work-item.js';

/**
 * Choosing the parent of a call among the inbound requests its caller had open when the call started.
 *
 * Containment class (higher is better):
 *   3: the call ended before the parent began to answer (a service waits for its calls, then answers);
 *   2: it ended before the parent's answer ended (streaming proxies);
 *   1: it outlived the parent, or the parent has no response (fire and forget, or unknown end).
 * Within a class, a parent whose endpoint is known to make such calls (the learnt call graph, see
 * call-graph.ts) beats one that is not; then the parent whose latest own event before the call is nearest wins: its request
 * arriving, or one of its earlier calls returning (sequential calls). This is "tightest containment"
 * measured causally: under concurrency, a call follows closely what triggered it. Exact ties (equal
 * capture times) go to the candidate with fewer children so far, then to the earlier request (order on a
 * reused connection).
 */
export interface Choice {
  parent: WorkItem;
  /** How clearly it beat the runner-up, in [0, 1]. */
  confidence: number;
}

export function containment(child: WorkItem, parent: WorkItem): number {
  if (!parent.responded) return 1;
  if (child.end <= parent.respStart) return 3;
  return child.end <= parent.end ? 2 : 1;
}

/**
 * When the parent last acted, as seen at the call's start: its request arriving, or one of its earlier
 * calls returning; with `starts`, also one of its calls going out (a parent waiting on a call it just
 * made is not the one that queued this call long ago).
 */
export function latestEvent(child: WorkItem, parent: WorkItem, starts: boolean): number {
  let latest = parent.reqEnd <= child.start ? parent.reqEnd : parent.start;
  const children = parent.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    if (c.end <= child.start && c.end > latest) latest = c.end;
    if (starts && c.start <= child.start && c.start > latest) latest = c.start;
  }
  return latest;
}

/** Nanoseconds from the parent's latest own event at or before the call's start to that start. */
export function triggerGap(child: WorkItem, parent: WorkItem): number {
  return child.start - latestEvent(child, parent, false);
}

const CLASS_BASE = [0, 0.5, 0.8, 1];

interface Scored {
  item: WorkItem;
  cls: number;
  /**
   * 2: its endpoint's pattern says it owes this call; 1 otherwise (patterns are learnt from inferred
   * links too, so "owes none" is not held against a candidate: an early mistake must not lock itself in).
   */
  owes: number;
  /** When it began to owe the call (owes = 2). */
  since: number;
  fit: number;
  gap: number;
  /** 1: the parent began to answer right after this call ended (this was its last call); else 0. */
  anchored: number;
}

/**
 * A service answers as soon as its last call returns: a call that ended at most this long before a
 * candidate began to answer was that candidate's last call (the end of a sequential chain; under load
 * the only sign left of a call that waited for a pooled connection).
 */
const ANCHOR_NS = 5e6;

function better(a: Scored, b: Scored): boolean {
  if (a.cls !== b.cls) return a.cls > b.cls;
  if (a.owes !== b.owes) return a.owes > b.owes;
  if (a.anchored !== b.anchored) return a.anchored > b.anchored;
  if (a.owes === 2 && a.since !== b.since) return a.since < b.since;
  if (a.fit !== b.fit) return a.fit > b.fit;
  if (a.gap !== b.gap) return a.gap < b.gap;
  if (a.item.children.length !== b.item.children.length) return a.item.children.length < b.item.children.length;
  if (a.item.start !== b.item.start) return a.item.start < b.item.start;
  return a.item.exchange.seq < b.item.exchange.seq;
}

/**
 * How well a parent's endpoint fits the call's endpoint from what was learnt (call-graph.ts): higher is
 * better; ranks between containment class and trigger gap. Without it every candidate fits equally.
 */
export type Fit = (child: WorkItem, parent: WorkItem) => number;

const NO_FIT: Fit = () => 0;

/** The call of the child's kind a parent owes by its endpoint's learnt pattern (call-pattern.ts): undefined unknown, null none. */
export type Owed = (child: WorkItem, parent: WorkItem) => { since: number } | null | undefined;

const NO_OWED: Owed = () => undefined;

/** The best parent among `candidates` (all open at the call's caller when it started), or undefined when there are none. */
export function chooseParent(child: WorkItem, candidates: readonly WorkItem[], fit: Fit = NO_FIT, queued = false, owed: Owed = NO_OWED): Choice | undefined {
  let best: Scored | undefined;
  let second: Scored | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const item = candidates[i];
    // A call that went out the moment its connection came free was waiting in a pool: pools serve
    // first come first served, so the parent that has waited longest (earliest own event) sent it.
    const gap = queued ? latestEvent(child, item, true) : triggerGap(child, item);
    const owing = owed(child, item);
    const scored: Scored = {
      item,
      cls: containment(child, item),
      owes: owing === undefined ? 1 : owing === null ? 1 : 2,
      since: owing?.since ?? Infinity,
      fit: fit(child, item),
      gap,
      anchored: item.respStart - child.end <= ANCHOR_NS ? 1 : 0,
    };
    if (best === undefined || better(scored, best)) {
      second = best;
      best = scored;
    } else if (second === undefined || better(scored, second)) {
      second = scored;
    }
  }
  if (best === undefined) return undefined;
  let separation = 1;
  if (second !== undefined) {
    if (second.cls === best.cls && second.owes !== best.owes) {
      separation = 0.9;
    } else if (second.cls === best.cls && second.anchored !== best.anchored) {
      separation = 0.85;
    } else if (second.cls === best.cls && best.owes === 2) {
      // Both owed such a call: first come, first served, clearer the longer apart they began to owe it.
      const apart = Math.max(0, second.since - best.since);
      separation = 0.5 + (0.45 * apart) / (apart + 1e6);
    } else if (second.cls === best.cls && second.fit === best.fit) {
      const a = queued ? child.start - best.gap : best.gap;
      const b = queued ? child.start - second.gap : second.gap;
      const sum = a + b;
      separation = queued ? (sum <= 0 ? 0.5 : 0.5 + (0.25 * Math.abs(a - b)) / sum) : sum <= 0 ? 0.5 : 0.5 + (0.5 * (b - a)) / sum;
    } else {
      // Beaten on containment (strong), or on what the call graph learnt so far (weaker).
      separation = second.cls !== best.cls ? 0.95 : 0.85;
    }
  }
  return { parent: best.item, confidence: Math.round(CLASS_BASE[best.cls] * separation * 1000) / 1000 };
}
