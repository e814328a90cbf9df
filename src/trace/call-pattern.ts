import { endpointOf, type WorkItem } from './work-item.js';

/**
 * What one endpoint does per request, learnt from the requests whose windows closed (their calls as
 * linked, by ids or by timing): the calls it makes, each with what triggers it. A call is triggered by the request itself (it goes
 * out once the request has arrived) or by the end of an earlier call of the same request (sequential
 * calls); calls triggered together are a parallel fan-out. "GET gateway /seq" → users /users/:id #0
 * after the request, orders /orders/:id #0 after users #0, users #1 after orders #0. Which call waits
 * for which is read from many requests (a call that waited for a pooled connection may start after its
 * parallel sibling ended now and then), and the variant seen most is the endpoint's pattern.
 *
 * With the pattern, each open request knows which calls it still owes and since when it owes them (its
 * pending calls). A service's connection pool to a downstream sends queued calls first come, first
 * served, and an event loop dispatches in the order events arrive, so a call goes to the open request
 * that has owed such a call the longest: under load, when calls wait for pooled connections and the gaps
 * between a trigger and its call say nothing, this order still does.
 */
/*
 * Where the builder has searched patterns (counted without links and ordered by how well they explain
 * the traffic, pattern-search.ts), those are fixed here and win; what is learnt from the builder's own
 * links only fills in before the first search and for endpoints the search leaves out.
 */
/** One call of a pattern: the k-th call (occurrence, from 0) to an endpoint. */
export interface PatternStep {
  endpoint: string;
  occurrence: number;
}

interface PatternStats {
  /** Sorted by endpoint, then occurrence. */
  steps: PatternStep[];
  signature: string;
  count: number;
  /** Calls per endpoint, derived from `steps`. */
  counts: Map<string, number> | undefined;
  /** follows[a * n + b]: samples in which step b started after step a had ended. */
  follows: number[];
  /** Per step: index of the step whose end triggers it, -1 for the request; derived from `follows`, undefined when stale. */
  after: number[] | undefined;
}

/** A call the parent still owes, owed since `since` (ns). */
export interface PendingCall {
  since: number;
}

export interface CallPatternLimits {
  /** Endpoints with a learnt pattern (bounded: past it nothing more is learnt). Default 10,000. */
  maxEndpoints: number;
  /** Distinct patterns kept per endpoint. Default 8. */
  maxVariants: number;
  /** Longest pattern learnt (calls per request). Default 64. */
  maxSteps: number;
}

const DEFAULT_LIMITS: CallPatternLimits = { maxEndpoints: 10_000, maxVariants: 8, maxSteps: 64 };

export class CallPatterns {
  private readonly byEndpoint = new Map<string, PatternStats[]>();
  private readonly limits: CallPatternLimits;
  /** Requests learnt from. */
  learnt = 0;

  constructor(limits: Partial<CallPatternLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /**
   * Patterns chosen outside (pattern-search.ts: counted calls, and which call waits for which as best
   * explains the traffic): they override what is learnt from links, for their endpoints.
   */
  private readonly fixed = new Map<string, PatternStats>();
  /** No more learning from links (a replay of the pattern search). */
  frozen = false;

  /** Sets `endpoint`'s pattern: `steps` sorted as stepsOf sorts them, `after[i]` the step whose end triggers step i (−1: the request). */
  setFixed(endpoint: string, steps: readonly PatternStep[], after: readonly number[]): void {
    if (!this.fixed.has(endpoint) && this.fixed.size >= this.limits.maxEndpoints) return;
    this.fixed.set(endpoint, { steps: [...steps], signature: signatureOf(steps), count: 1, counts: undefined, follows: [], after: [...after] });
  }

  clearFixed(): void {
    this.fixed.clear();
  }

  /** Records what `parent` did: call it once its window closed and its children are final. */
  learn(parent: WorkItem): void {
    if (this.frozen) return;
    const children = parent.children;
    if (children.length > this.limits.maxSteps) return;
    const key = endpointOf(parent);
    let variants = this.byEndpoint.get(key);
    if (variants === undefined) {
      if (this.byEndpoint.size >= this.limits.maxEndpoints) return;
      variants = [];
      this.byEndpoint.set(key, variants);
    }
    const slots = slotsOf(children);
    const signature = signatureOf(slots.map((s) => s.step));
    let stats = variants.find((v) => v.signature === signature);
    if (stats === undefined) {
      if (variants.length >= this.limits.maxVariants) return;
      stats = { steps: slots.map((s) => s.step), signature, count: 0, counts: undefined, follows: new Array(slots.length * slots.length).fill(0), after: undefined };
      variants.push(stats);
    }
    this.learnt++;
    stats.count++;
    stats.after = undefined;
    const n = slots.length;
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b && slots[b].child.start >= slots[a].child.end) stats.follows[a * n + b]++;
  }

