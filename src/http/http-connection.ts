import type { ConnectionInfo, Direction, EndReason, StreamHandler } from '../model/connection.js';
import type { Body, Exchange, ExchangeSink, RequestHead, ResponseHead, Termination } from '../model/exchange.js';
import type { Stats } from '../model/stats.js';
import type { Timestamp } from '../model/time.js';
import type { SlabAllocator } from './body-collector.js';
import {
  DirectionParser,
  type LostReason,
  type MessageCut,
  type ParserOwner,
  ROLE_REQUEST,
  ROLE_RESPONSE,
  START_REQUEST,
} from './direction-parser.js';
import { HTTP09, isTokenChar } from './head-parser.js';
import { ExchangeQueue } from './exchange-queue.js';
import { OpenExchange } from './open-exchange.js';
import type { VolumeCounts } from './volume-counts.js';

/** What every connection of one pipeline shares. */
export interface HttpContext {
  readonly sink: ExchangeSink;
  readonly stats: Stats;
  /** http.requests / http.responses / http.exchanges, batched (see VolumeCounts). */
  readonly volume: VolumeCounts;
  readonly slabs: SlabAllocator;
  readonly maxBody: number;
  readonly maxHead: number;
}

/** Termination of an exchange still waiting for its response when the server side ends. */
function unansweredTermination(reason: EndReason): Termination {
  return reason === 'reset' ? 'reset' : reason === 'capture-end' ? 'capture-end' : 'no-response';
}

/** Termination of an exchange whose final response was cut short by the end of the stream. */
function cutTermination(cut: MessageCut): Termination | null {
  switch (cut) {
    case 'fin':
    case 'reset':
      return 'reset'; // a sized or chunked response closed early is an aborted response
    case 'idle':
    case 'capture-end':
      return 'capture-end';
    default:
      return null;
  }
}

/** An interim response (1xx but 101) precedes the final one; status 0 is an HTTP/0.9 answer, final. */
function isInterim(status: number): boolean {
  return status >= 100 && status < 200 && status !== 101;
}

/** A 101 that switches to cleartext HTTP/2 (Upgrade: h2c). */
function upgradesToHttp2(head: ResponseHead): boolean {
  for (const h of head.headers) {
    if (h.name.length === 7 && h.name.toLowerCase() === 'upgrade' && h.value.trim().toLowerCase() === 'h2c') return true;
  }
  return false;
}

/**
 * One TCP connection as HTTP: decides which side is the client from content, runs a parser per
 * direction, and pairs responses with requests first-in first-out (pipelining), keeping interim 1xx
 * responses on the exchange they precede. Every begun seq ends in exactly one complete() or abandon().
 */
export class HttpConnection implements StreamHandler, ParserOwner {
  private readonly a: DirectionParser;
  private readonly b: DirectionParser;
  private clientIsA: boolean | null = null;
  /** The handshake was captured: side a is the client and HTTP must start at its first byte. */
  private strict = false;
  /** The first data, gap or end has been seen (and `strict` decided). */
  private started = false;
  /** A head parsed on this connection: it is HTTP. */
  private confirmed = false;
  /** Bytes are no longer parsed: not HTTP, or HTTP/2 from here on. */
  private notHttp = false;
  private http2 = false;
  private sawData = false;
  private sawGap = false;
  /** Bytes skipped before the roles were known; counted once the connection turns out to be HTTP. */
  private preSkipped = 0;
  private nextIndex = 0;
  /** The exchange whose request is being parsed. */
  private requesting: OpenExchange | null = null;
  /** The exchange whose (interim or final) response is being parsed; null for an orphan response. */
  private responding: OpenExchange | null = null;
  /** Exchanges without a final response yet, in request order. */
  private readonly awaiting = new ExchangeQueue();

