import assert from 'node:assert/strict';
import type { ConnectionInfo, Direction, EndReason, StreamHandler } from '../../../src/model/connection.js';
import type { Exchange, ExchangeSink } from '../../../src/model/exchange.js';
import { defaultPipelineOptions, type PipelineOptions } from '../../../src/model/options.js';
import { Stats } from '../../../src/model/stats.js';
import type { Timestamp } from '../../../src/model/time.js';
import { createHttpHandlerFactory } from '../../../src/http/http-handler-factory.js';

/**
 * An ExchangeSink that records everything and checks the begin/complete/abandon protocol: every
 * complete or abandon names a begun seq, and no seq is closed twice.
 */
export class RecordingSink implements ExchangeSink {
  readonly exchanges: Exchange[] = [];
  readonly abandoned: number[] = [];
  readonly begun: Timestamp[] = [];
  private readonly closed = new Set<number>();

  begin(ts: Timestamp): number {
    this.begun.push(ts);
    return this.begun.length - 1;
  }

  complete(exchange: Exchange): void {
    this.close(exchange.seq);
    this.exchanges.push(exchange);
  }

  abandon(seq: number): void {
    this.close(seq);
    this.abandoned.push(seq);
  }

  /** The invariant: every begun seq was closed exactly once. */
  assertAllClosed(): void {
    for (let seq = 0; seq < this.begun.length; seq++) assert.ok(this.closed.has(seq), `seq ${seq} was begun but never completed or abandoned`);
  }

  /** Completed exchanges in seq order. */
  bySeq(): Exchange[] {
    return [...this.exchanges].sort((x, y) => x.seq - y.seq);
  }

  private close(seq: number): void {
    assert.ok(seq >= 0 && seq < this.begun.length, `seq ${seq} was never begun`);
    assert.ok(!this.closed.has(seq), `seq ${seq} closed twice`);
    this.closed.add(seq);
  }
}

export function ts(sec: number, nsec = 0): Timestamp {
  return { sec, nsec };
}

export function connectionInfo(id = 'c1', withHandshake = true): ConnectionInfo {
  return {
    id,
    a: { ip: '10.0.0.1', port: 40000 },
    b: { ip: '10.0.0.2', port: 80 },
    initiator: withHandshake ? 'a' : undefined,
    handshake: withHandshake ? { syn: ts(1), synAck: ts(1, 100), ack: ts(1, 200) } : {},
    firstSeen: ts(1),
  };
}

export const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

export const text = (data: Uint8Array): string => Buffer.from(data).toString('latin1');

/** A connection under test: the handler, its sink and its stats. */
export class Harness {
  readonly sink = new RecordingSink();
  readonly stats = new Stats();
  readonly handler: StreamHandler;
  private clock = 10;

  constructor(options: Partial<PipelineOptions> = {}, info: ConnectionInfo = connectionInfo()) {
    this.handler = createHttpHandlerFactory(this.sink, this.stats, { ...defaultPipelineOptions, ...options })(info);
  }

  /** Each call gets the next whole second as its timestamp, unless one is given. */
  send(direction: Direction, data: string | Uint8Array, at?: Timestamp): this {
    this.handler.data(direction, typeof data === 'string' ? bytes(data) : data, at ?? ts(this.clock++));
    return this;
  }

  client(data: string | Uint8Array, at?: Timestamp): this {
    return this.send('a2b', data, at);
  }

  server(data: string | Uint8Array, at?: Timestamp): this {
    return this.send('b2a', data, at);
  }

  gap(direction: Direction, lost: number): this {
    this.handler.gap(direction, lost, ts(this.clock++));
    return this;
  }

  end(reason: EndReason = 'fin', first: Direction = 'a2b'): this {
    const second: Direction = first === 'a2b' ? 'b2a' : 'a2b';
    this.handler.end(first, reason, ts(this.clock++));
    this.handler.end(second, reason, ts(this.clock++));
    return this;
  }

  /** Ends both directions and checks the begin/complete/abandon invariant. */
  finish(reason: EndReason = 'fin'): Exchange[] {
    this.end(reason);
    this.sink.assertAllClosed();
    return this.sink.bySeq();
  }
}
