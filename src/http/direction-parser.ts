import type { EndReason } from '../model/connection.js';
import type { Body, RequestHead, ResponseHead } from '../model/exchange.js';
import type { Timestamp } from '../model/time.js';
import { BodyCollector, type SlabAllocator } from './body-collector.js';
import { CR, findHeadEnd, latin1, LF, matchStartLine, MAX_START_LINE, START_REQUEST, START_STATUS } from './bytes.js';
import {
  HeadFacts,
  HTTP09,
  isRequestLine,
  isTokenChar,
  parseLenientRequestLine,
  parseRequestHead,
  parseResponseHead,
  simpleResponseHead,
  startsHeaderLine,
} from './head-parser.js';
import { parseHeaderLines } from './header-lines.js';

/**
 * The incremental HTTP/1.x parser for one direction of a connection: finds message starts (also in
 * the middle of a stream), parses heads, frames bodies (RFC 9112 §6) and reports each step to its
 * owner, which pairs requests with responses. It never throws on traffic: malformed input becomes a
 * report to the owner and a resynchronisation.
 */

export const ROLE_UNKNOWN = 0;
export const ROLE_REQUEST = 1;
export const ROLE_RESPONSE = 2;

/** How a message ended: '' complete, 'gap' / 'error' cut by lost or malformed framing, or the stream end. */
export type MessageCut = '' | 'gap' | 'error' | EndReason;

/** Why a message whose head never completed was dropped. */
export type LostReason = 'parse-error' | 'gap' | 'end' | 'head-too-long';

export interface ParserOwner {
  /** A parser of unknown role found a start line of this kind (START_REQUEST / START_STATUS). */
  rolesFound(parser: DirectionParser, kind: number): void;
  /** A parser of unknown role scanned its budget without finding HTTP. */
  detectionExhausted(parser: DirectionParser): void;
  /** The first byte of a message (at a boundary, or the start line found by a scan). */
  messageStarted(parser: DirectionParser, ts: Timestamp): void;
  requestHead(parser: DirectionParser, head: RequestHead, ts: Timestamp): void;
  /** Returns the method of the request this response answers, '' when it answers none. */
  responseHead(parser: DirectionParser, head: ResponseHead, ts: Timestamp): string;
  /** The next response answers an HTTP/0.9 request: bytes without a status line are its body. */
  simpleResponseExpected(parser: DirectionParser): boolean;
  /** The client sent the HTTP/2 connection preface (PRI * HTTP/2.0): nothing after it is HTTP/1. */
  http2Preface(parser: DirectionParser, ts: Timestamp): void;
  /** The first bytes in a CONNECT tunnel are an HTTP request: the other side stops tunnelling too. */
  tunnelCarriesHttp(parser: DirectionParser): void;
  /** A message whose head was parsed ended; heads and timestamps are still on the parser. */
  messageDone(parser: DirectionParser, body: Body, cut: MessageCut): void;
  /** A started message never got a complete head. */
  messageLost(parser: DirectionParser, why: LostReason, detail: string, ts: Timestamp): void;
  /** Bytes went missing between messages. */
  boundaryGap(parser: DirectionParser, ts: Timestamp): void;
  /** Bytes of the current message's body went missing (counted in the body). */
  bodyGap(parser: DirectionParser, ts: Timestamp): void;
  anomaly(parser: DirectionParser, code: string, message: string, ts: Timestamp): void;
  skipped(parser: DirectionParser, bytes: number): void;
  tunnelled(bytes: number): void;
}

const S_DETECT = 0;
const S_HEAD = 1;
const S_SIZED = 2;
const S_CHUNK_SIZE = 3;
const S_CHUNK_DATA = 4;
const S_CHUNK_END = 5;
const S_TRAILERS = 6;
const S_CLOSE = 7;
const S_TUNNEL = 8;
const S_HOLD = 9;
const S_DEAD = 10;
/** The first bytes after CONNECT 2xx decide: a request line keeps HTTP, anything else (TLS) is a tunnel. */
const S_PROBE = 11;

/** Bytes a parser of unknown role scans for a start line before deciding the stream is not HTTP. */
export const DETECT_LIMIT = 64 * 1024;
/** Client bytes held while an Upgrade/CONNECT request waits for its response. */
const HOLD_LIMIT = 64 * 1024;
/** Longest rest of a chunk taken as one head without searching for its end (see head()); ≤ the smallest maxHead. */
const TAIL_HEAD = 1024;
/** Longest chunk-size or trailer line. */
const MAX_LINE = 8192;
const CH_H = 0x48;

