import type { Direction, EndReason, StreamHandler } from '../model/connection.js';
import type { Stats } from '../model/stats.js';
import { maxTs, type Timestamp } from '../model/time.js';
import { MAX_UNSEEN_ACK, MAX_WINDOW, seqAdd, seqDiff } from './seq.js';

/**
 * Out-of-order bytes held until the hole before them fills. Owns a copy of its bytes: segment
 * payloads are views into large capture chunks, and holding a view would pin the whole chunk.
 */
export class Piece {
  constructor(
    public seq: number,
    public bytes: Uint8Array,
    public ts: Timestamp,
  ) {}

  get end(): number {
    return seqAdd(this.seq, this.bytes.length);
  }
}

/**
 * Where in-order bytes are handed to the handler from: one buffer per reassembler, overwritten by
 * every delivery. Handing out views of the capture's read blocks instead made the handler's
 * short-lived references (a line being parsed, a parser's last input) keep those blocks alive long
 * enough to be promoted to V8's old generation, where dead blocks wait for a full GC: that was
 * 60-90 MB of peak RSS. Copying into one reused buffer costs about what the promotion did. The
 * StreamHandler contract already says bytes are valid only during the call.
 */
export class DeliveryBuffer {
  private buf = new Uint8Array(64 * 1024);

  /** `bytes` copied to the start of the shared buffer: valid until the next stage() call. */
  stage(bytes: Uint8Array): Uint8Array {
    const n = bytes.length;
    if (this.buf.length < n) this.buf = new Uint8Array(Math.max(n, this.buf.length * 2));
    this.buf.set(bytes);
    return this.buf.subarray(0, n);
  }
}

/**
 * One direction of a connection: puts bytes in sequence order, suppresses duplicates, buffers
 * out-of-order bytes, declares gaps and ends the direction exactly once.
 *
 * Invariants: `pending` is sorted, its pieces never overlap, and every piece starts after `next`
 * (so a piece is delivered exactly when `next` reaches its start).
 */
export class HalfStream {
  /** The base sequence number is known (from a SYN, or from the first segment carrying data or FIN). */
  started = false;
  ended = false;
  /** Sequence number of the next byte to deliver. */
  next = 0;
  hasIsn = false;
  isn = 0;
  /** One past the highest sequence number this direction's sender was seen to use (data, SYN or FIN). */
  high = 0;
  hasFin = false;
  /** Sequence number the FIN occupies: the stream ends once `next` reaches it. */
  finSeq = 0;
  /** Window last advertised by this direction's sender; 0 lets the other direction send zero-window probes. */
  window = -1;
  pending: Piece[] = [];
  bufferedBytes = 0;
  /**
   * Timestamp of the last call to the handler, so `ts` never goes backwards in this direction. Its
   * fields are copied into numbers so the in-order path does not touch the previous segment's object.
   */
  lastTs: Timestamp | undefined = undefined;
  private lastSec = -Infinity;
  private lastNsec = 0;
  endReason: EndReason | undefined = undefined;

  constructor(
    readonly direction: Direction,
    public handler: StreamHandler,
    private readonly stats: Stats,
    private readonly maxBufferedBytes: number,
    private readonly delivery: DeliveryBuffer = new DeliveryBuffer(),
  ) {}

  /** A SYN from this direction's sender: the stream's first byte is isn + 1. */
  syn(isn: number): void {
    this.hasIsn = true;
    this.isn = isn;
    if (!this.started) {
      this.started = true;
      this.next = seqAdd(isn, 1);
      this.high = this.next;
    }
  }

