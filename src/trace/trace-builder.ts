import type { Exchange } from '../model/exchange.js';
import type { Timestamp } from '../model/time.js';
import { MinHeap } from './min-heap.js';
import { OpenIndex } from './open-index.js';
import { CallGraph } from './call-graph.js';
import { CallPatterns } from './call-pattern.js';
import { CallCounts } from './call-counts.js';
import { replayCopy, searchPatterns, type SearchedPattern } from './pattern-search.js';
import { GapScales } from './gap-scales.js';
import { keyOf, refineCalls, triggerOf, type RefineModel } from './refine.js';
import { chooseParent, type Choice, type Owed } from './parent-choice.js';
import { propagatedIds, propagationNames, relateIds, type PropagatedIds } from './propagation.js';
import type { LinkVia, Trace, TraceCounts, TraceLink } from './trace-types.js';
import { nsAfter, workItem, type TreeState, type WorkItem } from './work-item.js';

export interface TraceBuilderOptions {
  /**
   * The order exchanges are added in. 'start' (default; the pipeline's order for lines, HAR and the
   * table): every exchange that started earlier has been added already, so each is linked at once.
   * 'completion' (the pipeline's order for --summary): exchanges are held until capture time has moved
   * `maxParentSeconds` past their start, then linked in start order.
   */
  inputOrder?: 'start' | 'completion';
  /** Use propagated ids (traceparent, B3, x-request-id…); false links by timing alone. Default true. */
  useIds?: boolean;
  /** Further request headers whose value is a correlation id kept along a whole tree (e.g. 'x-correlation-id'). */
  extraIdHeaders?: readonly string[];
  /** Longest an exchange may last and still be a parent; also how long one without a response counts as open. Default 30 s. */
  maxParentSeconds?: number;
  /** 'completion' order: most exchanges held before the oldest is linked early (counted as forced). Default 100,000. */
  maxPending?: number;
  /** Most trees kept open; past it the one whose window closes first is emitted early (counted as forced). Default 100,000. */
  maxOpenTrees?: number;
  /**
   * Learn which endpoints call which from links made by ids or with confidence ≥ 0.9, and prefer
   * parents that fit it when timing is ambiguous (call-graph.ts). Default true.
   */
  learnCallGraph?: boolean;
  /**
   * Capture time (seconds) a timing choice waits before it is looked at again together with the calls
   * around it (refine.ts); trees are emitted that much later. 0 (default) keeps the first choice: on the testbed this second look has not beaten it yet (see refine.ts).
   */
  settleSeconds?: number;
  /**
   * The first exchanges are linked at once but their trees are held until this many have been linked
   * or `warmupSeconds` of capture time have passed; then the call patterns are searched
   * (pattern-search.ts) and the held exchanges linked again with them (their links change in place).
   * Default 1024; 0 holds nothing (patterns are searched later and apply from then on).
   */
  warmupExchanges?: number;
  /** Longest warm-up in capture time (seconds): start-up stalls make the first seconds a poor sample. Default 10. */
  warmupSeconds?: number;
  /**
   * Undo cascades of greedy timing choices (see unblock()): two calls linked by timing may swap parents
   * after add() returned their links, until their trees are drained (`isSettled` says when). Drained
   * trees carry final links either way; a caller that uses a link as add() returns it must wait for
   * `isSettled`. Default false (eleven recorded testbed runs without ids: avg 88.2% with, 87.7% without).
   */
  unblockCalls?: boolean;
}

/** Exchanges the pattern search replays (the latest linked). */
const REPLAY_WINDOW = 1024;
/** The first pattern search runs after this many exchanges, then after twice as many… */
const FIRST_SEARCH = 256;
/** EM iterations of the count fit before a search. */
const SEARCH_FIT_ITERATIONS = 30;
/** …up to this many between two searches. */
const SEARCH_EVERY_MAX = 32_768;
/** Exchanges after which the order of calls is searched again even when the counts did not change. */
const SEARCH_AGAIN_AFTER = 262_144;
/** Links at least this confident teach the call graph. */
const LEARN_CONFIDENCE = 0.9;