const EMPTY: Uint8Array = new Uint8Array(0);

export class DirectionParser {
  role = ROLE_UNKNOWN;
  /** Until the connection has shown HTTP, scans are bounded by DETECT_LIMIT. */
  probing = true;
  /** Timestamps of the current (or just finished) message. */
  firstTs: Timestamp;
  lastTs: Timestamp;
  requestHead: RequestHead | null = null;
  responseHead: ResponseHead | null = null;
  ended = false;

  private state = S_DETECT;
  private readonly facts = new HeadFacts();
  private readonly body: BodyCollector;
  private msgStarted = false;
  private remaining = 0;
  /** State after the current message: the next head, or holding/tunnelling after Upgrade/CONNECT. */
  private afterBody = S_HEAD;
  private crSeen = false;
  private firstLineChecked = false;

  /** Partial head, start line, chunk-size or trailer line carried across chunks (owned copy). */
  private carry = EMPTY;
  private carryLen = 0;
  private carryTs: Timestamp;
  /** While scanning: whether the next byte begins a line. */
  private lineStart = true;
  /** Bytes scanned while the role is unknown. */
  private scanned = 0;

  private held: Uint8Array[] | null = null;
  private heldTs: Timestamp[] | null = null;
  private heldLen = 0;
  private holdBroken = false;

  /** Result of readLine(): the line is buf[lineFrom, lineTo) without its line ending. */
  private lineBuf = EMPTY;
  private lineFrom = 0;
  private lineTo = 0;

  constructor(
    private readonly owner: ParserOwner,
    slabs: SlabAllocator,
    maxBody: number,
    private readonly maxHead: number,
    startTs: Timestamp,
  ) {
    this.body = new BodyCollector(slabs, maxBody);
    this.firstTs = startTs;
    this.lastTs = startTs;
    this.carryTs = startTs;
  }

  /** The request just parsed asks to switch protocols (Upgrade header, or CONNECT). */
  get upgradeRequested(): boolean {
    return this.afterBody === S_HOLD;
  }

  get inTunnel(): boolean {
    return this.state === S_TUNNEL;
  }

  get gaveUp(): boolean {
    return this.state === S_DEAD;
  }

  /** Roles known from the handshake: the stream starts at a message boundary. */
  assumeRole(role: number): void {
    this.role = role;
    this.state = S_HEAD;
  }

  /** Give the stream up (connection not HTTP): later bytes are ignored without looking. */
  stop(): void {
    this.state = S_DEAD;
    this.carry = EMPTY;
    this.carryLen = 0;
  }

  /** Body bytes of a known length (a Content-Length body or one chunk): takes up to `remaining`. */
  private sizedBytes(bytes: Uint8Array, pos: number, ts: Timestamp): number {
    const n = Math.min(bytes.length - pos, this.remaining);
    this.body.append(bytes, pos, pos + n);
    this.remaining -= n;
    this.lastTs = ts;
    return pos + n;
  }

  data(bytes: Uint8Array, ts: Timestamp): void {
    let pos = 0;
    const end = bytes.length;
    while (pos < end) {
      switch (this.state) {
        case S_DETECT:
          pos = this.detect(bytes, pos, ts);
          break;
        case S_HEAD:
          pos = this.head(bytes, pos, ts);
          break;
        case S_SIZED:
          pos = this.sizedBytes(bytes, pos, ts);
          if (this.remaining === 0) this.finish('');
          break;
        case S_CHUNK_SIZE:
          pos = this.chunkSize(bytes, pos, ts);
          break;
        case S_CHUNK_DATA:
          pos = this.sizedBytes(bytes, pos, ts);
          if (this.remaining === 0) this.state = S_CHUNK_END;
          break;
        case S_CHUNK_END:
          pos = this.chunkEnd(bytes, pos, ts);
          break;
        case S_TRAILERS:
          pos = this.trailers(bytes, pos, ts);
          break;
        case S_CLOSE:
          this.body.append(bytes, pos, end);
          this.lastTs = ts;
          pos = end;
          break;
        case S_TUNNEL:
          this.owner.tunnelled(end - pos);
          pos = end;
          break;
        case S_HOLD:
          this.hold(bytes, pos, ts);
          pos = end;
          break;
        case S_PROBE:
          pos = this.probe(bytes, pos, ts);
          break;
        default:
          pos = end;
      }
    }
  }

