import { endpointOf, type WorkItem } from './work-item.js';

/**
 * How many calls to each downstream endpoint a request of an endpoint makes, estimated without trusting
 * any link: a mixture model over the calls seen recently, fitted by EM. Each call went out while its
 * caller had several inbound requests open (its candidates); the call is one of candidate r's with
 * probability ∝ k(E_r, X) × how well its timing fits r:
 *   - "prompt": sent right after r's request arrived (density of an exponential over the gap), or
 *   - "later": anywhere in r's window (sequential calls, calls that waited for a pooled connection),
 * with a per (E, X) share of prompt calls. The M-step re-estimates k(E, X) as the calls given to E's
 * requests per request of E, and the prompt share. A request of /one, open 30 ms while users calls go
 * out all the time, would explain some of them as "later" calls, but the /fan and /seq requests that
 * had just arrived explain them promptly and take them: the counts come out as the services made them,
 * where learning from the builder's own links taught their first mistakes back to them.
 *
 * Streaming and bounded: calls are kept in a ring (`maxSamples`), and every `refitEvery` calls a few EM
 * iterations run over the ring, starting from the estimate so far.
 */
export interface CallCountsLimits {
  /** Calls kept for the fit. Default 4096. */
  maxSamples: number;
  /** Calls between two fits. Default 256. */
  refitEvery: number;
  /** EM iterations per fit. Default 4. */
  iterations: number;
  /** Requests of an endpoint in the ring before its counts are used. Default 16. */
  minRequests: number;
  /** (parent endpoint, call endpoint) pairs estimated; past it new pairs are ignored. Default 20,000. */
  maxPairs: number;
}

const DEFAULTS: CallCountsLimits = { maxSamples: 4096, refitEvery: 256, iterations: 4, minRequests: 16, maxPairs: 20_000 };

/** Scale (ns) of the gap between a request's arrival and a call it causes at once. */
const PROMPT_NS = 2e6;
/** A window shorter than this (ns) is clock granularity. */
const MIN_WINDOW_NS = 1e6;

interface Candidate {
  parent: WorkItem;
  pair: Pair;
  /** Call issue time minus the parent's request end (ns, ≥ 0). */
  gap: number;
  /** The parent's window for calls (request end to response start, ns). */
  window: number;
}

interface Sample {
  candidates: Candidate[];
}

interface Pair {
  parentKey: string;
  childKey: string;
  k: number;
  prompt: number;
  /** Soft counts of the fit in progress. */
  sum: number;
  promptSum: number;
}

export class CallCounts {
  private readonly limits: CallCountsLimits;
  private readonly ring: Sample[] = [];
  private next = 0;
  private sinceFit = 0;
  private readonly pairs = new Map<string, Pair>();
  /** Parent endpoint → rounded counts per call endpoint, from the latest fit (only endpoints seen often enough). */
  private counts = new Map<string, Map<string, number>>();
  /** Fits run so far. */
  fits = 0;

  constructor(limits: Partial<CallCountsLimits> = {}) {
    this.limits = { ...DEFAULTS, ...limits };
  }

  /** A call and the inbound requests of its caller that could have made it (open, answered after it ended). */
  observe(call: WorkItem, candidates: readonly WorkItem[]): void {
    const list: Candidate[] = [];
    const childKey = endpointOf(call);
    for (const parent of candidates) {
      if (!parent.responded || call.end > parent.respStart) continue;
      const pair = this.pair(endpointOf(parent), childKey);
      if (pair === undefined) continue;
      list.push({ parent, pair, gap: Math.max(0, call.issue - parent.reqEnd), window: Math.max(MIN_WINDOW_NS, parent.respStart - parent.reqEnd) });
    }
    if (list.length === 0) return;
    if (this.ring.length < this.limits.maxSamples) this.ring.push({ candidates: list });
    else this.ring[this.next] = { candidates: list };
    this.next = (this.next + 1) % this.limits.maxSamples;
    if (++this.sinceFit >= this.limits.refitEvery) this.fit();
  }

  /** Calls per call endpoint a request of `parent`'s endpoint makes; undefined until seen often enough. */
  expected(parent: WorkItem): ReadonlyMap<string, number> | undefined {
    return this.counts.get(endpointOf(parent));
  }

  /** Every parent endpoint's counts from the latest fit. */
  all(): ReadonlyMap<string, ReadonlyMap<string, number>> {
    return this.counts;
  }

  /** Fits now, with `iterations` EM steps (before a pattern search, which needs counts settled). */
  fit(iterations = this.limits.iterations): void {
    this.sinceFit = 0;
    if (this.ring.length === 0) return;
    const requests = new Map<string, Set<WorkItem>>();
    for (const sample of this.ring) {
      for (const c of sample.candidates) {
        let set = requests.get(c.pair.parentKey);
        if (set === undefined) requests.set(c.pair.parentKey, (set = new Set()));
        set.add(c.parent);
      }
    }
    const weights: number[] = [];
    const prompts: number[] = [];
    for (let iteration = 0; iteration < iterations; iteration++) {
      for (const pair of this.pairs.values()) {
        pair.sum = 0;
        pair.promptSum = 0;
      }
      for (const sample of this.ring) {
        const list = sample.candidates;
        let total = 0;
        for (let i = 0; i < list.length; i++) {
          const { pair, gap, window } = list[i];
          const prompt = (pair.k * pair.prompt * Math.exp(-gap / PROMPT_NS)) / PROMPT_NS;
          const later = (pair.k * (1 - pair.prompt)) / window;
          prompts[i] = prompt;
          weights[i] = prompt + later;
          total += weights[i];
        }
        if (!(total > 0)) continue;
        for (let i = 0; i < list.length; i++) {
          list[i].pair.sum += weights[i] / total;
          list[i].pair.promptSum += prompts[i] / total;
        }
      }
      for (const pair of this.pairs.values()) {
        const n = requests.get(pair.parentKey)?.size ?? 0;
        if (n === 0) continue;
        pair.k = pair.sum / n;
        // Kept off 0 and 1 so that a share can still move when the traffic changes.
        if (pair.sum > 0) pair.prompt = Math.min(0.99, Math.max(0.01, pair.promptSum / pair.sum));
      }
    }
    const counts = new Map<string, Map<string, number>>();
    for (const pair of this.pairs.values()) {
      if ((requests.get(pair.parentKey)?.size ?? 0) < this.limits.minRequests) continue;
      let map = counts.get(pair.parentKey);
      if (map === undefined) counts.set(pair.parentKey, (map = new Map()));
      const rounded = Math.round(pair.k);
      if (rounded > 0) map.set(pair.childKey, rounded);
    }
    this.counts = counts;
    this.fits++;
  }

  private pair(parentKey: string, childKey: string): Pair | undefined {
    const key = `${parentKey}\n${childKey}`;
    let pair = this.pairs.get(key);
    if (pair === undefined) {
      if (this.pairs.size >= this.limits.maxPairs) return undefined;
      pair = { parentKey, childKey, k: 1, prompt: 0.5, sum: 0, promptSum: 0 };
      this.pairs.set(key, pair);
    }
    return pair;
  }
}
