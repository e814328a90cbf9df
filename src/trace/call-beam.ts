import { MinHeap } from './min-heap.js';
import { endpointOf, type WorkItem } from './work-item.js';

/**
 * Which inbound request sent each call of one service, decided for the service's calls together rather
 * than one at a time.
 *
 * A service (one process, one event loop) reads its inputs (a request arriving, a call's response
 * coming back) and writes what each input causes (the calls it triggers, or the answer) while handling
 * it, one input after the other in the order they arrived. Its connection pools hand connections to
 * queued calls first come, first served. So, on the wire, a service's outputs follow its inputs in order:
 * the calls to an endpoint go out in the order their triggers arrived, and so do its answers. Measured on
 * the testbed's gateway (eleven recorded runs, ~1,400 outputs each): with every parent known, outputs
 * out of their triggers' order were 0 on quiet runs, except requests on new connections, which a
 * service reads one turn of its event loop later (it must accept the connection first).
 *
 * Given the endpoint's call pattern (which calls a request makes, which waits for which:
 * pattern-search.ts), each hypothesis of who-called-what says which calls every open request owes, and
 * since when. A hypothesis costs what it breaks of that order:
 * - a call given to a request that began to owe it after another one did (the earlier one was skipped),
 *   in proportion to how far apart they began, saturating at `TAU_NS` (events arriving almost together
 *   may be read either way round); skipping a request on a new connection costs little;
 * - an answer written while another request whose calls had all returned earlier still waits;
 * - a request answering without a call its pattern makes;
 * - a call given to a request that owes none like it (the builder's own choice, kept as a way out where
 *   the pattern does not hold), or to none at all (its request was not captured);
 * A greedy choice is one hypothesis; a wrong one costs nothing at first (the skipped request is not known
 * to be skipped) and a lot later (its calls and answer come out of order). So a beam of the cheapest
 * `width` hypotheses is carried along, event by event in capture time, and the builder makes a decision
 * final once the beam has run well past it (commit(): the cheapest hypothesis decides, those that
 * disagree go). Hypotheses that lead to the same future (same owed calls, same calls in flight for the
 * same requests) are one: only the cheaper is kept, so that the beam holds real alternatives. The
 * cheapest cost over a window also says how well a pattern explains the traffic (beam-score.ts).
 */
export interface BeamPattern {
  /** Step i calls endpoints[i]. */
  endpoints: readonly string[];
  /** after[i]: the step whose end triggers step i, −1 for the request. */
  after: readonly number[];
}

/** What the beam decided about one call. */
export interface BeamDecision {
  call: WorkItem;
  /** undefined: the beam had no parent to offer (the builder's choice stands). */
  parent: WorkItem | undefined;
  /**
   * In (0, 1]: the share of the hypotheses' weight (by cost) that agreed when it was decided, times how
   * clearly it beat the next way on when the call went out (by then the beam has mostly settled; a near
   * tie at the time is doubt still).
   */
  confidence: number;
}

/** Skipping a request that began to owe the call earlier, at full distance (see TAU_NS). */
const SKIP_COST = 3;
/** Distance between two triggers at which a skip costs fully: closer ones are near ties. */
const TAU_NS = 2e6;
/** Factor on skipping a request on a new connection (read a loop turn late, see above). */
const FRESH_FACTOR = 0.05;
/** An answer written before one whose calls had all returned earlier. */
const ANSWER_COST = 3;
/** While calls may be of requests from before the capture: handing one to a request here (see freeUntil). */
const CARRYOVER_COST = 0.3;
/** Per call of its pattern a request answered without. */
const MISSING_COST = 6;
/** A call given to a request that owes none like it. */
export const UNOWED_COST = 6;
/** A call may go out this soon before its trigger is captured (capture stamps of two interfaces, CPUs). */
const SLACK_NS = 50_000;
/** Owed calls offered per call (the earliest): skipping more than this many costs more than any other way. */
const MAX_OPTIONS = 8;
/** Patterns with more steps than this are not used (steps are bits). */
const MAX_STEPS = 30;
/** Open requests of one service past which its calls are left to the builder (each call costs width × open). */
const MAX_OPEN = 512;
/** A call given to none of the requests that owe one like it (its own request was not captured). */
const STRAY_COST = 3;

const ARRIVE = 0;
const OUT = 1;
const DONE = 2;
const ANSWER = 3;
const EXPIRE = 4;