  gap(lost: number, ts: Timestamp): void {
    switch (this.state) {
      case S_DETECT:
        this.carryLen = 0;
        this.lineStart = true; // the bytes after a gap may start a message: the line check decides
        break;
      case S_HEAD:
        this.carryLen = 0;
        if (this.msgStarted) {
          this.msgStarted = false;
          this.owner.messageLost(this, 'gap', 'bytes lost in the message head', ts);
        } else {
          this.owner.boundaryGap(this, ts);
        }
        this.resync(true);
        break;
      case S_SIZED:
      case S_CHUNK_DATA:
        this.owner.bodyGap(this, ts);
        if (lost <= this.remaining) {
          this.body.lose(lost);
          this.remaining -= lost;
          if (this.remaining === 0) {
            if (this.state === S_SIZED) this.finish('');
            else this.state = S_CHUNK_END;
          }
        } else {
          // The gap runs past the end of the body: where the next message starts is unknown.
          this.body.lose(this.remaining);
          this.finish('gap');
          this.resync(true);
        }
        break;
      case S_CHUNK_SIZE:
      case S_CHUNK_END:
      case S_TRAILERS:
        this.carryLen = 0;
        this.owner.bodyGap(this, ts);
        this.finish('gap');
        this.resync(true);
        break;
      case S_CLOSE:
        this.owner.bodyGap(this, ts);
        this.body.lose(lost);
        break;
      case S_TUNNEL:
        this.owner.tunnelled(lost);
        break;
      case S_HOLD:
        this.holdBroken = true;
        break;
      case S_PROBE:
        this.endProbe();
        this.owner.tunnelled(lost);
        break;
      default:
    }
  }

  end(reason: EndReason, ts: Timestamp): void {
    this.ended = true;
    switch (this.state) {
      case S_HEAD:
        if (this.msgStarted) {
          this.msgStarted = false;
          this.owner.messageLost(this, 'end', 'the stream ended inside a message head', ts);
        }
        break;
      case S_SIZED:
      case S_CHUNK_SIZE:
      case S_CHUNK_DATA:
      case S_CHUNK_END:
      case S_TRAILERS:
        this.owner.anomaly(this, 'http.incomplete-message', `the stream ended (${reason}) inside a message body`, ts);
        this.finish(reason);
        break;
      case S_CLOSE:
        // A close-delimited body is complete at FIN; other ends leave it cut.
        this.finish(reason === 'fin' ? '' : reason);
        break;
      default:
    }
    this.state = S_DEAD;
    this.carry = EMPTY;
    this.carryLen = 0;
    this.held = null;
    this.heldTs = null;
  }

  /**
   * The response to an Upgrade/CONNECT request (or any 101) decided what follows on this client side:
   * a tunnel (raw bytes, not HTTP) or more HTTP requests (held bytes are parsed now). With `probe`
   * (CONNECT 2xx) the tunnel's first bytes decide: a request line means plain HTTP to the target
   * (a forward proxy), anything else (TLS) stays an opaque tunnel.
   */
  resolveHold(tunnel: boolean, ts: Timestamp, probe = false): void {
    if (tunnel && probe && (this.state === S_HOLD || (this.state === S_HEAD && !this.msgStarted && this.carryLen === 0))) {
      const held = this.held;
      const heldTs = this.heldTs;
      const broken = this.holdBroken;
      this.held = null;
      this.heldTs = null;
      this.heldLen = 0;
      this.holdBroken = false;
      this.state = broken ? S_TUNNEL : S_PROBE;
      if (held !== null && heldTs !== null) for (let i = 0; i < held.length; i++) this.data(held[i], heldTs[i]);
      return;
    }
    if (this.state === S_HOLD) {
      const held = this.held;
      const heldTs = this.heldTs;
      const broken = this.holdBroken;
      this.held = null;
      this.heldTs = null;
      this.heldLen = 0;
      this.holdBroken = false;
      if (tunnel) {
        this.state = S_TUNNEL;
        if (held !== null) for (const chunk of held) this.owner.tunnelled(chunk.length);
        return;
      }
      this.state = S_HEAD;
      if (broken) this.resync(true);
      if (held !== null && heldTs !== null) for (let i = 0; i < held.length; i++) this.data(held[i], heldTs[i]);
      return;
    }
    if (!tunnel) {
      if (this.afterBody === S_HOLD) this.afterBody = S_HEAD;
      return;
    }
    switch (this.state) {
      case S_DETECT:
      case S_HEAD:
        if (this.msgStarted) {
          this.msgStarted = false;
          this.owner.messageLost(this, 'parse-error', 'bytes after a protocol switch', ts);
        }
        if (this.carryLen > 0) this.owner.tunnelled(this.carryLen);
        this.carryLen = 0;
        this.state = S_TUNNEL;
        break;
      case S_DEAD:
      case S_TUNNEL:
        break;
      default:
        this.afterBody = S_TUNNEL; // a request body still in flight: tunnel once it ends
    }
  }