const NO_IDS: PropagatedIds = { keys: undefined, traceId: undefined, spanId: undefined, parentSpanId: undefined };
const SWEEP_EVERY = 4096;
/** Calls are refined in slices of at least this much capture time (ns), so that each look sees several. */
const SETTLE_SLICE_NS = 100e6;
/** Calls sent for one event trail the first by about this much (ns) until learnt. */
const SPREAD_FALLBACK_NS = 200_000;
/** A request written this soon after the previous response on its connection ended was waiting for the connection. */
const QUEUED_WITHIN_NS = 1e6;

interface TreeEntry {
  horizon: number;
  tree: TreeState;
}

interface Decision {
  parent: WorkItem | undefined;
  via: LinkVia;
  inferred: boolean;
  confidence: number;
}

/**
 * Groups exchanges into request trees across containers, from propagated ids where requests carry them
 * and otherwise from capture time and endpoints: a call that service B starts while one of B's inbound
 * requests is open is a candidate child of it (see parent-choice.ts); among several, what each
 * endpoint's requests owe decides: which calls it makes and which waits for which (call-counts.ts,
 * pattern-search.ts; the first exchanges are held and linked again once these are known, see
 * `warmupExchanges`). Streaming: `add` exchanges, collect finished trees with `drain`, and `finish` at
 * the end of the capture. Memory follows the number of requests in flight (plus the held window in
 * 'completion' order, the warm-up and the search's replay window), bounded by the options.
 */
export class TraceBuilder {
  readonly counts: TraceCounts = {
    exchanges: 0,
    traces: 0,
    links: { span: 0, trace: 0, timing: 0 },
    agreements: 0,
    disagreements: 0,
    late: 0,
    forced: 0,
    refined: 0,
    unblocked: 0,
  };

  private readonly useIds: boolean;
  private readonly idHeaders: ReadonlySet<string>;
  private readonly extraIdHeaders: ReadonlySet<string>;
  private readonly maxParentNs: number;
  private readonly maxPending: number;
  private readonly maxOpenTrees: number;
  private readonly completionOrder: boolean;
  private baseSec: number | undefined;
  /** Start of the latest exchange linked: processing runs in start order. */
  private cursor = -Infinity;
  /** Latest capture time seen ('completion' order). */
  private watermark = -Infinity;
  private processed = 0;
  private byService = new OpenIndex();
  private byTrace = new OpenIndex();
  private readonly pending = new MinHeap<WorkItem>((a, b) => a.start < b.start || (a.start === b.start && a.exchange.seq < b.exchange.seq));
  private openTrees = new MinHeap<TreeEntry>((a, b) => a.horizon < b.horizon);
  private ready: Trace[] = [];
  private readonly candidates: WorkItem[] = [];
  /** Connection id → end of its latest exchange: a call sent the moment its connection came free was queued in a pool. */
  private connectionFree = new Map<string, number>();
  private graph: CallGraph | undefined;
  private fit: ((child: WorkItem, parent: WorkItem) => number) | undefined;
  private readonly patterns: CallPatterns | undefined;
  /** Calls per endpoint counted without links, and the recent exchanges the pattern search replays (undefined in a replay). */
  private readonly callCounts: CallCounts | undefined;
  private recent: Exchange[] = [];
  private recentNext = 0;
  private nextSearch = FIRST_SEARCH;
  private searched: ReadonlyMap<string, SearchedPattern> = new Map();
  /** Pattern searches run so far. */
  searches = 0;
  /** Items linked during the warm-up, in the order they were processed; undefined once it is over. */
  private held: WorkItem[] | undefined = [];
  private readonly warmupExchanges: number;
  private readonly warmupNs: number;
  /** Linking held items again: they do not feed the counts or the replay window a second time. */
  private relinking = false;
  private readonly owed: Owed | undefined;
  /** Calls linked by timing among several parents, in start order, waiting to be refined. */
  private unsettled: WorkItem[] = [];
  private unsettledHead = 0;
  private readonly settleNs: number;
  private readonly scales = new GapScales();
  private readonly model: RefineModel;
  private readonly unblockCalls: boolean;
  /** Links of emitted trees: they change no more. */
  private readonly settledLinks = new WeakSet<TraceLink>();