  constructor(
    private readonly info: ConnectionInfo,
    private readonly ctx: HttpContext,
  ) {
    this.a = new DirectionParser(this, ctx.slabs, ctx.maxBody, ctx.maxHead, info.firstSeen);
    this.b = new DirectionParser(this, ctx.slabs, ctx.maxBody, ctx.maxHead, info.firstSeen);
  }

  /**
   * Decided at the first event, not in the constructor: reassembly makes the handler when it first
   * sees the connection, before it has recorded the SYN that created it.
   */
  private start(): void {
    this.started = true;
    const info = this.info;
    this.strict = info.initiator === 'a' && info.handshake.syn !== undefined;
    if (this.strict) {
      this.clientIsA = true;
      this.a.assumeRole(ROLE_REQUEST);
      this.b.assumeRole(ROLE_RESPONSE);
    }
  }

  // ---- StreamHandler ---------------------------------------------------------------------------

  data(direction: Direction, bytes: Uint8Array, ts: Timestamp): void {
    if (!this.started) this.start();
    if (this.notHttp || bytes.length === 0) return;
    if (!this.sawData) {
      this.sawData = true;
      // With the handshake seen, an HTTP client's first byte starts a method: reject other protocols cheaply.
      if (direction === 'a2b' && !this.sawGap && this.info.initiator === 'a' && !isTokenChar(bytes[0])) {
        this.markNotHttp();
        return;
      }
    }
    (direction === 'a2b' ? this.a : this.b).data(bytes, ts);
  }

  gap(direction: Direction, lostBytes: number, ts: Timestamp): void {
    if (!this.started) this.start();
    this.sawGap = true;
    if (this.notHttp) return;
    (direction === 'a2b' ? this.a : this.b).gap(lostBytes, ts);
  }

  end(direction: Direction, reason: EndReason, ts: Timestamp): void {
    if (!this.started) this.start();
    const parser = direction === 'a2b' ? this.a : this.b;
    const other = direction === 'a2b' ? this.b : this.a;
    parser.end(reason, ts);
    if (parser.role === ROLE_RESPONSE) {
      const t = unansweredTermination(reason);
      for (const ex of this.awaiting.takeAll()) {
        ex.responseDone = true;
        if (ex.termination === null) ex.termination = t;
        if (!ex.requestDone && ex === this.requesting) continue; // completes when its request ends
        this.maybeFinish(ex);
      }
    }
    if (other.ended) this.sweep(reason);
    this.ctx.volume.flush();
  }

  // ---- ParserOwner -----------------------------------------------------------------------------

  rolesFound(parser: DirectionParser, kind: number): void {
    if (this.clientIsA !== null) return;
    const isClient = kind === START_REQUEST;
    this.clientIsA = (parser === this.a) === isClient;
    this.a.role = this.clientIsA ? ROLE_REQUEST : ROLE_RESPONSE;
    this.b.role = this.clientIsA ? ROLE_RESPONSE : ROLE_REQUEST;
  }

  detectionExhausted(parser: DirectionParser): void {
    const other = parser === this.a ? this.b : this.a;
    if (this.confirmed) return;
    if (this.strict || other.gaveUp || other.ended) this.markNotHttp();
  }

  /** The first parsed head: the connection is HTTP, scans are no longer bounded. */
  private confirm(): void {
    this.confirmed = true;
    this.a.probing = false;
    this.b.probing = false;
    this.ctx.stats.count('http.connections');
    if (this.preSkipped > 0) this.ctx.stats.count('http.skipped-bytes', this.preSkipped);
  }

  messageStarted(parser: DirectionParser, ts: Timestamp): void {
    if (parser.role !== ROLE_REQUEST) return;
    const ex = new OpenExchange(this.ctx.sink.begin(ts), ts);
    this.requesting = ex;
    this.awaiting.push(ex);
  }

  requestHead(parser: DirectionParser, head: RequestHead, _ts: Timestamp): void {
    const ex = this.requesting;
    if (ex === null) return;
    ex.request = head;
    ex.index = this.nextIndex++;
    ex.upgradeRequested = parser.upgradeRequested;
    if (!this.confirmed) this.confirm();
    this.ctx.volume.requests++;
  }

