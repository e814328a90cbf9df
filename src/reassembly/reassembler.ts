import type {
  ConnectionInfo,
  EndReason,
  Endpoint,
  StreamHandler,
  StreamHandlerFactory,
} from '../model/connection.js';
import type { PipelineOptions } from '../model/options.js';
import { TcpFlags, type Segment } from '../model/segment.js';
import type { Stats } from '../model/stats.js';
import { compareTs, type Timestamp } from '../model/time.js';
import { connectionKey } from './connection-key.js';
import { DeliveryBuffer, type HalfStream } from './half-stream.js';
import { seqAdd } from './seq.js';
import { ConnectionList, TrackedConnection } from './tracked-connection.js';

const SYN = TcpFlags.SYN;
const ACK = TcpFlags.ACK;
const FIN = TcpFlags.FIN;
const RST = TcpFlags.RST;

/**
 * How long a connection whose both directions ended stays in the table, so that late retransmissions
 * and final ACKs land on it instead of opening a new connection (TIME_WAIT on Linux is 60 s). Capped
 * by the idle timeout. A new SYN on the same 4-tuple replaces it at once.
 */
const CLOSED_LINGER_SECONDS = 60;

/** Handler for directions that have ended, so the table does not keep the HTTP layer's state alive. */
const ENDED: StreamHandler = Object.freeze({
  data() {},
  gap() {},
  end() {},
});

/**
 * The connection table: turns segments (in capture order) into per-direction byte streams for the
 * StreamHandler each connection gets from the factory. See StreamHandler for the contract it keeps.
 *
 * Bytes given to data() are valid only during the call (they are staged in one buffer that the next
 * delivery overwrites): a handler that keeps bytes beyond the call must copy what it keeps.
 * Anomalies are counted in stats: tcp.retransmission, tcp.overlap, tcp.overlap-conflict, tcp.gap,
 * tcp.gap-bytes, tcp.buffer-overflow, tcp.keep-alive, tcp.zero-window-probe, tcp.data-after-fin,
 * tcp.data-after-end, tcp.fin-conflict, tcp.ack-unseen, tcp.out-of-window, tcp.port-reuse,
 * tcp.idle-timeout, tcp.connection-evicted, tcp.reset-unknown; volumes: tcp.connections,
 * tcp.segments, tcp.payload-bytes (the last two batched, see flushStats).
 */
export class Reassembler {
  private readonly table = new Map<string, TrackedConnection>();
  /** Connections with at least one direction open, least recently active first. */
  private readonly live = new ConnectionList();
  /** Connections whose both directions ended, kept for a while (see CLOSED_LINGER_SECONDS). */
  private readonly closed = new ConnectionList();
  private readonly maxBufferedBytes: number;
  private readonly maxConnections: number;
  private readonly idleSeconds: number;
  private readonly lingerSeconds: number;
  private connectionCount = 0;
  /** Shared by every direction: in-order bytes are staged here for the handler (see DeliveryBuffer). */
  private readonly delivery = new DeliveryBuffer();
  private peak = 0;
  private nextSweepSec = -Infinity;
  // Volume counters are batched: two Stats.count calls per segment cost as much as the table lookup.
  private segmentCount = 0;
  private payloadBytes = 0;
  private latest: Timestamp | undefined = undefined;

  constructor(
    private readonly factory: StreamHandlerFactory,
    private readonly stats: Stats,
    options: PipelineOptions,
  ) {
    this.maxBufferedBytes = Math.max(0, options.maxBufferedBytes);
    this.maxConnections = Math.max(1, options.maxConnections);
    this.idleSeconds = options.idleTimeoutSeconds;
    this.lingerSeconds = Math.min(CLOSED_LINGER_SECONDS, options.idleTimeoutSeconds);
  }

  /** Connections with a direction still open. */
  get openConnections(): number {
    return this.live.size;
  }

  /** Most connections tracked at once so far. */
  get peakConnections(): number {
    return this.peak;
  }