  /** The client found HTTP inside the CONNECT tunnel: this (server) side parses responses again. */
  untunnel(): void {
    if (this.state === S_TUNNEL) this.state = S_HEAD;
  }

  /** Switch to tunnelling right now (the response side after a 101 or CONNECT 2xx head). */
  private tunnelAfterMessage(): void {
    this.afterBody = S_TUNNEL;
  }

  // ---- the first bytes inside a CONNECT tunnel ----------------------------------------------

  private probe(bytes: Uint8Array, pos: number, ts: Timestamp): number {
    const end = bytes.length;
    // TLS (0x16) and other binary protocols show in the first byte; a request starts with a token.
    if (this.carryLen === 0 && !isTokenChar(bytes[pos])) {
      this.endProbe();
      return pos;
    }
    const lf = bytes.indexOf(LF, pos);
    if (lf < 0) {
      if (this.carryLen + end - pos > MAX_START_LINE) {
        this.endProbe();
        return pos;
      }
      if (this.carryLen === 0) this.carryTs = ts;
      this.appendCarry(bytes, pos, end);
      return end;
    }
    if (this.carryLen === 0) this.carryTs = ts;
    this.appendCarry(bytes, pos, lf + 1);
    if (matchStartLine(this.carry, 0, this.carryLen - 1) !== START_REQUEST) {
      this.endProbe();
      return lf + 1;
    }
    // The carry holds the start line; the head parser continues from it.
    this.state = S_HEAD;
    this.firstLineChecked = true;
    this.owner.tunnelCarriesHttp(this);
    this.beginMessage(this.carryTs);
    return lf + 1;
  }

  /** The tunnel is not HTTP: what the probe held is tunnelled, like everything after it. */
  private endProbe(): void {
    this.state = S_TUNNEL;
    if (this.carryLen > 0) this.owner.tunnelled(this.carryLen);
    this.carryLen = 0;
  }

  // ---- scanning for a start line -------------------------------------------------------------

  private detect(bytes: Uint8Array, pos: number, ts: Timestamp): number {
    const end = bytes.length;
    if (this.carryLen > 0) {
      // A candidate line began in an earlier chunk.
      const lf = bytes.indexOf(LF, pos);
      if (lf < 0) {
        if (this.carryLen + end - pos <= MAX_START_LINE) {
          this.appendCarry(bytes, pos, end);
          return end;
        }
        this.dropCarry();
        this.lineStart = false;
        this.countSkipped(end - pos);
        return end;
      }
      this.appendCarry(bytes, pos, lf + 1);
      if (this.accepts(matchStartLine(this.carry, 0, this.carryLen - 1))) {
        // The carry holds the start line; the head parser continues from it.
        this.state = S_HEAD;
        this.firstLineChecked = true;
        this.beginMessage(this.carryTs);
        return lf + 1;
      }
      this.dropCarry();
      this.lineStart = true;
      pos = lf + 1;
      if (this.state !== S_DETECT) return end;
    }
    const skipFrom = pos;
    while (pos < end) {
      if (this.lineStart && this.couldStart(bytes[pos])) {
        const lf = bytes.indexOf(LF, pos);
        if (lf < 0) {
          if (end - pos > MAX_START_LINE) {
            this.lineStart = false;
            break;
          }
          this.countSkipped(pos - skipFrom);
          if (this.state !== S_DETECT) return end;
          this.carryTs = ts;
          this.appendCarry(bytes, pos, end);
          return end;
        }
        if (this.accepts(matchStartLine(bytes, pos, lf))) {
          this.countSkipped(pos - skipFrom);
          this.state = S_HEAD;
          this.firstLineChecked = true;
          this.beginMessage(ts);
          return pos;
        }
        pos = lf + 1;
        continue;
      }
      const lf = bytes.indexOf(LF, pos);
      if (lf < 0) {
        this.lineStart = false;
        break;
      }
      this.lineStart = true;
      pos = lf + 1;
    }
    this.countSkipped(end - skipFrom);
    return end;
  }

  /** Counts bytes skipped by a scan; a parser of unknown role gives up after DETECT_LIMIT. */
  private countSkipped(n: number): void {
    if (n <= 0) return;
    this.owner.skipped(this, n);
    if (this.probing) {
      this.scanned += n;
      if (this.scanned > DETECT_LIMIT && this.state === S_DETECT) {
        this.stop();
        this.owner.detectionExhausted(this);
      }
    }
  }