  /**
   * Bytes (and maybe a FIN) from this direction's sender, in capture order. `peerWindow` is the
   * window the receiver advertised last (0 turns a 1-byte segment at `next` into a zero-window probe).
   */
  accept(seq: number, payload: Uint8Array, fin: boolean, ts: Timestamp, peerWindow: number): void {
    let len = payload.length;
    if (this.ended) {
      if (len > 0) this.afterEnd(seq, len);
      return;
    }
    if (!this.started) {
      // A pure ACK does not set the base: a keep-alive (seq = next − 1) would put it one byte early.
      if (len === 0 && !fin) return;
      this.started = true;
      this.next = seq;
      this.high = seq;
    } else if (seqDiff(seq, this.next) > MAX_WINDOW) {
      // Further ahead than any TCP window allows: not part of this stream.
      this.stats.count('tcp.out-of-window');
      return;
    }
    const top = seqAdd(seq, fin ? len + 1 : len);
    if (seqDiff(top, this.high) > 0) this.high = top;
    if (fin) this.noteFin(seqAdd(seq, len));
    if (len > 0) {
      if (this.hasFin) {
        const room = seqDiff(this.finSeq, seq);
        if (room < len) {
          this.stats.count('tcp.data-after-fin');
          len = room > 0 ? room : 0;
          payload = payload.subarray(0, len);
        }
      }
      if (len > 0) this.place(seq, payload, ts, peerWindow);
    }
    if (this.hasFin) this.checkFin(ts);
  }

  /**
   * The other direction acknowledged up to `ack`. Bytes it acknowledges that we never saw were lost
   * by the capture (the receiver had them): declare them as gaps now rather than wait for data
   * that will not come.
   */
  acked(ack: number, ts: Timestamp): void {
    if (!this.started || this.ended) return;
    const ahead = seqDiff(ack, this.next);
    if (ahead <= 0) return;
    if (seqDiff(ack, this.high) > MAX_UNSEEN_ACK) {
      // Far beyond anything this direction was seen to send: a challenge ACK or a bogus one, not
      // capture loss. (Real loss is still declared by the next ACK once later data is seen.)
      this.stats.count('tcp.ack-unseen');
      return;
    }
    // The FIN takes a sequence number but is not a byte: never declare it lost.
    const limit = this.hasFin && seqDiff(ack, this.finSeq) > 0 ? this.finSeq : ack;
    this.fillTo(limit, ts);
    if (this.hasFin) this.checkFin(ts);
  }

  /**
   * Ends this direction (if not ended yet) after delivering everything it holds: each hole becomes a
   * gap followed by the bytes buffered after it, up to the FIN when one was seen. A direction whose
   * FIN was seen ends with 'fin' whatever the trigger, because that is how its stream ended.
   */
  close(reason: EndReason, ts: Timestamp): void {
    if (this.ended) return;
    if (this.started) {
      const pending = this.pending;
      let limit = this.next;
      if (this.hasFin) limit = this.finSeq;
      else if (pending.length > 0) limit = pending[pending.length - 1].end;
      this.fillTo(limit, ts);
    }
    this.end(this.hasFin ? 'fin' : reason, ts);
  }

  private place(seq: number, payload: Uint8Array, ts: Timestamp, peerWindow: number): void {
    const len = payload.length;
    const rel = seqDiff(seq, this.next);
    if (rel > 0) {
      this.buffer(rel, payload, ts);
    } else if (rel + len > 0) {
      if (rel === 0 && len === 1 && peerWindow === 0) {
        // A zero-window probe carries the real next byte of the stream (RFC 9293 3.8.6.1): deliver
        // it once; the retransmission that follows is suppressed as a duplicate.
        this.stats.count('tcp.zero-window-probe');
      }
      if (this.bufferedBytes === 0) {
        // The common case: in order, nothing buffered (pieces are never empty, so no bytes = no pieces).
        if (rel === 0) this.deliver(payload, ts);
        else {
          this.stats.count('tcp.overlap');
          this.deliver(payload.subarray(-rel), ts);
        }
      } else {
        if (rel < 0) this.stats.count('tcp.overlap');
        this.merge(-rel, payload, ts);
      }
    } else if (len === 1 && rel === -1) {
      // Keep-alive probe: one garbage byte just below the next expected sequence number.
      this.stats.count('tcp.keep-alive');
    } else {
      this.stats.count('tcp.retransmission');
    }
  }