interface BeamEvent {
  time: number;
  kind: number;
  item: WorkItem;
  order: number;
}

interface Owed {
  parent: WorkItem;
  step: number;
  endpoint: string;
  trigger: number;
  fresh: boolean;
}

interface Answer {
  parent: WorkItem;
  trigger: number;
}

interface Progress {
  taken: number;
  done: number;
  lastEnd: number;
}

interface Live {
  call: WorkItem;
  parent: WorkItem;
  /** −1: not a step of the parent's pattern. */
  step: number;
}

interface Node {
  call: WorkItem;
  parent: WorkItem | undefined;
  /** How much dearer the next way on was, when the call went out (negative: this one was not the cheapest). */
  margin: number;
  time: number;
  prev: Node | undefined;
  committed: boolean;
}

/** One way on from a hypothesis at a call, priced before it is built. */
interface Way {
  from: Hypothesis;
  parent: WorkItem | undefined;
  step: number;
  owed: Owed | undefined;
  cost: number;
  margin: number;
  hashA: number;
  hashB: number;
}

interface Hypothesis {
  cost: number;
  owed: Owed[];
  answers: Answer[];
  progress: Map<WorkItem, Progress>;
  live: Live[];
  decisions: Node | undefined;
  /** Order-independent hash of owed, answers, progress and live: equal futures, equal hashes. */
  hashA: number;
  hashB: number;
}

function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  return h ^ (h >>> 15);
}

function mixTime(h: number, t: number): number {
  return mix(mix(h, t % 4294967296 | 0), Math.floor(t / 4294967296) | 0);
}

/** Two independent hashes of one element of a hypothesis's state. */
function elementHash(seedA: number, seedB: number, parts: readonly number[]): [number, number] {
  let a = seedA;
  let b = seedB;
  for (const p of parts) {
    a = mixTime(a, p);
    b = mixTime(b ^ 0x5bd1e995, p);
  }
  return [a, b];
}

const owedHash = (o: Owed) => elementHash(1, 7, [o.parent.exchange.seq, o.step, o.trigger]);
const answerHash = (a: Answer) => elementHash(2, 8, [a.parent.exchange.seq, a.trigger]);
const progressHash = (p: WorkItem, g: Progress) => elementHash(3, 9, [p.exchange.seq, g.taken, g.done, g.lastEnd === -Infinity ? -1 : g.lastEnd]);
const liveHash = (l: Live) => elementHash(4, 10, [l.call.exchange.seq, l.parent.exchange.seq, l.step]);

function add(h: Hypothesis, [a, b]: [number, number]): void {
  h.hashA = (h.hashA + a) | 0;
  h.hashB = (h.hashB + b) | 0;
}

function remove(h: Hypothesis, [a, b]: [number, number]): void {
  h.hashA = (h.hashA - a) | 0;
  h.hashB = (h.hashB - b) | 0;
}

function setProgress(h: Hypothesis, parent: WorkItem, next: Progress | undefined): void {
  const old = h.progress.get(parent);
  if (old !== undefined) remove(h, progressHash(parent, old));
  if (next === undefined) {
    h.progress.delete(parent);
    return;
  }
  h.progress.set(parent, next);
  add(h, progressHash(parent, next));
}

function clone(h: Hypothesis): Hypothesis {
  return { ...h, owed: h.owed.slice(), answers: h.answers.slice(), progress: new Map(h.progress), live: h.live.slice() };
}

function confidenceOf(node: Node, share: number): number {
  const margin = Math.max(0, node.margin);
  return share * (1 - 0.5 * Math.exp(-margin));
}

function bitCount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}

/** A call fits a parent that was open when it went out and had not begun to answer before it returned. */
function fits(call: WorkItem, parent: WorkItem): boolean {
  return parent.reqEnd <= call.issue + SLACK_NS && call.end <= parent.respStart;
}

/** The builder's choice, or an id link that timing must not undo. */
export interface CallHint {
  parent: WorkItem | undefined;
  /** The parent is known (propagated ids): the beam follows it. */
  fixed: boolean;
}

