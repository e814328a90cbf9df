import type { Exchange } from '../model/exchange.js';
import type { Timestamp } from '../model/time.js';
import { MinHeap } from './min-heap.js';
import { OpenIndex } from './open-index.js';
import { CallGraph } from './call-graph.js';
import { CallPatterns } from './call-pattern.js';
import { CallCounts } from './call-counts.js';
import { replayCopy, replayScore, searchPatterns, type Evaluate, type SearchedPattern } from './pattern-search.js';
import { beamCost, busyAtStart, carryoverEnd } from './beam-score.js';
import { CallBeam, type BeamDecision, type BeamPattern } from './call-beam.js';
import { chooseParent, type Choice, type Owed } from './parent-choice.js';
import { propagatedIds, propagationNames, relateIds, type PropagatedIds } from './propagation.js';
import type { LinkVia, Trace, TraceCounts, TraceLink } from './trace-types.js';
import { endpointOf, nsAfter, serviceOf, workItem, type TreeState, type WorkItem } from './work-item.js';

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
   * The first exchanges are linked at once but their trees are held until this many have been linked
   * or `warmupSeconds` of capture time have passed; then the call patterns are searched
   * (pattern-search.ts) and the held exchanges linked again with them (their links change in place).
   * Default 1024; 0 holds nothing (patterns are searched later and apply from then on).
   */
  warmupExchanges?: number;
  /** Longest warm-up in capture time (seconds): start-up stalls make the first seconds a poor sample. Default 10. */
  warmupSeconds?: number;
  /**
   * Once the warm-up found the call patterns, each service's calls are assigned to its requests together,
   * by a beam of this many hypotheses over capture time (call-beam.ts), and links by timing are final
   * about a second (of capture time) after the call. 0 keeps the first, greedy choice. Default 16.
   */
  beamWidth?: number;
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
/** Calls the beams decided are released in slices of at least this much capture time (ns). */
const SETTLE_SLICE_NS = 100e6;
/** The beam runs this far behind the latest start: a new connection's SYN comes before its request's first byte. */
const BEAM_MARGIN_NS = 100e6;
/** A beam decision is final once the beam has run this far past the call (its mistakes cost by then). */
const BEAM_LOOKAHEAD_NS = 1e9;
/** Hypotheses per beam when the pattern search scores a structure (dozens of replays of the window). */
const SEARCH_BEAM_WIDTH = 4;
/** Beams run at most this often (capture time). */
const BEAM_SLICE_NS = 20e6;
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
  /** Calls given to beams, in start order, whose trees wait for the beams' decisions. */
  private unsettled: WorkItem[] = [];
  private unsettledHead = 0;
  /** Links that change no more: of emitted trees, decided by a beam, or with nothing to decide. */
  private readonly settledLinks = new WeakSet<TraceLink>();
  private readonly beamWidth: number;
  /** One per service (container, else address) that received requests since the warm-up. */
  private beams = new Map<string, CallBeam>();
  private beamPatterns = new Map<string, BeamPattern>();
  private beamsRunAt = -Infinity;
  /** Services busy when the capture began, and until when their calls may be of requests from before (beam-score.ts). */
  private busyAtStart = new Set<string>();
  private carryoverEnd = -Infinity;

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
    this.beamWidth = replayOf === undefined ? (options.beamWidth ?? 16) : 0;
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
   * it, or will), or its service's beam decided it (about a second of capture time after the call), or
   * there was nothing to decide. Without beams, in 'start' order, every link is final once the warm-up
   * is over.
   */
  isSettled(link: TraceLink): boolean {
    return this.settledLinks.has(link) || (!this.beamsOn && !this.completionOrder && this.held === undefined);
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
    if (this.beams.size > 0) this.runBeams(Infinity, Infinity);
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
    if (this.callCounts !== undefined && !this.relinking) this.remember(item);
    this.link(item, decision);
    if (this.beamsOn) this.feedBeams(item, decision);
    if (this.held !== undefined && !this.relinking) this.held.push(item);
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

  /**
   * `window`: the exchanges to judge structures on, else the replay window (the latest); `busyStart`:
   * it begins while services were busy.
   */
  private search(window?: readonly Exchange[], busyStart = false): void {
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
      const builder = new TraceBuilder({ ...this.options, useIds: false, inputOrder: 'start' }, patterns);
      const traces: Trace[] = [];
      for (const exchange of this.recentInOrder()) {
        builder.add(exchange);
        for (const trace of builder.drain()) traces.push(trace);
      }
      for (const trace of builder.finish()) traces.push(trace);
      return traces;
    };
    // With beams, a structure is as good as the beam's cheapest explanation of the window under it;
    // without, or where the window begins mid-traffic, as the trees a greedy replay builds with it. (A
    // beam must also place the calls of requests from before the window, and a wrong structure can
    // explain them better: on recorded runs cut mid-traffic 88% with the beam's judgement, 93% so.)
    const evaluate: Evaluate =
      this.beamWidth > 0 && !busyStart ? (patterns) => -beamCost(window ?? this.recentInOrder(), beamPatternsOf(patterns), Math.min(this.beamWidth, SEARCH_BEAM_WIDTH), this.maxParentNs) : replayScore(replay, counts.all());
    // With beams, what was found from where the capture began is kept; later searches add endpoints
    // seen since. A later window begins mid-traffic, where calls whose requests came before it are
    // handed on under any order, and the counts fitted from timing drift under load: re-searching
    // took a long simulation of a busy gateway from 97% to 32%. Where an endpoint changes what it
    // calls, the beam pays for each call out of pattern and leaves it to the first, greedy choice.
    this.searched = searchPatterns(counts.all(), this.searched, evaluate, {}, this.beamWidth > 0);
    this.searches++;
    const patterns = this.patterns as CallPatterns;
    patterns.clearFixed();
    for (const [endpoint, pattern] of this.searched) patterns.setFixed(endpoint, pattern.steps, pattern.after);
    this.beamPatterns = beamPatternsOf(this.searched);
  }

  /** The replay window, oldest first. */
  private recentInOrder(): Exchange[] {
    const n = this.recent.length;
    if (n < REPLAY_WINDOW) return this.recent;
    return [...this.recent.slice(this.recentNext), ...this.recent.slice(0, this.recentNext)];
  }

  /** Beams assign calls once the warm-up is over and patterns were found (and not in a replay of the search). */
  private get beamsOn(): boolean {
    return this.beamWidth > 0 && this.held === undefined && this.beamPatterns.size > 0;
  }

  private readonly beamPatternOf = (parent: WorkItem): BeamPattern | undefined => this.beamPatterns.get(endpointOf(parent));

  /** `item` is a request of its server's service and a call of its client's: each beam gets its part. */
  private feedBeams(item: WorkItem, decision: Decision): void {
    const server = serviceOf(item, 'server');
    let beam = this.beams.get(server);
    if (beam === undefined) {
      const free = this.busyAtStart.has(server) ? this.carryoverEnd : -Infinity;
      this.beams.set(server, (beam = new CallBeam(this.beamPatternOf, this.beamWidth, 0, free)));
    }
    beam.addParent(item);
    const caller = this.beams.get(serviceOf(item, 'client'));
    if (caller === undefined || decision.parent === undefined) {
      // Nothing for a beam to decide: final now (a call's parent is decided before its own calls are).
      this.settledLinks.add(item.node.link);
      return;
    }
    caller.addCall(item, { parent: decision.parent, fixed: decision.via === 'span' || (decision.via === 'trace' && !decision.inferred) });
    // Its tree waits until the beam decided (closeTrees).
    this.unsettled.push(item);
  }

  /** Runs the beams up to `until` and applies what they decided about calls before `before`. */
  private runBeams(until: number, before: number): void {
    this.beamsRunAt = until;
    for (const beam of this.beams.values()) {
      beam.run(until);
      for (const decision of beam.commit(before)) this.applyBeam(decision);
    }
  }

  private applyBeam({ call, parent, confidence }: BeamDecision): void {
    const link = call.node.link;
    this.settledLinks.add(link);
    if (parent === undefined || call.closed || link.via !== 'timing' || call.parent === undefined) return;
    link.confidence = Math.round(confidence * 1000) / 1000;
    if (parent === call.parent || parent.tree === undefined || parent.tree.emitted) return;
    this.reparent(call, parent);
    this.counts.refined++;
  }

  /** Searches the patterns, then links every held exchange again, from scratch, with them. */
  private endWarmup(): void {
    const held = this.held as WorkItem[];
    this.held = undefined;
    this.warmupDue = false;
    if (this.callCounts === undefined || held.length === 0) return;
    // Judged from where the capture began: a window that begins mid-traffic has calls whose requests
    // came before it, and a beam that must place them explains any structure worse (calls handed on).
    this.busyAtStart = busyAtStart(held);
    this.search(
      held.slice(0, REPLAY_WINDOW).map((item) => item.exchange),
      this.busyAtStart.size > 0,
    );
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
    this.beams = new Map();
    this.beamsRunAt = -Infinity;
    this.carryoverEnd = carryoverEnd(held);
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
    const beamTime = this.cursor - BEAM_MARGIN_NS;
    if (this.beams.size > 0 && beamTime - this.beamsRunAt >= BEAM_SLICE_NS) this.runBeams(beamTime, beamTime - BEAM_LOOKAHEAD_NS);
    this.settleBefore(this.cursor - BEAM_MARGIN_NS - BEAM_LOOKAHEAD_NS - BEAM_SLICE_NS);
    // A tree waits for the beams' decision on every call that could still join or leave it.
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

  /** Releases the calls that started before `limit` (their beams decided), once the oldest of them is a slice older. */
  private settleBefore(limit: number): void {
    const head = this.unsettled[this.unsettledHead];
    if (head !== undefined && head.start < limit - SETTLE_SLICE_NS) this.settle(limit);
  }

  private settle(limit: number): void {
    while (this.unsettledHead < this.unsettled.length && this.unsettled[this.unsettledHead].start < limit) this.unsettledHead++;
    if (this.unsettledHead > 1024 && this.unsettledHead * 2 > this.unsettled.length) {
      this.unsettled = this.unsettled.slice(this.unsettledHead);
      this.unsettledHead = 0;
    }
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
    // since the tree was opened (call-beam.ts): size and depth are counted now, and the final calls teach.
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
      if (item.responded && item.children.every(sure)) this.patterns?.learn(item);
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

function beamPatternsOf(searched: ReadonlyMap<string, SearchedPattern>): Map<string, BeamPattern> {
  const out = new Map<string, BeamPattern>();
  for (const [endpoint, pattern] of searched) out.set(endpoint, { endpoints: pattern.steps.map((step) => step.endpoint), after: pattern.after });
  return out;
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

function unnamedServer(item: WorkItem): boolean {
  return item.serverKey === undefined;
}

function fromTiming(choice: Choice | undefined): Decision {
  return choice === undefined
    ? { parent: undefined, via: 'root', inferred: false, confidence: 1 }
    : { parent: choice.parent, via: 'timing', inferred: true, confidence: choice.confidence };
}
