import assert from 'node:assert/strict';
import type { ConnectionInfo, Direction, EndReason, StreamHandler } from '../../src/model/connection.js';
import { compareTs, type Timestamp } from '../../src/model/time.js';

export type RecordedEvent =
  | { kind: 'data'; direction: Direction; bytes: Uint8Array; ts: Timestamp }
  | { kind: 'gap'; direction: Direction; lost: number; ts: Timestamp }
  | { kind: 'end'; direction: Direction; reason: EndReason; ts: Timestamp };

/**
 * A StreamHandler that records every call (copying the bytes, since reassembly may hand out views
 * of memory it reuses) and checks the contract as calls arrive: nothing after end, ts never going
 * backwards per direction.
 */
export class RecordingHandler implements StreamHandler {
  readonly events: RecordedEvent[] = [];
  readonly ends: Record<Direction, number> = { a2b: 0, b2a: 0 };
  private readonly last: Record<Direction, Timestamp | undefined> = { a2b: undefined, b2a: undefined };

  constructor(readonly info: ConnectionInfo) {}

  data(direction: Direction, bytes: Uint8Array, ts: Timestamp): void {
    this.check(direction, ts, 'data');
    assert.ok(bytes.length > 0, `${this.info.id} ${direction}: empty data() call`);
    this.events.push({ kind: 'data', direction, bytes: Uint8Array.from(bytes), ts });
  }

  gap(direction: Direction, lost: number, ts: Timestamp): void {
    this.check(direction, ts, 'gap');
    assert.ok(lost > 0, `${this.info.id} ${direction}: gap of ${lost}`);
    this.events.push({ kind: 'gap', direction, lost, ts });
  }

  end(direction: Direction, reason: EndReason, ts: Timestamp): void {
    this.check(direction, ts, 'end');
    this.ends[direction]++;
    this.events.push({ kind: 'end', direction, reason, ts });
  }

  /** The events in a compact, readable form: `a2b "GET" @1`, `a2b gap 3 @2`, `b2a end fin @3`. */
  lines(): string[] {
    return this.events.map((e) => {
      const at = `@${formatTs(e.ts)}`;
      if (e.kind === 'data') return `${e.direction} ${JSON.stringify(Buffer.from(e.bytes).toString('latin1'))} ${at}`;
      if (e.kind === 'gap') return `${e.direction} gap ${e.lost} ${at}`;
      return `${e.direction} end ${e.reason} ${at}`;
    });
  }

  /** One direction's stream with each gap as `lost` placeholder bytes (or as `[gap n]` text). */
  text(direction: Direction): string {
    let out = '';
    for (const e of this.events) {
      if (e.direction !== direction) continue;
      if (e.kind === 'data') out += Buffer.from(e.bytes).toString('latin1');
      else if (e.kind === 'gap') out += `[gap ${e.lost}]`;
    }
    return out;
  }

  private check(direction: Direction, ts: Timestamp, call: string): void {
    assert.equal(this.ends[direction], 0, `${this.info.id} ${direction}: ${call}() after end()`);
    const last = this.last[direction];
    if (last !== undefined) {
      assert.ok(compareTs(ts, last) >= 0, `${this.info.id} ${direction}: ts went backwards in ${call}()`);
    }
    this.last[direction] = ts;
  }
}

/** A factory that keeps every handler it made, in creation order. */
export class Recording {
  readonly handlers: RecordingHandler[] = [];
  readonly factory = (info: ConnectionInfo): StreamHandler => {
    const h = new RecordingHandler(info);
    this.handlers.push(h);
    return h;
  };

  byId(id: string): RecordingHandler {
    const h = this.handlers.find((x) => x.info.id === id);
    assert.ok(h, `no connection ${id}`);
    return h;
  }

  /** The contract's core invariant, checked after finish(): every direction ended exactly once. */
  assertEveryDirectionEndedOnce(): void {
    for (const h of this.handlers) {
      assert.deepEqual(h.ends, { a2b: 1, b2a: 1 }, `${h.info.id}: end() count per direction`);
    }
  }
}

export function formatTs(ts: Timestamp): string {
  return ts.nsec === 0 ? String(ts.sec) : `${ts.sec}.${String(ts.nsec).padStart(9, '0').replace(/0+$/, '')}`;
}