export class CallBeam {
  private readonly events = new MinHeap<BeamEvent>((a, b) => a.time < b.time || (a.time === b.time && (a.kind < b.kind || (a.kind === b.kind && a.order < b.order))));
  private hypotheses: Hypothesis[] = [{ cost: 0, owed: [], answers: [], progress: new Map(), live: [], decisions: undefined, hashA: 0, hashB: 0 }];
  private readonly patterns = new Map<WorkItem, BeamPattern>();
  private readonly open = new Set<WorkItem>();
  private readonly hints = new Map<WorkItem, CallHint>();
  private time = -Infinity;
  private order = 0;

  /**
   * `strayCost`: what a call costs that no open request owes and that has no other parent to go to (the
   * builder keeps its own choice then: 0; scoring patterns (beam-score.ts) counts it against them).
   */
  constructor(
    private readonly patternOf: (parent: WorkItem) => BeamPattern | undefined,
    private readonly width: number,
    private readonly strayCost = 0,
    /**
     * Calls that went out before this (capture time) may belong to requests from before the capture
     * (or window) began: for them, no parent costs nothing, and handing them to a request here costs a
     * little (else each request would hand the call it owes on to the next, for free).
     */
    private readonly freeUntil = -Infinity,
  ) {}

  /** Cost of the cheapest hypothesis so far. */
  get cost(): number {
    return this.hypotheses[0].cost;
  }

  /** An inbound request of the service. */
  addParent(item: WorkItem): void {
    if (item.openUntil === -Infinity) return;
    this.schedule(item.reqEnd, ARRIVE, item);
    if (item.responded) this.schedule(item.respStart, ANSWER, item);
    else this.schedule(item.openUntil, EXPIRE, item);
  }

  /** A call the service made; `hint` is read when the call goes out (capture time). */
  addCall(item: WorkItem, hint: CallHint): void {
    this.hints.set(item, hint);
    this.schedule(item.issue, OUT, item);
    if (item.responded) this.schedule(item.end, DONE, item);
  }

  /** Runs every event before `until` (capture time, ns). */
  run(until: number): void {
    for (;;) {
      const next = this.events.peek();
      if (next === undefined || next.time >= until) return;
      this.events.pop();
      this.time = next.time;
      switch (next.kind) {
        case ARRIVE:
          this.arrive(next.item);
          break;
        case OUT:
          this.out(next.item);
          break;
        case DONE:
          this.done(next.item);
          break;
        default:
          this.answer(next.item, next.kind === ANSWER);
      }
    }
  }

  /**
   * Final decisions on the calls that went out before `before` (and were run): the cheapest hypothesis
   * decides; hypotheses that decided otherwise are dropped. In the order the calls went out.
   */
  commit(before: number): BeamDecision[] {
    const best = this.hypotheses[0];
    let boundary = best.decisions;
    while (boundary !== undefined && !boundary.committed && boundary.time >= before) boundary = boundary.prev;
    if (boundary === undefined || boundary.committed) return [];
    // How much of the beam agrees with each decision (weights fall with cost).
    const votes = new Map<WorkItem, Map<WorkItem | undefined, number>>();
    let total = 0;
    for (const h of this.hypotheses) {
      const weight = Math.exp(best.cost - h.cost);
      total += weight;
      for (let n = h.decisions; n !== undefined && !n.committed; n = n.prev) {
        if (n.time >= before) continue;
        let byParent = votes.get(n.call);
        if (byParent === undefined) votes.set(n.call, (byParent = new Map()));
        byParent.set(n.parent, (byParent.get(n.parent) ?? 0) + weight);
      }
    }
    const nodes: Node[] = [];
    for (let n: Node | undefined = boundary; n !== undefined && !n.committed; n = n.prev) {
      n.committed = true;
      nodes.push(n);
    }
    nodes.reverse();
    const out = nodes.map((n) => ({ call: n.call, parent: n.parent, confidence: confidenceOf(n, (votes.get(n.call)?.get(n.parent) ?? total) / total) }));
    this.hypotheses = this.hypotheses.filter((h) => {
      let n = h.decisions;
      while (n !== undefined && !n.committed && n.time >= before) n = n.prev;
      return n === boundary || (n === undefined && h === best);
    });
    // The history before the boundary is decided: let it go.
    boundary.prev = undefined;
    for (const decision of out) this.hints.delete(decision.call);
    return out;
  }

  private schedule(time: number, kind: number, item: WorkItem): void {
    this.events.push({ time: Math.max(time, this.time), kind, item, order: this.order++ });
  }