  /**
   * The capture time of a TCP segment handled elsewhere (another shard of the same capture): runs the
   * time-driven part of segment() (idle timeouts, the latest time seen) so that a shard retires its
   * connections exactly when one reassembler seeing every segment would.
   */
  advance(ts: Timestamp): void {
    if (this.latest === undefined || compareTs(ts, this.latest) > 0) this.latest = ts;
    if (ts.sec >= this.nextSweepSec) {
      this.nextSweepSec = ts.sec + 1;
      this.sweep(ts);
    }
  }

  /** One TCP segment, in capture order. */
  segment(seg: Segment): void {
    const ts = seg.ts;
    if (this.latest === undefined || compareTs(ts, this.latest) > 0) this.latest = ts;
    // Idle flushing runs on capture time, at most once per captured second.
    if (ts.sec >= this.nextSweepSec) {
      this.nextSweepSec = ts.sec + 1;
      this.sweep(ts);
    }
    const stats = this.stats;
    const payload = seg.payload;
    this.segmentCount++;
    this.payloadBytes += payload.length;

    const flags = seg.flags;
    const key = connectionKey(seg);
    let conn = this.table.get(key);
    if (conn === undefined) {
      if ((flags & RST) !== 0) {
        // Nothing to end: a reset for a connection we never saw (or already forgot).
        stats.count('tcp.reset-unknown');
        return;
      }
      conn = this.create(key, seg);
    } else if ((flags & SYN) !== 0 && this.isNewConnection(conn, seg)) {
      stats.count('tcp.port-reuse');
      this.retire(conn, 'idle', ts);
      conn = this.create(key, seg);
    } else {
      (conn.list as ConnectionList).touch(conn);
    }
    conn.lastTs = ts;

    const fromA = seg.srcPort === conn.aPort && seg.srcIp === conn.aIp;
    const own = fromA ? conn.a2b : conn.b2a;
    const peer = fromA ? conn.b2a : conn.a2b;
    if ((flags & RST) !== 0) {
      this.reset(conn, ts);
      return;
    }
    let seq = seg.seq;
    if ((flags & SYN) !== 0) {
      this.syn(conn, own, fromA, seg);
      seq = seqAdd(seq, 1);
    } else if (conn.awaitingHandshakeAck && fromA && (flags & ACK) !== 0) {
      this.handshakeAck(conn, seg);
    }
    // The ACK first: it may declare the peer's lost bytes, which precede this segment's data causally.
    if ((flags & ACK) !== 0) peer.acked(seg.ack, ts);
    own.accept(seq, payload, (flags & FIN) !== 0, ts, peer.window);
    own.window = seg.window;
    if (own.ended && peer.ended && !conn.closed) this.markClosed(conn);
  }

  /**
   * Adds the batched volume counters ('tcp.segments', 'tcp.payload-bytes') to stats. Runs by itself
   * once per captured second and at finish(); call it before reading stats mid-run for exact values.
   */
  flushStats(): void {
    if (this.segmentCount > 0) this.stats.count('tcp.segments', this.segmentCount);
    if (this.payloadBytes > 0) this.stats.count('tcp.payload-bytes', this.payloadBytes);
    this.segmentCount = 0;
    this.payloadBytes = 0;
  }

  /**
   * End of capture: every open direction delivers what it holds (holes become gaps) and ends with
   * 'capture-end' ('fin' where its FIN was seen). `ts` defaults to the latest segment's time.
   */
  finish(ts?: Timestamp): void {
    this.flushStats();
    const t = ts ?? this.latest;
    if (t === undefined) return;
    for (const conn of this.table.values()) {
      if (!conn.closed) this.endBoth(conn, 'capture-end', t);
    }
    this.table.clear();
    this.live.clear();
    this.closed.clear();
  }

