/** RFC 1071 Internet checksum, used by the IPv4 header and TCP (over a pseudo-header). */

/** One's-complement sum of 16-bit big-endian words, not yet folded or inverted. */
export function onesComplementSum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  const even = data.length & ~1;
  for (let i = 0; i < even; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (even !== data.length) sum += data[even] << 8;
  // Fold often enough that the sum never leaves the exact integer range.
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value for `parts` (checksum field itself zeroed in the input). */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) {
    // Each part must start on a 16-bit boundary of the whole; our parts are even-length except the last.
    sum = onesComplementSum(p, sum);
  }
  return ~sum & 0xffff;
}
