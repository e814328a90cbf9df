import type { Timestamp } from '../model/time.js';

const TWO_POW_32 = 4294967296;
/** Below this high word, hi·2^32 + lo is under 2^53 and exact as a double. */
const EXACT_HIGH_WORD = 0x200000;

const enum Kind {
  /** 10^-k with k ≤ 9: remainder × (1e9 / divisor) is an exact integer. */
  Decimal,
  /** 2^-n with n ≤ 23: remainder × 1e9 stays under 2^53. */
  Binary,
  /** Anything finer: BigInt (rare in practice). */
  Big,
}

/**
 * Converts pcapng 64-bit timestamps (two 32-bit words, in units of if_tsresol, plus if_tsoffset seconds)
 * to {sec, nsec} exactly. Plain doubles would lose nanoseconds since 1970 (≈1.7e18 > 2^53), so large
 * values go through a long division in 16-bit digits, where every partial dividend stays below 2^53.
 */
export class TickClock {
  private readonly kind: Kind;
  private readonly divisor: number;
  private readonly nsPerTick: number;
  private readonly bigDivisor: bigint;

  /**
   * @param tsresol the if_tsresol byte: high bit clear → 10^-value seconds, set → 2^-(value & 0x7f).
   * @param offsetSeconds if_tsoffset, added to every timestamp.
   */
  constructor(
    tsresol: number,
    private readonly offsetSeconds: number,
  ) {
    const binary = (tsresol & 0x80) !== 0;
    const exponent = tsresol & 0x7f;
    this.bigDivisor = binary ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
    if (!binary && exponent <= 9) {
      this.kind = Kind.Decimal;
      this.divisor = 10 ** exponent;
      this.nsPerTick = 1e9 / this.divisor;
    } else if (binary && exponent <= 23) {
      this.kind = Kind.Binary;
      this.divisor = 2 ** exponent;
      this.nsPerTick = 0;
    } else {
      this.kind = Kind.Big;
      this.divisor = 0;
      this.nsPerTick = 0;
    }
  }

  /** The timestamp for ticks = high·2^32 + low (both unsigned 32-bit). */
  at(high: number, low: number): Timestamp {
    if (this.kind === Kind.Big) return this.atBig(high, low);
    const d = this.divisor;
    let sec: number;
    let rem: number;
    if (high < EXACT_HIGH_WORD) {
      const ticks = high * TWO_POW_32 + low;
      sec = Math.floor(ticks / d);
      rem = ticks - sec * d;
      // The rounded quotient can be off by one; the exact remainder tells which way.
      if (rem < 0) {
        sec -= 1;
        rem += d;
      } else if (rem >= d) {
        sec += 1;
        rem -= d;
      }
    } else {
      let x = high >>> 16;
      const q3 = Math.floor(x / d);
      rem = x - q3 * d;
      x = rem * 65536 + (high & 0xffff);
      const q2 = Math.floor(x / d);
      rem = x - q2 * d;
      x = rem * 65536 + (low >>> 16);
      const q1 = Math.floor(x / d);
      rem = x - q1 * d;
      x = rem * 65536 + (low & 0xffff);
      const q0 = Math.floor(x / d);
      rem = x - q0 * d;
      sec = ((q3 * 65536 + q2) * 65536 + q1) * 65536 + q0;
    }
    const nsec = this.kind === Kind.Decimal ? rem * this.nsPerTick : Math.floor((rem * 1e9) / d);
    return { sec: sec + this.offsetSeconds, nsec };
  }

  private atBig(high: number, low: number): Timestamp {
    const ticks = (BigInt(high) << 32n) | BigInt(low);
    const d = this.bigDivisor;
    const sec = ticks / d;
    const nsec = ((ticks % d) * 1_000_000_000n) / d;
    return { sec: Number(sec) + this.offsetSeconds, nsec: Number(nsec) };
  }
}
