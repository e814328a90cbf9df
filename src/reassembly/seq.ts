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
 * The largest TCP window (65535 << 14) is just under 2^30: a segment further ahead of the next
 * expected byte than that is not part of the stream.
 */
export const MAX_WINDOW = 2 ** 30;

/**
 * How far an ACK may run beyond the highest sequence number its direction was seen to use and still
 * be read as capture loss (a burst of lost packets, a few 64 KB GRO/TSO super-packets). Beyond it
 * the ACK is a challenge/bogus ACK (seen in real captures: ~1 GB ahead right after a SYN); real
 * loss that large is still declared by a later ACK, or by overflow, once later data is seen.
 */
export const MAX_UNSEEN_ACK = 256 * 1024;