  /** `replayOf`: patterns fixed for a replay of the pattern search (which learns nothing and searches nothing). */
  constructor(
    private readonly options: TraceBuilderOptions = {},
    replayOf?: ReadonlyMap<string, SearchedPattern>,
  ) {
    this.useIds = options.useIds ?? true;
    const extra = (options.extraIdHeaders ?? []).map((name) => name.toLowerCase());
    this.extraIdHeaders = new Set(extra);
    this.idHeaders = propagationNames(extra);
    this.maxParentNs = (options.maxParentSeconds ?? 30) * 1e9;
    this.maxPending = options.maxPending ?? 100_000;
    this.maxOpenTrees = options.maxOpenTrees ?? 100_000;
    this.completionOrder = options.inputOrder === 'completion';
    this.graph = options.learnCallGraph === false ? undefined : new CallGraph();
    this.fit = this.graph?.fit;
    this.patterns = options.learnCallGraph === false ? undefined : new CallPatterns();
    if (this.patterns !== undefined && replayOf !== undefined) {
      this.patterns.frozen = true;
      for (const [endpoint, pattern] of replayOf) this.patterns.setFixed(endpoint, pattern.steps, pattern.after);
    }
    this.callCounts = this.patterns === undefined || replayOf !== undefined ? undefined : new CallCounts();
    this.warmupExchanges = this.callCounts === undefined ? 0 : (options.warmupExchanges ?? 1024);
    this.warmupNs = (options.warmupSeconds ?? 10) * 1e9;
    if (this.warmupExchanges <= 0) this.held = undefined;
    const patterns = this.patterns;
    this.owed = patterns === undefined ? undefined : (child, parent) => patterns.pending(parent, child, child.start);
    this.settleNs = (options.settleSeconds ?? 0) * 1e9;
    this.unblockCalls = options.unblockCalls ?? false;
    const scales = this.scales;
    this.model = {
      expected: (parent) => patterns?.expected(parent),
      triggerScale: (parent) => scales.scale(`t ${keyOf(parent)}`),
      answerScale: (parent) => scales.scale(`a ${keyOf(parent)}`),
      queuedScale: (parent) => scales.scale(`q ${keyOf(parent)}`),
      spreadScale: (parent) => scales.scale(`s ${keyOf(parent)}`, SPREAD_FALLBACK_NS),
    };
  }

  /** Header names (lower case) this builder reads ids from. */
  get propagationHeaders(): ReadonlySet<string> {
    return this.idHeaders;
  }

  /**
   * Returns the exchange's link (the same object its TraceNode carries). In 'start' order it is final on
   * return, so a line can be annotated as it is written; in 'completion' order it is filled in later.
   */
  add(exchange: Exchange): TraceLink {
    this.baseSec ??= exchange.request.firstByte.sec;
    const ids = this.useIds ? propagatedIds(exchange.request.head.headers, this.extraIdHeaders) : NO_IDS;
    const item = workItem(exchange, ids, this.baseSec, this.maxParentNs);
    this.counts.exchanges++;
    if (!this.completionOrder) {
      this.process(item);
      this.closeTrees();
      return item.node.link;
    }
    if (item.end > this.watermark) this.watermark = item.end;
    this.pending.push(item);
    this.flushPending(this.watermark - this.maxParentNs);
    return item.node.link;
  }

  /**
   * Capture time has reached `ts` (live capture with no traffic). In 'start' order the caller promises
   * that no exchange starting before `ts` is still to come; in 'completion' order it only moves the window.
   */
  advance(ts: Timestamp): void {
    this.baseSec ??= ts.sec;
    const time = nsAfter(ts, this.baseSec);
    if (this.completionOrder) {
      if (time > this.watermark) this.watermark = time;
      this.flushPending(this.watermark - this.maxParentNs);
    } else if (time > this.cursor) {
      this.cursor = time;
      this.closeTrees();
    }
    // No traffic: the warm-up also ends once its capture time has passed.
    if (this.held !== undefined && this.held.length > 0 && time - this.held[0].start >= this.warmupNs) {
      this.warmupDue = true;
      this.closeTrees();
    }
  }

  /**
   * True while the first exchanges are held (see `warmupExchanges`): links returned by add() until then
   * are provisional and change in place when the warm-up ends; drained trees carry only settled links.
   */
  get warmingUp(): boolean {
    return this.held !== undefined;
  }

  /**
   * True once `link` (as add() returned it) can change no more: its tree was emitted (drain() returns
   * it, or will). In 'start' order without `unblockCalls`, every link is final once the warm-up is over.
   */
  isSettled(link: TraceLink): boolean {
    return this.settledLinks.has(link) || (!this.unblockCalls && !this.completionOrder && this.held === undefined);
  }

