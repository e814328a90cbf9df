import { attachContainers } from '../containers/attach.js';
import type { Resolver } from '../model/container.js';
import type { Exchange } from '../model/exchange.js';

/** How long an exchange with an unnamed end may wait for the resolver to learn its container (wall clock). */
export const NAMING_HOLD_MS = 500;
/** Exchanges that may wait at once; beyond this the oldest go out as they are. */
export const NAMING_MAX_HELD = 20_000;
/** Body bytes the waiting exchanges may hold at once (bodies are kept for --jsonl and --har); same rule. */
export const NAMING_MAX_HELD_BYTES = 64 * 1024 * 1024;

export interface NamingHoldOptions {
  holdMs?: number;
  maxHeld?: number;
  maxHeldBytes?: number;
  /** Milliseconds on a monotonic clock (tests pass their own). */
  now?: () => number;
  /** Whether to run a timer that releases due exchanges (tests call tick() themselves). */
  timer?: boolean;
}

interface Held {
  exchange: Exchange;
  due: number;
  bytes: number;
}

function bodyBytes(exchange: Exchange): number {
  return exchange.request.body.data.length + (exchange.response?.body.data.length ?? 0);
}

/**
 * A short wait in front of the live outputs for exchanges the resolver could not name yet.
 *
 * A container's first exchange can complete before Docker's "start" event has reached the resolver
 * (a client that talks at once; the event is emitted after the process runs, then inspected). The
 * lookup is by capture time, so asking again a moment later gives the right name for that moment.
 * An exchange with an unnamed end therefore waits up to `holdMs` of wall-clock time and is named
 * again on its way out; everything behind it waits too, so lines keep their completion order. While
 * every end is named (the steady state) nothing waits, and when Docker is not answering (`active()`
 * false) nothing waits either: no names are coming.
 *
 * Wall-clock time on purpose: it only decides how long to give the Docker events to arrive; the names
 * are still looked up at the exchange's capture time.
 */
export class NamingHold {
  private readonly queue: Held[] = [];
  private head = 0;
  private readonly holdMs: number;
  private readonly maxHeld: number;
  private readonly maxHeldBytes: number;
  private heldBytes = 0;
  private readonly now: () => number;
  private readonly useTimer: boolean;
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    private readonly resolver: Resolver,
    private readonly active: () => boolean,
    private readonly next: (exchange: Exchange) => void,
    options: NamingHoldOptions = {},
  ) {
    this.holdMs = options.holdMs ?? NAMING_HOLD_MS;
    this.maxHeld = options.maxHeld ?? NAMING_MAX_HELD;
    this.maxHeldBytes = options.maxHeldBytes ?? NAMING_MAX_HELD_BYTES;
    this.now = options.now ?? (() => performance.now());
    this.useTimer = options.timer ?? true;
  }

  /** Exchanges waiting now. */
  get held(): number {
    return this.queue.length - this.head;
  }

  /** Milliseconds until the last held exchange is due (0 when none waits). */
  get waitLeft(): number {
    if (this.held === 0) return 0;
    return Math.max(0, this.queue[this.queue.length - 1].due - this.now());
  }

  /** An exchange as the pipeline completed it (already named as far as the resolver knew then). */
  push(exchange: Exchange): void {
    const named = exchange.clientContainer !== undefined && exchange.serverContainer !== undefined;
    if (this.held === 0 && (named || !this.active())) {
      this.next(exchange);
      return;
    }
    const bytes = bodyBytes(exchange);
    this.queue.push({ exchange, due: this.now() + this.holdMs, bytes });
    this.heldBytes += bytes;
    let over = 0;
    let freed = 0;
    while (this.held - over > this.maxHeld || (this.heldBytes - freed > this.maxHeldBytes && over < this.held)) freed += this.queue[this.head + over++].bytes;
    this.release(over);
    this.arm();
  }

  /** Releases every exchange whose wait is over (all of them once the resolver stops answering). */
  tick(): void {
    const now = this.now();
    const inactive = !this.active();
    let count = 0;
    while (this.head + count < this.queue.length && (inactive || this.queue[this.head + count].due <= now)) count++;
    this.release(count);
  }

  /** Releases everything now (the end of the capture). */
  flush(): void {
    this.release(this.held);
  }

  /** Stops the timer; held exchanges stay until flush(). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private release(count: number): void {
    for (let i = 0; i < count; i++) {
      const { exchange, bytes } = this.queue[this.head];
      this.queue[this.head++] = undefined as unknown as Held;
      this.heldBytes -= bytes;
      this.next(attachContainers(exchange, this.resolver));
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      this.stop();
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private arm(): void {
    if (!this.useTimer || this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.floor(this.holdMs / 5)));
    this.timer.unref();
  }
}
