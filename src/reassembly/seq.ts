/**
 * TCP sequence arithmetic modulo 2^32. Every comparison of sequence numbers goes through here so that
 * wrap-around (a stream crossing 0xffffffff → 0) is handled in one place.
 */

/** a − b as a signed 32-bit distance: negative when a is "before" b (within ±2^31). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** seq + n, wrapped to an unsigned 32-bit sequence number. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) >>> 0;
}

/**
 * Largest forward distance an acknowledgement may plausibly run ahead of the bytes we hold: the
 * largest TCP window (65535 << 14) is just under 2^30. Anything further is a bogus or unrelated ack.
 */
export const MAX_PLAUSIBLE_ACK_AHEAD = 2 ** 30;