  private arrive(parent: WorkItem): void {
    this.open.add(parent);
    const pattern = this.patternOf(parent);
    if (pattern === undefined || pattern.endpoints.length > MAX_STEPS) return;
    this.patterns.set(parent, pattern);
    const fresh = parent.exchange.connection.index === 0;
    for (const h of this.hypotheses) {
      setProgress(h, parent, { taken: 0, done: 0, lastEnd: -Infinity });
      for (let step = 0; step < pattern.endpoints.length; step++) {
        if (pattern.after[step] !== -1) continue;
        const owed: Owed = { parent, step, endpoint: pattern.endpoints[step], trigger: parent.reqEnd, fresh };
        h.owed.push(owed);
        add(h, owedHash(owed));
      }
      if (pattern.endpoints.length === 0 && parent.responded) {
        const answer: Answer = { parent, trigger: parent.reqEnd };
        h.answers.push(answer);
        add(h, answerHash(answer));
      }
    }
  }

  private out(call: WorkItem): void {
    if (this.open.size > MAX_OPEN) {
      // Too many requests at once to weigh hypotheses per call in time: the builder's choice stands.
      for (const h of this.hypotheses) this.assign(h, call, undefined, -1, 0);
      return;
    }
    const endpoint = endpointOf(call);
    const hint = this.hints.get(call) ?? { parent: undefined, fixed: false };
    // Each way to go on is priced (and hashed) first; only those kept are built (cloning is the cost).
    const ways: Way[] = [];
    const options: Owed[] = [];
    for (const h of this.hypotheses) {
      options.length = 0;
      for (const o of h.owed) {
        if (o.endpoint !== endpoint || o.trigger > call.issue + SLACK_NS || !fits(call, o.parent)) continue;
        if (hint.fixed && o.parent !== hint.parent) continue;
        options.push(o);
      }
      options.sort((a, b) => a.trigger - b.trigger);
      const before = ways.length;
      let offered = false;
      for (let j = 0; j < options.length && j < MAX_OPTIONS; j++) {
        const chosen = options[j];
        // Every request that began to owe such a call before the chosen one was skipped.
        let penalty = 0;
        for (let i = 0; i < j; i++) penalty += SKIP_COST * Math.min(1, (chosen.trigger - options[i].trigger) / TAU_NS) * (options[i].fresh ? FRESH_FACTOR : 1);
        // Near the start, a call may be one of a request from before: handing it to the oldest request
        // here, that request's own call to the next and so on costs a little each, against nothing.
        if (call.issue < this.freeUntil) penalty += CARRYOVER_COST;
        ways.push(this.way(h, call, chosen.parent, chosen.step, hint.fixed ? 0 : penalty, chosen));
        if (chosen.parent === hint.parent) offered = true;
      }
      const parent = hint.parent;
      if (!offered && parent !== undefined && this.open.has(parent) && fits(call, parent)) ways.push(this.way(h, call, parent, -1, hint.fixed ? 0 : UNOWED_COST));
      // Nothing to offer: the builder's choice stands.
      const early = call.issue < this.freeUntil;
      if (ways.length === before) ways.push(this.way(h, call, undefined, -1, early ? 0 : this.strayCost));
      // Or its request was not captured at all: else each request would hand the call it owes on to
      // the next (free at each step, a cascade), rather than one call costing once.
      else ways.push(this.way(h, call, undefined, -1, early ? 0 : STRAY_COST));
      for (let i = before; i < ways.length; i++) {
        for (let j = before; j < ways.length; j++) if (j !== i) ways[i].margin = Math.min(ways[i].margin, ways[j].cost - ways[i].cost);
      }
    }
    ways.sort((a, b) => a.cost - b.cost);
    const kept: Hypothesis[] = [];
    const seen = new Set<number>();
    for (const way of ways) {
      if (kept.length >= this.width) break;
      const key = (way.hashA >>> 0) * 2097152 + (way.hashB & 0x1fffff);
      if (seen.has(key)) continue;
      seen.add(key);
      kept.push(this.build(way, call));
    }
    this.hypotheses = kept;
  }