  /** Bytes after a hole: keep a copy, trimmed against what is already buffered (first seen wins). */
  private buffer(rel: number, payload: Uint8Array, ts: Timestamp): void {
    const pending = this.pending;
    const n = pending.length;
    if (n === 0 || seqDiff(pending[n - 1].end, this.next) <= rel) {
      pending.push(new Piece(seqAdd(this.next, rel), copyBytes(payload, 0, payload.length), ts));
      this.bufferedBytes += payload.length;
    } else {
      this.insert(rel, payload, ts);
    }
    if (this.bufferedBytes > this.maxBufferedBytes) this.overflow(ts);
  }

  private insert(rel: number, payload: Uint8Array, ts: Timestamp): void {
    const pending = this.pending;
    const next = this.next;
    const end = rel + payload.length;
    // First piece that ends after this segment starts.
    let lo = 0;
    let hi = pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seqDiff(pending[mid].end, next) > rel) hi = mid;
      else lo = mid + 1;
    }
    let i = lo;
    let cur = rel;
    let added = 0;
    let conflict = false;
    while (cur < end && i < pending.length) {
      const p = pending[i];
      const ps = seqDiff(p.seq, next);
      if (ps >= end) break;
      if (ps > cur) {
        pending.splice(i, 0, new Piece(seqAdd(next, cur), copyBytes(payload, cur - rel, ps - rel), ts));
        added += ps - cur;
        i++;
        cur = ps;
      }
      const overlapEnd = Math.min(end, ps + p.bytes.length);
      if (!conflict && !sameBytes(payload, cur - rel, p.bytes, cur - ps, overlapEnd - cur)) conflict = true;
      cur = overlapEnd;
      i++;
    }
    if (cur < end) {
      pending.splice(i, 0, new Piece(seqAdd(next, cur), copyBytes(payload, cur - rel, payload.length), ts));
      added += end - cur;
    }
    this.bufferedBytes += added;
    if (conflict) this.stats.count('tcp.overlap-conflict');
    if (added === 0) this.stats.count('tcp.retransmission');
    else if (added < payload.length) this.stats.count('tcp.overlap');
  }

  /**
   * A segment that reaches `next` while pieces are buffered: deliver its bytes up to each piece,
   * then the piece itself (it was seen first), comparing where they overlap; then whatever became
   * contiguous.
   */
  private merge(off: number, payload: Uint8Array, ts: Timestamp): void {
    const pending = this.pending;
    const len = payload.length;
    let k = 0;
    let conflict = false;
    while (off < len) {
      if (k === pending.length) {
        this.deliver(payload.subarray(off), ts);
        break;
      }
      const p = pending[k];
      const ahead = seqDiff(p.seq, this.next);
      if (ahead === 0) {
        const n = Math.min(p.bytes.length, len - off);
        if (!conflict && !sameBytes(payload, off, p.bytes, 0, n)) conflict = true;
        this.bufferedBytes -= p.bytes.length;
        k++;
        this.deliver(p.bytes, maxTs(p.ts, ts));
        off += p.bytes.length;
      } else {
        const take = Math.min(ahead, len - off);
        this.deliver(payload.subarray(off, off + take), ts);
        off += take;
      }
    }
    if (conflict) this.stats.count('tcp.overlap-conflict');
    this.drain(k, ts);
  }

  /** Delivers buffered pieces that start at `next`, having already consumed `k` of them. */
  private drain(k: number, ts: Timestamp): void {
    const pending = this.pending;
    while (k < pending.length && pending[k].seq === this.next) {
      const p = pending[k++];
      this.bufferedBytes -= p.bytes.length;
      this.deliver(p.bytes, maxTs(p.ts, ts));
    }
    if (k === pending.length) pending.length = 0;
    else if (k > 0) pending.splice(0, k);
  }

  /** Too much buffered: the hole before the lowest piece is not going to fill in time. */
  private overflow(ts: Timestamp): void {
    this.stats.count('tcp.buffer-overflow');
    const pending = this.pending;
    while (this.bufferedBytes > this.maxBufferedBytes && pending.length > 0) {
      this.gapTo(pending[0].seq, ts);
      this.drain(0, ts);
    }
  }

  /** Declares every hole below `limit` lost, delivering the pieces between them. */
  private fillTo(limit: number, ts: Timestamp): void {
    const pending = this.pending;
    while (seqDiff(limit, this.next) > 0) {
      const target = pending.length > 0 && seqDiff(pending[0].seq, limit) < 0 ? pending[0].seq : limit;
      this.gapTo(target, ts);
      this.drain(0, ts);
    }
  }

  private gapTo(target: number, ts: Timestamp): void {
    const lost = seqDiff(target, this.next);
    if (lost <= 0) return;
    this.stats.count('tcp.gap');
    this.stats.count('tcp.gap-bytes', lost);
    this.next = target;
    this.handler.gap(this.direction, lost, this.deliveryTs(ts));
  }

  private noteFin(finSeq: number): void {
    if (this.hasFin) {
      if (finSeq !== this.finSeq) this.stats.count('tcp.fin-conflict');
      return;
    }
    if (seqDiff(finSeq, this.next) < 0) {
      // A FIN below bytes already delivered contradicts the stream: keep the stream, drop the FIN.
      this.stats.count('tcp.fin-conflict');
      return;
    }
    this.hasFin = true;
    this.finSeq = finSeq;
    // Buffered bytes at or beyond the FIN are not part of the stream.
    const pending = this.pending;
    const limit = seqDiff(finSeq, this.next);
    while (pending.length > 0) {
      const last = pending[pending.length - 1];
      const start = seqDiff(last.seq, this.next);
      const room = limit - start;
      if (room >= last.bytes.length) break;
      this.stats.count('tcp.data-after-fin');
      if (room > 0) {
        this.bufferedBytes -= last.bytes.length - room;
        last.bytes = last.bytes.subarray(0, room);
        break;
      }
      this.bufferedBytes -= last.bytes.length;
      pending.pop();
    }
  }

  private checkFin(ts: Timestamp): void {
    if (!this.ended && this.next === this.finSeq) this.end('fin', ts);
  }

  private end(reason: EndReason, ts: Timestamp): void {
    this.ended = true;
    this.endReason = reason;
    if (this.hasFin) this.next = seqAdd(this.finSeq, 1);
    this.pending.length = 0;
    this.bufferedBytes = 0;
    this.handler.end(this.direction, reason, this.deliveryTs(ts));
  }

  /** Payload on a direction that has ended: a retransmission, or data the stream does not include. */
  private afterEnd(seq: number, len: number): void {
    if (seqDiff(seqAdd(seq, len), this.next) <= 0) this.stats.count('tcp.retransmission');
    else this.stats.count(this.endReason === 'fin' ? 'tcp.data-after-fin' : 'tcp.data-after-end');
  }

  private deliver(bytes: Uint8Array, ts: Timestamp): void {
    const t = this.deliveryTs(ts);
    this.next = seqAdd(this.next, bytes.length);
    this.handler.data(this.direction, this.delivery.stage(bytes), t);
  }

  private deliveryTs(ts: Timestamp): Timestamp {
    const sec = ts.sec;
    if (sec > this.lastSec || (sec === this.lastSec && ts.nsec >= this.lastNsec)) {
      this.lastTs = ts;
      this.lastSec = sec;
      this.lastNsec = ts.nsec;
      return ts;
    }
    return this.lastTs as Timestamp;
  }
}

function sameBytes(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, n: number): boolean {
  return Buffer.compare(a.subarray(aOff, aOff + n), b.subarray(bOff, bOff + n)) === 0;
}

/**
 * A copy that owns its memory. Not `payload.slice()`: on a Buffer, slice() is a view that would pin
 * (and alias) the capture chunk.
 */
function copyBytes(src: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(src.subarray(start, end));
  return out;
}