  /** The call patterns the latest search found, by endpoint (endpointKey of the parent). */
  get patternsFound(): ReadonlyMap<string, SearchedPattern> {
    return this.searched;
  }

  /** Trees completed since the last call, in the order their windows closed. */
  drain(): Trace[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  /** End of capture: links everything held, completes every open tree and returns what `drain` has not. */
  finish(): Trace[] {
    while (this.pending.size > 0) this.process(this.pending.pop() as WorkItem);
    if (this.held !== undefined) this.endWarmup();
    this.settle(Infinity);
    const rest: TreeState[] = [];
    while (this.openTrees.size > 0) rest.push((this.openTrees.pop() as TreeEntry).tree);
    rest.sort((a, b) => a.root.start - b.root.start || a.root.exchange.seq - b.root.exchange.seq);
    for (const tree of rest) this.emit(tree);
    return this.drain();
  }

  private flushPending(safe: number): void {
    while (this.pending.size > 0) {
      const next = this.pending.peek() as WorkItem;
      if (next.start > safe) {
        if (this.pending.size <= this.maxPending) break;
        this.counts.forced++;
      }
      this.process(this.pending.pop() as WorkItem);
    }
    // Everything that starts before `safe` has been linked: the cursor moves there even when no exchange
    // did (else, with no more traffic, the newest tree would never close).
    if (safe > this.cursor) this.cursor = safe;
    this.closeTrees();
  }

  private process(item: WorkItem): void {
    if (item.start < this.cursor) this.counts.late++;
    else this.cursor = item.start;
    if (++this.processed % SWEEP_EVERY === 0) {
      this.byService.sweep(this.cursor);
      this.byTrace.sweep(this.cursor);
      // Later calls start at or after the cursor: a connection free for longer than the queue window tells them nothing.
      for (const [id, end] of this.connectionFree) if (end < this.cursor - QUEUED_WITHIN_NS) this.connectionFree.delete(id);
    }
    const connection = item.exchange.connection;
    const free = connection.index > 0 ? this.connectionFree.get(connection.id) : undefined;
    const queued = free !== undefined && item.start >= free && item.start - free <= QUEUED_WITHIN_NS;
    this.connectionFree.set(connection.id, item.end);
    item.queued = queued;
    const decision = this.decide(item, queued);
    if (decision.via === 'timing' && this.unblockCalls) this.unblock(item, decision);
    if (this.callCounts !== undefined && !this.relinking) this.remember(item);
    this.link(item, decision);
    if (this.held !== undefined && !this.relinking) this.held.push(item);
    if (decision.via === 'timing' && item.ids.keys === undefined && item.ids.spanId === undefined && this.candidates.length > 1 && this.settleNs > 0) {
      item.candidates = this.candidates.slice();
      this.unsettled.push(item);
    }
    if (item.openUntil !== -Infinity) {
      this.byService.add(`i${item.exchange.connection.server.ip}`, item);
      if (item.serverKey !== undefined) this.byService.add(`c${item.serverKey}`, item);
      if (item.ids.traceId !== undefined) this.byTrace.add(item.ids.traceId, item);
    }
  }

  /** Feeds the call counts and the replay window; searches patterns at growing intervals. */
  private remember(item: WorkItem): void {
    const counts = this.callCounts as CallCounts;
    counts.observe(item, this.candidates);
    const copy = replayCopy(item.exchange);
    if (this.recent.length < REPLAY_WINDOW) this.recent.push(copy);
    else this.recent[this.recentNext] = copy;
    this.recentNext = (this.recentNext + 1) % REPLAY_WINDOW;
    if (this.held !== undefined && this.held.length > 0 && (this.processed >= this.warmupExchanges || item.start - this.held[0].start >= this.warmupNs)) {
      // Linked (and held) after this returns: the warm-up ends with the next exchange.
      this.warmupDue = true;
      return;
    }
    if (this.held !== undefined || this.processed < this.nextSearch) return;
    this.search();
  }

  private warmupDue = false;
  private searchedSignature = '';
  private searchedAt = 0;
  /** The latest search replayed a full window. */
  private searchedFull = false;

  private search(): void {
    const counts = this.callCounts as CallCounts;
    this.nextSearch = this.processed + Math.min(Math.max(this.processed, FIRST_SEARCH), SEARCH_EVERY_MAX);
    counts.fit(SEARCH_FIT_ITERATIONS);
    // The order of calls is searched again while the replay window still grows, when what is counted
    // changed, else only now and then.
    const signature = countsSignature(counts.all());
    if (this.searchedFull && signature === this.searchedSignature && this.processed - this.searchedAt < SEARCH_AGAIN_AFTER) return;
    this.searchedSignature = signature;
    this.searchedAt = this.processed;
    this.searchedFull = this.recent.length >= REPLAY_WINDOW;
    const replay = (patterns: ReadonlyMap<string, SearchedPattern>) => {
      const builder = new TraceBuilder({ ...this.options, useIds: false, inputOrder: 'start', settleSeconds: 0 }, patterns);
      const traces: Trace[] = [];
      const n = this.recent.length;
      const first = n < REPLAY_WINDOW ? 0 : this.recentNext;
      for (let i = 0; i < n; i++) {
        builder.add(this.recent[(first + i) % n]);
        for (const trace of builder.drain()) traces.push(trace);
      }
      for (const trace of builder.finish()) traces.push(trace);
      return traces;
    };
    this.searched = searchPatterns(counts.all(), this.searched, replay);
    this.searches++;
    const patterns = this.patterns as CallPatterns;
    patterns.clearFixed();
    for (const [endpoint, pattern] of this.searched) patterns.setFixed(endpoint, pattern.steps, pattern.after);
  }

  /** Searches the patterns, then links every held exchange again, from scratch, with them. */
  private endWarmup(): void {
    const held = this.held as WorkItem[];
    this.held = undefined;
    this.warmupDue = false;
    if (this.callCounts === undefined || held.length === 0) return;
    this.search();
    this.byService = new OpenIndex();
    this.byTrace = new OpenIndex();
    this.openTrees = new MinHeap<TreeEntry>((a, b) => a.horizon < b.horizon);
    this.connectionFree = new Map();
    // What links taught in the first pass is learnt again as they are made (ids and timing compared as before).
    if (this.graph !== undefined) {
      this.graph = new CallGraph();
      this.fit = this.graph.fit;
    }
    this.unsettled = [];
    this.unsettledHead = 0;
    const cursor = this.cursor;
    this.cursor = -Infinity;
    const counts = this.counts;
    counts.links = { span: 0, trace: 0, timing: 0 };
    counts.agreements = 0;
    counts.disagreements = 0;
    counts.late = 0;
    this.relinking = true;
    const processed = this.processed;
    for (const old of held) {
      const item = workItem(old.exchange, old.ids, this.baseSec as number, this.maxParentNs);
      // The node and its link stay the objects add() returned: they change in place.
      const node = old.node;
      node.children.length = 0;
      Object.assign(node.link, { traceId: '', parentId: undefined, depth: 0, inferred: false, confidence: 1, via: 'root' });
      item.node = node;
      this.process(item);
      // As add() does: trees that closed teach the patterns before the next exchange is linked.
      this.closeTrees();
    }
    this.processed = processed;
    // Capture time may have moved past the last held exchange (advance()).
    if (cursor > this.cursor) this.cursor = cursor;
    this.relinking = false;
  }

  /**
   * A greedy choice cascades: a call given to the wrong one of two open requests leaves the right one
   * waiting for a call that ends too late, so it owes nothing when its next call goes out, and that call
   * goes astray too. So before `item` is linked, when the chosen parent owes no such call by its
   * pattern: a candidate that owes none only because the call its pattern waits for has not ended yet,
   * while another candidate holds a call to the same endpoint that did end (and built nothing on it), is
   * taken instead once the two calls swap parents (the candidate owing it longest, first come, first
   * served). Both stay in trees not emitted yet: drained trees carry final links (see `warmingUp`).
   */
  private unblock(item: WorkItem, decision: Decision): void {
    const owed = this.owed;
    const chosen = decision.parent;
    if (owed === undefined || (chosen !== undefined && owed(item, chosen) != null)) return;
    const candidates = this.candidates;
    let best: { t: WorkItem; ct: WorkItem; q: WorkItem; cq: WorkItem; since: number } | undefined;
    for (const t of candidates) {
      if (t === chosen || t.closed || owed(item, t) !== null) continue;
      for (const ct of t.children) {
        if (ct.end <= item.start || ct.node.link.via !== 'timing') continue;
        const endpoint = keyOf(ct);
        for (const q of candidates) {
          if (q === t || q.closed) continue;
          for (const cq of q.children) {
            if (cq.end > item.start || cq.node.link.via !== 'timing' || keyOf(cq) !== endpoint) continue;
            // Each call must fit in its new parent: after its request, before its answer; and nothing
            // q did may have waited for cq.
            if (cq.start < t.reqEnd || ct.start < q.reqEnd || ct.end > q.respStart || cq.end > t.respStart) continue;
            if (q.children.some((c) => c !== cq && c.start >= cq.end)) continue;
            const owes = owedWith(t, ct, cq, () => owed(item, t));
            if (owes != null && (best === undefined || owes.since < best.since)) best = { t, ct, q, cq, since: owes.since };
          }
        }
      }
    }
    if (best === undefined) return;
    this.reparent(best.ct, best.q);
    this.reparent(best.cq, best.t);
    this.counts.unblocked++;
    decision.parent = best.t;
  }

  /** Inbound exchanges of the caller's service open when `item` started: same container when both are named, else same IP. */
  private endpointCandidates(item: WorkItem): WorkItem[] {
    const out = this.candidates;
    out.length = 0;
    const ip = `i${item.exchange.connection.client.ip}`;
    if (item.clientKey !== undefined) {
      this.byService.collect(`c${item.clientKey}`, item.start, out);
      this.byService.collect(ip, item.start, out, unnamedServer);
    } else {
      this.byService.collect(ip, item.start, out);
    }
    return out;
  }

  private decide(item: WorkItem, queued: boolean): Decision {
    const candidates = this.endpointCandidates(item);
    const timing = chooseParent(item, candidates, this.fit, queued, this.owed);
    const ids = item.ids;
    if (ids.keys === undefined && ids.spanId === undefined) return fromTiming(timing);

    const exact = ids.parentSpanId === undefined ? undefined : this.spanParent(item, candidates);
    let decision: Decision | undefined;
    if (exact !== undefined) {
      decision = { parent: exact, via: 'span', inferred: false, confidence: 1 };
    } else {
      const sharing: WorkItem[] = [];
      const unrelated: WorkItem[] = [];
      for (const candidate of candidates) {
        const relation = relateIds(ids, candidate.ids);
        if (relation === 'shared') sharing.push(candidate);
        else if (relation === 'none') unrelated.push(candidate);
      }
      if (sharing.length > 0) {
        const choice = chooseParent(item, sharing, this.fit, queued, this.owed) as Choice;
        decision = { parent: choice.parent, via: 'trace', inferred: sharing.length > 1, confidence: sharing.length > 1 ? choice.confidence : 1 };
      } else {
        const elsewhere = this.sameTraceElsewhere(item);
        if (elsewhere !== undefined) {
          // The caller's own inbound request was not captured (another bridge, a sidecar): attach to the
          // innermost exchange of the same trace still open, which is an ancestor.
          decision = { parent: elsewhere, via: 'trace', inferred: true, confidence: 0.5 };
        } else if (unrelated.length > 0) {
          return fromTiming(chooseParent(item, unrelated, this.fit, queued, this.owed));
        } else {
          // Every candidate carries ids of another tree: the ids say this call starts a tree of its own.
          if (timing !== undefined) this.counts.disagreements++;
          return fromTiming(undefined);
        }
      }
    }
    if (timing !== undefined) {
      if (timing.parent === decision.parent) this.counts.agreements++;
      else this.counts.disagreements++;
    }
    return decision;
  }

  private spanParent(item: WorkItem, candidates: readonly WorkItem[]): WorkItem | undefined {
    const wanted = item.ids.parentSpanId;
    for (const candidate of candidates) if (candidate.ids.spanId === wanted && relateIds(item.ids, candidate.ids) !== 'conflict') return candidate;
    const traceId = item.ids.traceId;
    if (traceId === undefined) return undefined;
    const group: WorkItem[] = [];
    this.byTrace.collect(traceId, item.start, group, (c) => c.ids.spanId === wanted);
    return group[0];
  }

  private sameTraceElsewhere(item: WorkItem): WorkItem | undefined {
    const traceId = item.ids.traceId;
    if (traceId === undefined) return undefined;
    const group: WorkItem[] = [];
    this.byTrace.collect(traceId, item.start, group, (c) => relateIds(item.ids, c.ids) === 'shared');
    let best: WorkItem | undefined;
    for (const candidate of group) if (best === undefined || candidate.start > best.start) best = candidate;
    return best;
  }

  private link(item: WorkItem, decision: Decision): void {
    const parent = decision.parent;
    const link = item.node.link;
    link.via = decision.via;
    link.inferred = decision.inferred;
    link.confidence = decision.confidence;
    const horizon = Math.max(item.openUntil, item.start);
    if (parent !== undefined && parent.tree !== undefined) {
      const tree = parent.tree;
      item.parent = parent;
      item.tree = tree;
      parent.children.push(item);
      parent.node.children.push(item.node);
      link.parentId = parent.node.id;
      link.depth = parent.node.link.depth + 1;
      link.traceId = tree.traceId;
      tree.size++;
      if (link.depth > tree.depth) tree.depth = link.depth;
      if (horizon > tree.horizon) tree.horizon = horizon;
      this.counts.links[decision.via as 'span' | 'trace' | 'timing']++;
      if (this.graph !== undefined && (!decision.inferred || decision.confidence >= LEARN_CONFIDENCE)) this.graph.learn(parent, item);
      return;
    }
    link.via = 'root';
    link.inferred = false;
    link.confidence = 1;
    const tree: TreeState = {
      root: item,
      traceId: item.ids.traceId ?? `t${item.exchange.seq}`,
      horizon,
      size: 1,
      depth: 0,
      emitted: false,
    };
    item.tree = tree;
    link.traceId = tree.traceId;
    this.openTrees.push({ horizon, tree });
    // While warming up, trees are held (at most warmupExchanges): they will be built again.
    while (this.held === undefined && this.openTrees.size > this.maxOpenTrees) {
      this.counts.forced++;
      this.emit((this.openTrees.pop() as TreeEntry).tree);
    }
  }

  /** Emits trees no later exchange can join: every window in them closed before the cursor. */
  private closeTrees(): void {
    if (this.held !== undefined) {
      if (!this.warmupDue) return;
      this.endWarmup();
    }
    this.settleBefore(this.cursor - this.settleNs);
    // A tree waits for the refinement of every call that could still join or leave it.
    const next = this.unsettled[this.unsettledHead];
    const boundary = next === undefined ? this.cursor : Math.min(this.cursor, next.start);
    for (;;) {
      const top = this.openTrees.peek();
      if (top === undefined || top.horizon >= boundary) return;
      this.openTrees.pop();
      if (top.tree.horizon > top.horizon) this.openTrees.push({ horizon: top.tree.horizon, tree: top.tree });
      else this.emit(top.tree);
    }
  }

  /** The gaps of a settled request teach what is usual for its endpoint (gap-scales.ts). */
  private learnGaps(parent: WorkItem): void {
    const calls = parent.children;
    if (calls.length === 0) {
      if (parent.respStart < Infinity) this.scales.add(`a ${keyOf(parent)}`, parent.respStart - parent.reqEnd);
      return;
    }
    const key = keyOf(parent);
    let last = -Infinity;
    const first = new Map<number, number>();
    for (const call of calls) {
      if (call.end > last) last = call.end;
      const trigger = triggerOf(parent, call, calls);
      if (call.queued) {
        this.scales.add(`q ${key}`, call.start - trigger);
        continue;
      }
      const seen = first.get(trigger);
      if (seen === undefined) first.set(trigger, call.start);
      else if (call.start < seen) {
        this.scales.add(`s ${key}`, seen - call.start);
        first.set(trigger, call.start);
      } else this.scales.add(`s ${key}`, call.start - seen);
    }
    for (const [trigger, start] of first) this.scales.add(`t ${key}`, start - trigger);
    if (parent.respStart >= last) this.scales.add(`a ${key}`, parent.respStart - last);
  }

  /** Refines the calls that started before `limit` (refine.ts), once the oldest of them is a slice older. */
  private settleBefore(limit: number): void {
    const head = this.unsettled[this.unsettledHead];
    if (head !== undefined && head.start < limit - SETTLE_SLICE_NS) this.settle(limit);
  }

  private settle(limit: number): void {
    const batch: WorkItem[] = [];
    while (this.unsettledHead < this.unsettled.length && this.unsettled[this.unsettledHead].start < limit) batch.push(this.unsettled[this.unsettledHead++]);
    if (this.unsettledHead > 1024 && this.unsettledHead * 2 > this.unsettled.length) {
      this.unsettled = this.unsettled.slice(this.unsettledHead);
      this.unsettledHead = 0;
    }
    if (batch.length === 0) return;
    this.counts.refined += refineCalls(batch, this.model, this.reparent);
    for (const call of batch) call.candidates = undefined;
  }

  /** Moves `call` and its subtree under `parent` (both in trees not emitted yet). */
  private readonly reparent = (call: WorkItem, parent: WorkItem): void => {
    const old = call.parent;
    if (old !== undefined) {
      old.children.splice(old.children.indexOf(call), 1);
      old.node.children.splice(old.node.children.indexOf(call.node), 1);
    }
    let at = parent.children.length;
    while (at > 0 && startsAfter(parent.children[at - 1], call)) at--;
    parent.children.splice(at, 0, call);
    parent.node.children.splice(at, 0, call.node);
    call.parent = parent;
    call.node.link.parentId = parent.node.id;
    const tree = parent.tree as TreeState;
    const stack = [call];
    while (stack.length > 0) {
      const item = stack.pop() as WorkItem;
      item.tree = tree;
      item.node.link.traceId = tree.traceId;
      item.node.link.depth = (item.parent as WorkItem).node.link.depth + 1;
      const horizon = Math.max(item.openUntil, item.start);
      if (horizon > tree.horizon) tree.horizon = horizon;
      for (const child of item.children) stack.push(child);
    }
  };

  private emit(tree: TreeState): void {
    if (tree.emitted) return;
    tree.emitted = true;
    // Closed items take no more children (matters when a tree is emitted early). Links may have moved
    // since the tree was opened (refine.ts): size and depth are counted now, and the final calls teach.
    let size = 0;
    let depth = 0;
    const stack = [tree.root];
    while (stack.length > 0) {
      const item = stack.pop() as WorkItem;
      item.closed = true;
      this.settledLinks.add(item.node.link);
      size++;
      if (item.node.link.depth > depth) depth = item.node.link.depth;
      // Only calls placed with confidence teach: a pattern learnt from doubtful links would lock its mistakes in.
      if (item.responded && item.children.every(sure)) {
        this.patterns?.learn(item);
        this.learnGaps(item);
      }
      for (const child of item.children) stack.push(child);
    }
    tree.size = size;
    tree.depth = depth;
    this.counts.traces++;
    this.ready.push({ traceId: tree.traceId, root: tree.root.node, size: tree.size, depth: tree.depth });
  }
}

/** Links as confident as those that teach the call graph teach patterns and gaps (0.8 and 0.95 did worse on the recorded runs). */
const TEACH_CONFIDENCE = LEARN_CONFIDENCE;

function sure(call: WorkItem): boolean {
  return call.node.link.confidence >= TEACH_CONFIDENCE;
}

function countsSignature(counts: ReadonlyMap<string, ReadonlyMap<string, number>>): string {
  const lines: string[] = [];
  for (const [parent, calls] of counts) for (const [child, n] of calls) lines.push(`${parent}\t${child}\t${n}`);
  return lines.sort().join('\n');
}

/** Order of calls under a parent: start, then sequence. */
function startsAfter(a: WorkItem, b: WorkItem): boolean {
  return a.start > b.start || (a.start === b.start && a.exchange.seq > b.exchange.seq);
}

/** `read()` while `parent` has `instead` in place of its call `call` (its calls in start order). */
function owedWith<T>(parent: WorkItem, call: WorkItem, instead: WorkItem, read: () => T): T {
  const calls = parent.children;
  const saved = calls.slice();
  calls.splice(calls.indexOf(call), 1);
  let at = calls.length;
  while (at > 0 && startsAfter(calls[at - 1], instead)) at--;
  calls.splice(at, 0, instead);
  try {
    return read();
  } finally {
    calls.length = 0;
    calls.push(...saved);
  }
}

function unnamedServer(item: WorkItem): boolean {
  return item.serverKey === undefined;
}

function fromTiming(choice: Choice | undefined): Decision {
  return choice === undefined
    ? { parent: undefined, via: 'root', inferred: false, confidence: 1 }
    : { parent: choice.parent, via: 'timing', inferred: true, confidence: choice.confidence };
}