  private create(key: string, seg: Segment): TrackedConnection {
    const ts = seg.ts;
    if (this.table.size >= this.maxConnections) this.evict(ts);
    const flags = seg.flags;
    // A SYN-ACK seen first still tells who initiated: its receiver sent the SYN.
    const srcIsA = (flags & (SYN | ACK)) !== (SYN | ACK);
    const src: Endpoint = { ip: seg.srcIp, port: seg.srcPort };
    const dst: Endpoint = { ip: seg.dstIp, port: seg.dstPort };
    const info: ConnectionInfo = {
      id: `c${++this.connectionCount}`,
      a: srcIsA ? src : dst,
      b: srcIsA ? dst : src,
      initiator: (flags & SYN) !== 0 ? 'a' : undefined,
      handshake: {},
      firstSeen: ts,
    };
    const handler = this.factory(info);
    const conn = new TrackedConnection(key, info, handler, this.stats, this.maxBufferedBytes, this.delivery);
    this.table.set(key, conn);
    if (this.table.size > this.peak) this.peak = this.table.size;
    this.live.push(conn);
    this.stats.count('tcp.connections');
    return conn;
  }

  /** Does this SYN start a new connection on a 4-tuple we already track (port reuse)? */
  private isNewConnection(conn: TrackedConnection, seg: Segment): boolean {
    if (conn.closed) return true;
    const fromA = seg.srcPort === conn.aPort && seg.srcIp === conn.aIp;
    const half = fromA ? conn.a2b : conn.b2a;
    // Same ISN: a retransmitted SYN. A SYN after this side already sent data: a new connection.
    if (half.hasIsn) return half.isn !== seg.seq;
    return half.started;
  }

  private syn(conn: TrackedConnection, own: HalfStream, fromA: boolean, seg: Segment): void {
    if (!own.started) own.syn(seg.seq);
    const info = conn.info;
    if (info.initiator !== 'a') return;
    const handshake = info.handshake;
    if ((seg.flags & ACK) === 0) {
      if (fromA && handshake.syn === undefined) handshake.syn = seg.ts;
    } else if (!fromA && handshake.synAck === undefined) {
      handshake.synAck = seg.ts;
      conn.awaitingHandshakeAck = true;
    }
  }

  private handshakeAck(conn: TrackedConnection, seg: Segment): void {
    if (conn.b2a.hasIsn && seg.ack === seqAdd(conn.b2a.isn, 1)) {
      conn.info.handshake.ack = seg.ts;
      conn.awaitingHandshakeAck = false;
    }
  }

  private reset(conn: TrackedConnection, ts: Timestamp): void {
    if (conn.closed) return;
    this.endBoth(conn, 'reset', ts);
    this.markClosed(conn);
  }

  private endBoth(conn: TrackedConnection, reason: EndReason, ts: Timestamp): void {
    conn.a2b.close(reason, ts);
    conn.b2a.close(reason, ts);
  }

  private markClosed(conn: TrackedConnection): void {
    conn.closed = true;
    conn.awaitingHandshakeAck = false;
    conn.a2b.handler = ENDED;
    conn.b2a.handler = ENDED;
    this.live.remove(conn);
    this.closed.push(conn);
  }

  /** Ends whatever is open on `conn` and forgets it. */
  private retire(conn: TrackedConnection, reason: EndReason, ts: Timestamp): void {
    if (!conn.closed) this.endBoth(conn, reason, ts);
    (conn.list as ConnectionList).remove(conn);
    this.table.delete(conn.key);
  }

  /** The table is full: forget a closed connection if there is one, else end the least recently active. */
  private evict(ts: Timestamp): void {
    const victim = this.closed.head ?? this.live.head;
    if (victim === undefined) return;
    if (!victim.closed) this.stats.count('tcp.connection-evicted');
    this.retire(victim, 'idle', ts);
  }

  private sweep(now: Timestamp): void {
    this.flushStats();
    let conn = this.live.head;
    while (conn !== undefined && secondsSince(conn.lastTs, now) >= this.idleSeconds) {
      const next = conn.next;
      this.stats.count('tcp.idle-timeout');
      this.retire(conn, 'idle', now);
      conn = next;
    }
    conn = this.closed.head;
    while (conn !== undefined && secondsSince(conn.lastTs, now) >= this.lingerSeconds) {
      const next = conn.next;
      this.retire(conn, 'idle', now);
      conn = next;
    }
  }
}

function secondsSince(earlier: Timestamp, now: Timestamp): number {
  return now.sec - earlier.sec + (now.nsec - earlier.nsec) / 1e9;
}