  /** Prices one way on from `h` (the call to `parent` at `step`, through `owed`) without building it. */
  private way(h: Hypothesis, call: WorkItem, parent: WorkItem | undefined, step: number, cost: number, owed?: Owed): Way {
    let hashA = h.hashA;
    let hashB = h.hashB;
    const change = ([a, b]: [number, number], sign: number) => {
      hashA = (hashA + sign * a) | 0;
      hashB = (hashB + sign * b) | 0;
    };
    if (owed !== undefined) {
      change(owedHash(owed), -1);
      const progress = h.progress.get(owed.parent) as Progress;
      change(progressHash(owed.parent, progress), -1);
      change(progressHash(owed.parent, { ...progress, taken: progress.taken | (1 << owed.step) }), 1);
    }
    if (parent !== undefined) change(liveHash({ call, parent, step }), 1);
    return { from: h, parent, step, owed, cost: h.cost + cost, margin: Infinity, hashA, hashB };
  }

  private build(way: Way, call: WorkItem): Hypothesis {
    const c = clone(way.from);
    const owed = way.owed;
    if (owed !== undefined) {
      c.owed.splice(c.owed.indexOf(owed), 1);
      remove(c, owedHash(owed));
      const progress = c.progress.get(owed.parent) as Progress;
      setProgress(c, owed.parent, { ...progress, taken: progress.taken | (1 << owed.step) });
    }
    return this.assign(c, call, way.parent, way.step, way.cost - way.from.cost, way.margin);
  }

  private assign(c: Hypothesis, call: WorkItem, parent: WorkItem | undefined, step: number, cost: number, margin = Infinity): Hypothesis {
    c.cost += cost;
    if (parent !== undefined) {
      const live: Live = { call, parent, step };
      c.live.push(live);
      add(c, liveHash(live));
    }
    c.decisions = { call, parent, margin, time: this.time, prev: c.decisions, committed: false };
    return c;
  }

  private done(call: WorkItem): void {
    const trigger = call.end;
    for (const h of this.hypotheses) {
      const at = h.live.findIndex((l) => l.call === call);
      if (at < 0) continue;
      const live = h.live[at];
      h.live.splice(at, 1);
      remove(h, liveHash(live));
      if (live.step < 0) continue;
      const parent = live.parent;
      const pattern = this.patterns.get(parent) as BeamPattern;
      const progress = h.progress.get(parent);
      if (progress === undefined) continue;
      const updated = { ...progress, done: progress.done | (1 << live.step), lastEnd: Math.max(progress.lastEnd, trigger) };
      setProgress(h, parent, updated);
      for (let step = 0; step < pattern.endpoints.length; step++) {
        if (pattern.after[step] !== live.step) continue;
        const owed: Owed = { parent, step, endpoint: pattern.endpoints[step], trigger, fresh: false };
        h.owed.push(owed);
        add(h, owedHash(owed));
      }
      const all = 2 ** pattern.endpoints.length - 1;
      // Only answers that were captured are ordered (one never seen would hold up every later one).
      if (updated.done === all && parent.responded) {
        const answer: Answer = { parent, trigger: updated.lastEnd };
        h.answers.push(answer);
        add(h, answerHash(answer));
      }
    }
  }

  /** The parent answered (`scored`), or its window closed without an answer. */
  private answer(parent: WorkItem, scored: boolean): void {
    this.open.delete(parent);
    const pattern = this.patterns.get(parent);
    this.patterns.delete(parent);
    for (const h of this.hypotheses) {
      const progress = h.progress.get(parent);
      if (progress !== undefined && pattern !== undefined && scored) h.cost += MISSING_COST * bitCount((2 ** pattern.endpoints.length - 1) & ~progress.taken);
      setProgress(h, parent, undefined);
      const at = h.answers.findIndex((a) => a.parent === parent);
      if (at >= 0) {
        const mine = h.answers[at];
        if (scored) for (const other of h.answers) if (other !== mine && other.trigger < mine.trigger) h.cost += ANSWER_COST * Math.min(1, (mine.trigger - other.trigger) / TAU_NS);
        h.answers.splice(at, 1);
        remove(h, answerHash(mine));
      }
      if (h.owed.some((o) => o.parent === parent)) {
        h.owed = h.owed.filter((o) => {
          if (o.parent !== parent) return true;
          remove(h, owedHash(o));
          return false;
        });
      }
      if (h.live.some((l) => l.parent === parent)) {
        h.live = h.live.filter((l) => {
          if (l.parent !== parent) return true;
          remove(h, liveHash(l));
          return false;
        });
      }
    }
  }
}