  private couldStart(c: number): boolean {
    // Request lines start with a token character, status lines with 'H'.
    return this.role === ROLE_RESPONSE ? c === 0x48 : c > 0x20 && c < 0x7f;
  }

  private accepts(kind: number): boolean {
    if (kind === 0) return false;
    if (this.role === ROLE_UNKNOWN) {
      this.owner.rolesFound(this, kind);
      return this.role !== ROLE_UNKNOWN;
    }
    return (kind === START_REQUEST) === (this.role === ROLE_REQUEST);
  }

  private dropCarry(): void {
    const n = this.carryLen;
    this.carryLen = 0;
    this.countSkipped(n);
  }

  /** Lose sync: scan for the next start line. `atLine` when the next byte may begin a message. */
  private resync(atLine: boolean): void {
    if (this.state === S_DEAD) return; // the owner gave the stream up meanwhile
    this.state = S_DETECT;
    this.carryLen = 0;
    this.lineStart = atLine;
    this.msgStarted = false;
    this.afterBody = S_HEAD;
  }

  // ---- heads -----------------------------------------------------------------------------------

  private beginMessage(ts: Timestamp): void {
    this.msgStarted = true;
    this.firstTs = ts;
    this.lastTs = ts;
    this.owner.messageStarted(this, ts);
  }

  private head(bytes: Uint8Array, pos: number, ts: Timestamp): number {
    const end = bytes.length;
    if (!this.msgStarted) {
      // Empty lines between messages are tolerated (RFC 9112 §2.2).
      while (pos < end && (bytes[pos] === CR || bytes[pos] === LF)) pos++;
      if (pos === end) return end;
      this.firstLineChecked = false;
      this.beginMessage(ts);
      // An answer to an HTTP/0.9 request may have no status line: one byte tells most of them apart.
      if (this.role === ROLE_RESPONSE && bytes[pos] !== CH_H && this.owner.simpleResponseExpected(this)) {
        this.startSimpleResponse(ts);
        return pos;
      }
    }
    this.lastTs = ts;
    if (this.carryLen === 0) {
      // A message that ends the chunk with an empty line (a GET, a bodiless response) needs no
      // search: the head parser stops at the first empty line anyway, wherever it is.
      const tail = end - pos <= TAIL_HEAD && end - pos >= 4 && endsWithEmptyLine(bytes, end);
      const e = tail ? end : findHeadEnd(bytes, pos);
      if (e >= 0 && e - pos <= this.maxHead) {
        return pos + this.parseHead(bytes, pos, e, ts, tail);
      }
      if (e < 0 && end - pos <= this.maxHead) {
        if (this.role === ROLE_REQUEST) {
          const line = this.simpleRequestLength(bytes, pos, end);
          if (line > 0) return pos + this.parseHead(bytes, pos, pos + line, ts);
        }
        this.carryTs = ts;
        this.appendCarry(bytes, pos, end);
        this.checkFirstLine(ts);
        return end;
      }
      this.headTooLong(ts);
      return pos;
    }
    const old = this.carryLen;
    const room = this.maxHead + 4 - old;
    const take = end - pos < room ? end - pos : room;
    this.appendCarry(bytes, pos, pos + take);
    const e = findHeadEnd(this.carry.subarray(0, this.carryLen), old > 3 ? old - 3 : 0);
    if (e >= 0 && e <= this.maxHead) {
      const used = this.parseHead(this.carry, 0, e, ts);
      return this.afterCarriedHead(used, old, pos, ts);
    }
    if (this.carryLen >= this.maxHead) {
      this.headTooLong(ts);
      return pos + take;
    }
    if (!this.firstLineChecked && this.role === ROLE_REQUEST) {
      const line = this.simpleRequestLength(this.carry, 0, this.carryLen);
      if (line > 0) return this.afterCarriedHead(this.parseHead(this.carry, 0, line, ts), old, pos, ts);
    }
    this.checkFirstLine(ts);
    return pos + take;
  }

  /**
   * A head parsed from the carry used `used` of its bytes, of which `old` came from earlier chunks:
   * continue in the current chunk after the head, or parse again carried bytes the head did not use.
   */
  private afterCarriedHead(used: number, old: number, pos: number, ts: Timestamp): number {
    if (used >= old) {
      this.carryLen = 0;
      return pos + used - old;
    }
    const rest = this.carry.slice(used, old);
    this.carryLen = 0;
    this.data(rest, ts);
    return pos;
  }