  responseHead(_parser: DirectionParser, head: ResponseHead, _ts: Timestamp): string {
    if (!this.confirmed) this.confirm();
    this.ctx.volume.responses++;
    const ex = this.awaiting.first();
    if (ex === null) {
      this.responding = null;
      this.ctx.stats.count('http.orphan-response');
      return '';
    }
    this.responding = ex;
    if (!isInterim(head.status)) this.awaiting.pass();
    return ex.request === null ? '' : ex.request.method;
  }

  simpleResponseExpected(_parser: DirectionParser): boolean {
    const ex = this.awaiting.first();
    return ex !== null && ex.request !== null && ex.request.httpVersion === HTTP09;
  }

  http2Preface(_parser: DirectionParser, _ts: Timestamp): void {
    const ex = this.requesting;
    this.requesting = null;
    if (ex !== null && !ex.closed) {
      this.awaiting.remove(ex);
      ex.closed = true;
      this.ctx.sink.abandon(ex.seq);
    }
    this.countHttp2();
    // Prior knowledge: everything after the preface, both ways, is HTTP/2 frames.
    this.notHttp = true;
    this.a.stop();
    this.b.stop();
  }

  tunnelCarriesHttp(parser: DirectionParser): void {
    this.ctx.stats.count('http.connect-tunnels-with-http');
    (parser === this.a ? this.b : this.a).untunnel();
  }

  messageDone(parser: DirectionParser, body: Body, cut: MessageCut): void {
    if (body.truncated) this.ctx.stats.count('http.body-truncated');
    if (parser.role === ROLE_REQUEST) {
      const ex = this.requesting;
      this.requesting = null;
      if (ex === null || ex.closed) return;
      ex.requestBody = body;
      ex.requestFirst = parser.firstTs;
      ex.requestLast = parser.lastTs;
      ex.requestDone = true;
      this.maybeFinish(ex);
      return;
    }
    const ex = this.responding;
    this.responding = null;
    const head = parser.responseHead;
    if (head !== null && head.status === 101) {
      if (upgradesToHttp2(head)) this.countHttp2();
      // Switched protocols even when the request was not captured: the client side is no longer HTTP/1.
      if (ex === null) this.clientParser().resolveHold(true, parser.lastTs);
    }
    if (ex === null || head === null || ex.closed) return;
    const message = { head, body, firstByte: parser.firstTs, lastByte: parser.lastTs };
    if (isInterim(head.status)) {
      if (ex.interim === null) ex.interim = [];
      ex.interim.push(message);
      return;
    }
    ex.response = message;
    ex.responseDone = true;
    const t = cutTermination(cut);
    if (t !== null) ex.termination = t;
    const connect = ex.request !== null && ex.request.method === 'CONNECT' && head.status >= 200 && head.status < 300;
    const tunnel = head.status === 101 || connect;
    if (tunnel || ex.upgradeRequested) this.clientParser().resolveHold(tunnel, parser.lastTs, connect);
    this.maybeFinish(ex);
  }

  messageLost(parser: DirectionParser, why: LostReason, detail: string, ts: Timestamp): void {
    const stats = this.ctx.stats;
    if (parser.role === ROLE_REQUEST) {
      const ex = this.requesting;
      this.requesting = null;
      stats.count(why === 'gap' ? 'http.request-lost-in-gap' : why === 'end' ? 'http.incomplete-message' : 'http.parse-error');
      if (ex === null || ex.closed) return;
      this.awaiting.remove(ex);
      if (this.responding === ex) this.responding = null;
      ex.closed = true;
      this.ctx.sink.abandon(ex.seq);
      // With the handshake seen, a client whose first bytes are not a request is not speaking HTTP.
      if (this.strict && !this.confirmed && why === 'parse-error') this.markNotHttp();
      return;
    }
    if (why === 'end') return; // the end of the server side settles what is still awaited
    if (why === 'gap') {
      this.responseLostInGap(ts);
      return;
    }
    stats.count('http.parse-error');
    const first = this.awaiting.first();
    if (first !== null) first.addAnomaly('http.parse-error', detail, ts);
  }

