/**
 * The synthesizer counts time in nanoseconds since the epoch as bigint, so that any instant is exact;
 * packets carry the model's Timestamp (sec + nsec), as a source would deliver it.
 */
import type { Timestamp } from '../../../src/model/time.js';

export type Nanos = bigint;

export const NS_PER_SEC = 1_000_000_000n;

/** Convenience units: ms(1.5) = 1_500_000n. Fractions finer than a nanosecond are rounded. */
export function us(n: number): Nanos {
  return BigInt(Math.round(n * 1_000));
}

export function ms(n: number): Nanos {
  return BigInt(Math.round(n * 1_000_000));
}

export function seconds(n: number): Nanos {
  return BigInt(Math.round(n * 1e6)) * 1_000n;
}

export function toTimestamp(ns: Nanos): Timestamp {
  if (ns < 0n) throw new Error('negative time');
  return { sec: Number(ns / NS_PER_SEC), nsec: Number(ns % NS_PER_SEC) };
}

export function toNanos(ts: Timestamp): Nanos {
  return BigInt(ts.sec) * NS_PER_SEC + BigInt(ts.nsec);
}