  /**
   * With no end of head in sight: the length of a request line without a version that no header line
   * follows (an HTTP/0.9 request is that one line, and servers answer it at once), or 0.
   */
  private simpleRequestLength(buf: Uint8Array, from: number, end: number): number {
    const lf = buf.subarray(from, end).indexOf(LF);
    if (lf < 0) return 0;
    const line = latin1(buf, from, lf > 0 && buf[from + lf - 1] === CR ? from + lf - 1 : from + lf);
    if (isRequestLine(line)) return 0;
    const parts = parseLenientRequestLine(line);
    if (parts === undefined || parts.httpVersion !== HTTP09) return 0;
    if (from + lf + 1 < end && startsHeaderLine(latin1(buf, from + lf + 1, end), 0, true)) return 0;
    return lf + 1;
  }

  /** With a head still incomplete, reject early when its first line is already not a start line. */
  private checkFirstLine(ts: Timestamp): void {
    if (this.firstLineChecked || this.state !== S_HEAD) return;
    const lf = this.carry.subarray(0, this.carryLen).indexOf(LF);
    if (lf < 0) return;
    this.firstLineChecked = true;
    const kind = matchStartLine(this.carry, 0, lf);
    if (kind !== 0 && (kind === START_REQUEST) === (this.role === ROLE_REQUEST)) return;
    if (this.role === ROLE_REQUEST && parseLenientRequestLine(latin1(this.carry, 0, lf > 0 && this.carry[lf - 1] === CR ? lf - 1 : lf)) !== undefined) {
      return; // a malformed request line a server would still answer: wait for the end of its head
    }
    if (this.role === ROLE_RESPONSE && this.owner.simpleResponseExpected(this)) {
      this.startSimpleResponse(ts);
      this.body.append(this.carry, 0, this.carryLen);
      this.carryLen = 0;
      return;
    }
    this.msgStarted = false;
    const skipped = this.carryLen;
    this.owner.messageLost(this, 'parse-error', this.role === ROLE_REQUEST ? 'invalid request line' : 'invalid status line', ts);
    this.resync(false);
    this.countSkipped(skipped);
  }

  /** An HTTP/0.9 answer: no status line, no headers; the bytes up to the end of the stream are the body. */
  private startSimpleResponse(ts: Timestamp): void {
    const head = simpleResponseHead();
    this.responseHead = head;
    this.owner.responseHead(this, head, ts);
    this.owner.anomaly(this, 'http.simple-response', 'an HTTP/0.9 response: no status line or headers, the body runs to the end of the stream', ts);
    this.afterBody = S_HEAD;
    this.startBody(-1, false, ts);
  }

  private headTooLong(ts: Timestamp): void {
    this.msgStarted = false;
    this.owner.messageLost(this, 'head-too-long', `no end of head within ${this.maxHead} bytes`, ts);
    this.resync(false);
  }

  /**
   * Parses the head in buf[from, e); returns the bytes it used (an earlier empty line may end it).
   * With `tentative`, e is the end of the chunk rather than of its first CRLFCRLF: paths that do
   * not stop at the head's own empty line find that first.
   */
  private parseHead(buf: Uint8Array, from: number, e: number, ts: Timestamp, tentative = false): number {
    const text = latin1(buf, from, e);
    const facts = this.facts;
    if (this.role === ROLE_REQUEST) {
      const head = parseRequestHead(text, facts);
      if (head === undefined) return this.headError((tentative ? findHeadEnd(buf, from) : e) - from, ts);
      if (head.method === 'PRI' && head.httpVersion === 'HTTP/2.0' && head.target === '*') {
        this.msgStarted = false;
        this.owner.http2Preface(this, ts);
        return (tentative ? findHeadEnd(buf, from) : e) - from;
      }
      this.requestHead = head;
      this.afterBody = head.method === 'CONNECT' || facts.upgrade ? S_HOLD : S_HEAD;
      this.owner.requestHead(this, head, ts);
      if (facts.malformedRequestLine !== '') this.owner.anomaly(this, 'http.malformed-request-line', facts.malformedRequestLine, ts);
      if (facts.malformedLines > 0) this.owner.anomaly(this, 'http.malformed-header', `${facts.malformedLines} malformed header line(s) skipped`, ts);
      this.frameRequest(ts);
    } else {
      const head = parseResponseHead(text, facts);
      if (head === undefined) {
        if (tentative) e = findHeadEnd(buf, from);
        if (!this.owner.simpleResponseExpected(this)) return this.headError(e - from, ts);
        this.startSimpleResponse(ts);
        this.body.append(buf, from, e);
        return e - from;
      }
      this.responseHead = head;
      const method = this.owner.responseHead(this, head, ts);
      if (facts.malformedLines > 0) this.owner.anomaly(this, 'http.malformed-header', `${facts.malformedLines} malformed header line(s) skipped`, ts);
      this.afterBody = S_HEAD;
      this.frameResponse(head.status, method, ts);
    }
    return facts.headLength;
  }

