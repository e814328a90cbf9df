import type { ConnectionInfo, StreamHandler } from '../model/connection.js';
import type { Stats } from '../model/stats.js';
import type { Timestamp } from '../model/time.js';
import { type DeliveryBuffer, HalfStream } from './half-stream.js';

/** A connection in the table: its two directions plus its place in an activity-ordered list. */
export class TrackedConnection {
  readonly a2b: HalfStream;
  readonly b2a: HalfStream;
  /** Copies of info.a for the per-segment direction test (no property chain on the hot path). */
  readonly aIp: string;
  readonly aPort: number;
  lastTs: Timestamp;
  /** The SYN-ACK was seen and the initiator's handshake-completing ACK not yet. */
  awaitingHandshakeAck = false;
  closed = false;
  // Intrusive links of the ConnectionList this connection is on (no allocation to reorder).
  prev: TrackedConnection | undefined = undefined;
  next: TrackedConnection | undefined = undefined;
  list: ConnectionList | undefined = undefined;

  constructor(
    readonly key: string,
    readonly info: ConnectionInfo,
    handler: StreamHandler,
    stats: Stats,
    maxBufferedBytes: number,
    delivery: DeliveryBuffer,
  ) {
    this.aIp = info.a.ip;
    this.aPort = info.a.port;
    this.lastTs = info.firstSeen;
    this.a2b = new HalfStream('a2b', handler, stats, maxBufferedBytes, delivery);
    this.b2a = new HalfStream('b2a', handler, stats, maxBufferedBytes, delivery);
  }
}

/**
 * Doubly-linked list of connections, least recently active first. Moving a connection to the tail
 * on every segment costs a few pointer writes, and idle sweeps and eviction read from the head.
 */
export class ConnectionList {
  head: TrackedConnection | undefined = undefined;
  tail: TrackedConnection | undefined = undefined;
  size = 0;

  push(c: TrackedConnection): void {
    c.list = this;
    c.prev = this.tail;
    c.next = undefined;
    if (this.tail !== undefined) this.tail.next = c;
    else this.head = c;
    this.tail = c;
    this.size++;
  }

  remove(c: TrackedConnection): void {
    if (c.prev !== undefined) c.prev.next = c.next;
    else this.head = c.next;
    if (c.next !== undefined) c.next.prev = c.prev;
    else this.tail = c.prev;
    c.prev = undefined;
    c.next = undefined;
    c.list = undefined;
    this.size--;
  }

  clear(): void {
    this.head = undefined;
    this.tail = undefined;
    this.size = 0;
  }

  /** Marks `c` (already on this list) as the most recently active. */
  touch(c: TrackedConnection): void {
    if (this.tail === c) return;
    this.remove(c);
    this.push(c);
  }
}