  /** The endpoint's usual pattern: the variant seen most, when it is most of what was seen. */
  private patternOf(parent: WorkItem): PatternStats | undefined {
    const fixed = this.fixed.get(endpointOf(parent));
    if (fixed !== undefined) return fixed;
    const variants = this.byEndpoint.get(endpointOf(parent));
    if (variants === undefined) return undefined;
    let best: PatternStats | undefined;
    let total = 0;
    for (const variant of variants) {
      total += variant.count;
      if (best === undefined || variant.count > best.count) best = variant;
    }
    return best !== undefined && best.count * 2 > total ? best : undefined;
  }

  /** How many calls to each endpoint `parent`'s endpoint usually makes; undefined when not known. */
  expected(parent: WorkItem): ReadonlyMap<string, number> | undefined {
    const pattern = this.patternOf(parent);
    if (pattern === undefined) return undefined;
    if (pattern.counts === undefined) {
      pattern.counts = new Map();
      for (const step of pattern.steps) pattern.counts.set(step.endpoint, (pattern.counts.get(step.endpoint) ?? 0) + 1);
    }
    return pattern.counts;
  }

  /**
   * The call of `child`'s endpoint that `parent` owes at `time`, by its usual pattern: undefined when the
   * pattern is unknown; null when the parent owes no such call (all made, or not triggered yet).
   */
  pending(parent: WorkItem, child: WorkItem, time: number): PendingCall | null | undefined {
    const pattern = this.patternOf(parent);
    if (pattern === undefined) return undefined;
    const wanted = endpointOf(child);
    const children = parent.children;
    let occurrence = 0;
    for (let i = 0; i < children.length; i++) if (endpointOf(children[i]) === wanted) occurrence++;
    const steps = pattern.steps;
    const step = steps.findIndex((s) => s.endpoint === wanted && s.occurrence === occurrence);
    if (step < 0) return null;
    const after = (pattern.after ??= afterOf(pattern))[step];
    if (after < 0) return { since: parent.reqEnd };
    // The triggering call: the k-th call to its endpoint among those made so far.
    const trigger = steps[after];
    let seen = 0;
    for (let i = 0; i < children.length; i++) {
      if (endpointOf(children[i]) !== trigger.endpoint) continue;
      if (seen++ === trigger.occurrence) return children[i].end <= time ? { since: children[i].end } : null;
    }
    return null;
  }

  get endpoints(): number {
    return this.byEndpoint.size;
  }
}

/** The steps of a pattern with these calls per endpoint, sorted as slotsOf sorts them. */
export function stepsOf(counts: ReadonlyMap<string, number>): PatternStep[] {
  const steps: PatternStep[] = [];
  for (const [endpoint, n] of counts) for (let occurrence = 0; occurrence < n; occurrence++) steps.push({ endpoint, occurrence });
  return steps.sort(byStep);
}

function signatureOf(steps: readonly PatternStep[]): string {
  return steps.map((s) => `${s.endpoint}#${s.occurrence}`).join('\n');
}

function byStep(a: PatternStep, b: PatternStep): number {
  return a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : a.occurrence - b.occurrence;
}

interface Slot {
  step: PatternStep;
  child: WorkItem;
}

/** A request's calls as steps (k-th call to each endpoint), sorted so that parallel calls in either order make one pattern. */
function slotsOf(children: readonly WorkItem[]): Slot[] {
  const seen = new Map<string, number>();
  const slots: Slot[] = [];
  for (const child of children) {
    const endpoint = endpointOf(child);
    const occurrence = seen.get(endpoint) ?? 0;
    seen.set(endpoint, occurrence + 1);
    slots.push({ step: { endpoint, occurrence }, child });
  }
  return slots.sort((a, b) => byStep(a.step, b.step));
}

/** Share of samples in which a step must have started after another ended for that one to be its trigger. */
const SEQUENTIAL_SHARE = 0.9;

/**
 * Each step's trigger: among the steps it (nearly) always started after, the last in that chain, i.e. the
 * one that itself follows the most others; -1 when it also started before the others ended (a parallel
 * call, triggered by the request). A queued call starts after its siblings ended now and then; only a
 * call that always waits for one is sequential.
 */
function afterOf(pattern: PatternStats): number[] {
  const n = pattern.steps.length;
  const sequential = (a: number, b: number) => pattern.follows[a * n + b] >= SEQUENTIAL_SHARE * pattern.count;
  const depth = new Array(n).fill(0);
  for (let b = 0; b < n; b++) for (let a = 0; a < n; a++) if (a !== b && sequential(a, b)) depth[b]++;
  const after = new Array(n).fill(-1);
  for (let b = 0; b < n; b++) {
    for (let a = 0; a < n; a++) if (a !== b && sequential(a, b) && (after[b] < 0 || depth[a] > depth[after[b]])) after[b] = a;
  }
  return after;
}