  private headError(length: number, ts: Timestamp): number {
    this.msgStarted = false;
    this.owner.messageLost(this, 'parse-error', this.facts.error, ts);
    this.resync(true);
    return length;
  }

  private frameRequest(ts: Timestamp): void {
    const facts = this.facts;
    if (facts.hasTransferEncoding) {
      if (facts.contentLength >= 0 || facts.contentLengthInvalid) {
        this.owner.anomaly(this, 'http.ambiguous-framing', 'both Transfer-Encoding and Content-Length; Transfer-Encoding wins', ts);
      }
      if (facts.chunked) return this.startBody(-1, true, ts);
      this.owner.anomaly(this, 'http.bad-transfer-encoding', 'request Transfer-Encoding does not end in chunked', ts);
      return this.startBody(0, false, ts);
    }
    if (!this.contentLengthUsable(ts)) return this.startBody(0, false, ts);
    this.startBody(facts.contentLength > 0 ? facts.contentLength : 0, false, ts);
  }

  private frameResponse(status: number, method: string, ts: Timestamp): void {
    const facts = this.facts;
    if (status < 200) {
      if (status === 101) this.tunnelAfterMessage();
      return this.startBody(0, false, ts);
    }
    if (method === 'CONNECT' && status < 300) {
      this.tunnelAfterMessage();
      return this.startBody(0, false, ts);
    }
    if (method === 'HEAD' || status === 204 || status === 304) return this.startBody(0, false, ts);
    if (facts.hasTransferEncoding) {
      if (facts.contentLength >= 0 || facts.contentLengthInvalid) {
        this.owner.anomaly(this, 'http.ambiguous-framing', 'both Transfer-Encoding and Content-Length; Transfer-Encoding wins', ts);
      }
      return facts.chunked ? this.startBody(-1, true, ts) : this.startBody(-1, false, ts);
    }
    if (!this.contentLengthUsable(ts) || facts.contentLength < 0) return this.startBody(-1, false, ts);
    this.startBody(facts.contentLength, false, ts);
  }

  private contentLengthUsable(ts: Timestamp): boolean {
    const facts = this.facts;
    if (facts.contentLengthInvalid) {
      this.owner.anomaly(this, 'http.bad-content-length', 'invalid or conflicting Content-Length', ts);
      return false;
    }
    if (facts.contentLengthRepeated) {
      this.owner.anomaly(this, 'http.bad-content-length', 'repeated Content-Length', ts);
    }
    return true;
  }

  /** length: 0 no body, > 0 sized, -1 chunked (chunked=true) or until close. */
  private startBody(length: number, chunked: boolean, ts: Timestamp): void {
    this.lastTs = ts;
    if (chunked) {
      this.body.start(-1, true);
      this.state = S_CHUNK_SIZE;
    } else if (length < 0) {
      this.body.start(-1, false);
      this.state = S_CLOSE;
    } else if (length === 0) {
      this.body.start(0, false);
      this.finish('');
    } else {
      this.body.start(length, false);
      this.remaining = length;
      this.state = S_SIZED;
    }
  }

  private finish(cut: MessageCut): void {
    const body = this.body.finish();
    this.msgStarted = false;
    this.state = this.afterBody;
    this.afterBody = S_HEAD;
    this.owner.messageDone(this, body, cut);
    this.requestHead = null;
    this.responseHead = null;
  }

  // ---- chunked bodies --------------------------------------------------------------------------

  /**
   * Reads one line from bytes[pos...] (joining a carried part). Returns the position after its LF and
   * sets lineBuf/lineFrom/lineTo, or returns -1 when the line is not complete yet (carried) or too long.
   */
  private readLine(bytes: Uint8Array, pos: number): number {
    const end = bytes.length;
    const lf = bytes.indexOf(LF, pos);
    if (lf < 0) {
      if (this.carryLen + end - pos > MAX_LINE) return -2;
      this.appendCarry(bytes, pos, end);
      return -1;
    }
    if (this.carryLen === 0) {
      this.lineBuf = bytes;
      this.lineFrom = pos;
      this.lineTo = lf > pos && bytes[lf - 1] === CR ? lf - 1 : lf;
    } else {
      if (this.carryLen + lf + 1 - pos > MAX_LINE) return -2;
      this.appendCarry(bytes, pos, lf + 1);
      const carried = this.carryLen;
      this.carryLen = 0;
      this.lineBuf = this.carry;
      this.lineFrom = 0;
      this.lineTo = carried >= 2 && this.carry[carried - 2] === CR ? carried - 2 : carried - 1;
    }
    return lf + 1;
  }