  boundaryGap(parser: DirectionParser, ts: Timestamp): void {
    // Server bytes lost while requests wait: they were (part of) the next response.
    if (parser.role === ROLE_RESPONSE) this.responseLostInGap(ts);
  }

  bodyGap(parser: DirectionParser, ts: Timestamp): void {
    const ex = parser.role === ROLE_REQUEST ? this.requesting : this.responding;
    if (ex === null || ex.gapped) return;
    ex.gapped = true;
    ex.addAnomaly('tcp.gap', 'bytes of a message body were not captured', ts);
  }

  anomaly(parser: DirectionParser, code: string, message: string, ts: Timestamp): void {
    this.ctx.stats.count(code);
    const ex = parser.role === ROLE_REQUEST ? this.requesting : this.responding;
    if (ex !== null) ex.addAnomaly(code, message, ts);
  }

  skipped(_parser: DirectionParser, bytes: number): void {
    if (!this.confirmed) this.preSkipped += bytes;
    else this.ctx.stats.count('http.skipped-bytes', bytes);
  }

  tunnelled(bytes: number): void {
    this.ctx.stats.count('http.tunnel-bytes', bytes);
  }

  // ---- pairing and completion ------------------------------------------------------------------

  private clientParser(): DirectionParser {
    return this.clientIsA ? this.a : this.b;
  }

  private responseLostInGap(ts: Timestamp): void {
    const ex = this.awaiting.first();
    if (ex === null) return;
    this.awaiting.pass();
    ex.gapped = true;
    ex.responseDone = true;
    ex.addAnomaly('tcp.gap', 'the response was not captured', ts);
    this.maybeFinish(ex);
  }

  private countHttp2(): void {
    if (this.http2) return;
    this.http2 = true;
    this.ctx.stats.count('http.http2-connections');
  }

  private markNotHttp(): void {
    if (this.notHttp) return;
    this.notHttp = true;
    this.ctx.stats.count('http.not-http-connections');
    this.a.stop();
    this.b.stop();
  }

  /** Both sides have ended: settle whatever is still open so every seq is closed exactly once. */
  private sweep(reason: EndReason): void {
    if (!this.confirmed && this.sawData) this.markNotHttp();
    const t = unansweredTermination(reason);
    const rest = this.awaiting.takeAll();
    if (this.requesting !== null) rest.push(this.requesting);
    if (this.responding !== null) rest.push(this.responding);
    this.requesting = null;
    this.responding = null;
    for (const ex of rest) {
      if (ex.closed) continue;
      ex.requestDone = true;
      ex.responseDone = true;
      if (ex.termination === null && ex.response === undefined) ex.termination = t;
      this.maybeFinish(ex);
    }
  }

  private maybeFinish(ex: OpenExchange): void {
    if (ex.closed || !ex.requestDone || !ex.responseDone) return;
    ex.closed = true;
    const head = ex.request;
    const body = ex.requestBody;
    if (head === null || body === null) {
      this.ctx.sink.abandon(ex.seq);
      return;
    }
    const info = this.info;
    const exchange: Exchange = {
      seq: ex.seq,
      connection: {
        id: info.id,
        client: this.clientIsA === false ? info.b : info.a,
        server: this.clientIsA === false ? info.a : info.b,
        handshake: info.handshake,
        index: ex.index,
      },
      request: { head, body, firstByte: ex.requestFirst, lastByte: ex.requestLast },
      response: ex.response,
      interim: ex.interim ?? [],
      termination: ex.finalTermination(),
      anomalies: ex.anomalies ?? [],
    };
    this.ctx.volume.exchange();
    this.ctx.sink.complete(exchange);
  }
}