  private chunkSize(bytes: Uint8Array, pos: number, ts: Timestamp): number {
    this.lastTs = ts;
    const next = this.readLine(bytes, pos);
    if (next === -1) return bytes.length;
    if (next === -2) return this.framingError('chunk-size line too long', bytes.length, ts);
    const size = parseChunkSize(this.lineBuf, this.lineFrom, this.lineTo);
    this.lineBuf = EMPTY; // do not keep the chunk alive
    if (size < 0) return this.framingError('invalid chunk size', next, ts);
    if (size === 0) {
      this.state = S_TRAILERS;
    } else {
      this.remaining = size;
      this.state = S_CHUNK_DATA;
    }
    return next;
  }

  private chunkEnd(bytes: Uint8Array, pos: number, ts: Timestamp): number {
    const c = bytes[pos];
    if (c === CR && !this.crSeen) {
      this.crSeen = true;
      return pos + 1;
    }
    this.crSeen = false;
    if (c === LF) {
      this.state = S_CHUNK_SIZE;
      return pos + 1;
    }
    return this.framingError('no line end after chunk data', pos, ts);
  }

  private trailers(bytes: Uint8Array, pos: number, ts: Timestamp): number {
    this.lastTs = ts;
    const next = this.readLine(bytes, pos);
    if (next === -1) return bytes.length;
    if (next === -2) return this.framingError('trailer line too long', bytes.length, ts);
    const text = this.lineTo === this.lineFrom ? '' : latin1(this.lineBuf, this.lineFrom, this.lineTo);
    this.lineBuf = EMPTY; // do not keep the chunk alive
    if (text === '') {
      this.finish('');
      return next;
    }
    this.facts.reset();
    const parsed = parseHeaderLines(`${text}\n\n`, 0, this.facts);
    for (const header of parsed) this.body.addTrailer(header);
    return next;
  }

  private framingError(message: string, next: number, ts: Timestamp): number {
    this.carryLen = 0;
    this.owner.anomaly(this, 'http.parse-error', message, ts);
    this.finish('error');
    this.resync(next > 0);
    return next;
  }

  // ---- holding client bytes while an Upgrade/CONNECT waits for its response -------------------

  private hold(bytes: Uint8Array, pos: number, ts: Timestamp): void {
    const n = bytes.length - pos;
    if (this.heldLen + n > HOLD_LIMIT) {
      // Too much to be waiting for a switch: treat it as more HTTP.
      this.resolveHold(false, ts);
      this.data(pos === 0 ? bytes : bytes.subarray(pos), ts);
      return;
    }
    if (this.held === null || this.heldTs === null) {
      this.held = [];
      this.heldTs = [];
    }
    this.held.push(bytes.slice(pos));
    this.heldTs.push(ts);
    this.heldLen += n;
  }

  private appendCarry(bytes: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (this.carryLen + n > this.carry.length) {
      let size = this.carry.length < 256 ? 256 : this.carry.length * 2;
      while (size < this.carryLen + n) size *= 2;
      const next = new Uint8Array(size);
      if (this.carryLen > 0) next.set(this.carry.subarray(0, this.carryLen));
      this.carry = next;
    }
    this.carry.set(bytes.subarray(from, to), this.carryLen);
    this.carryLen += n;
  }
}

/** Hex chunk size before any extension (";…") or whitespace; -1 when there is none or it is too large. */
export function parseChunkSize(buf: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  let size = 0;
  let digits = 0;
  for (; i < to; i++) {
    const c = buf[i];
    let v: number;
    if (c >= 0x30 && c <= 0x39) v = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) v = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) v = c - 0x37;
    else break;
    if (++digits > 13) return -1;
    size = size * 16 + v;
  }
  if (digits === 0) return -1;
  while (i < to && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  if (i < to && buf[i] !== 0x3b) return -1;
  return size;
}

export { START_REQUEST, START_STATUS };

/** bytes[end-4, end) is CRLFCRLF. */
function endsWithEmptyLine(bytes: Uint8Array, end: number): boolean {
  return bytes[end - 1] === LF && bytes[end - 2] === CR && bytes[end - 3] === LF && bytes[end - 4] === CR;
}
