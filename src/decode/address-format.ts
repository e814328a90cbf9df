/** "0".."255", so that an IPv4 address is four table reads and three concatenations. */
const DECIMAL: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

/** Dotted-quad IPv4 address from 4 bytes at o. */
export function formatIpv4(d: Uint8Array, o: number): string {
  return DECIMAL[d[o]] + '.' + DECIMAL[d[o + 1]] + '.' + DECIMAL[d[o + 2]] + '.' + DECIMAL[d[o + 3]];
}

/**
 * IPv6 address from 16 bytes at o, per RFC 5952: lowercase hex without leading zeros, the longest
 * run (the first if tied) of two or more zero groups as "::", and IPv4-mapped addresses as
 * ::ffff:a.b.c.d.
 */
export function formatIpv6(d: Uint8Array, o: number): string {
  // Longest zero run.
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if (d[o + 2 * i] === 0 && d[o + 2 * i + 1] === 0) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      if (len > bestLen) {
        bestLen = len;
        bestStart = runStart;
      }
    } else {
      runStart = -1;
    }
  }
  if (bestStart === 0 && bestLen === 5 && d[o + 10] === 0xff && d[o + 11] === 0xff) {
    return '::ffff:' + formatIpv4(d, o + 12);
  }
  if (bestLen < 2) bestStart = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s.length > 0 && s.charCodeAt(s.length - 1) !== 58) s += ':';
    s += ((d[o + 2 * i] << 8) | d[o + 2 * i + 1]).toString(16);
  }
  return s;
}

const V4_SLOTS = 4096;
const V6_SLOTS = 1024;

/**
 * Formats addresses through small direct-mapped caches. A cache hit returns the same (already flat)
 * string as last time, which is cheaper than building it and cheaper again for the Map lookups of
 * later stages that key on it. Collisions simply overwrite: the caches are bounded.
 */
export class AddressFormatter {
  private readonly v4Keys = new Int32Array(V4_SLOTS);
  private readonly v4Strings: (string | undefined)[] = new Array<string | undefined>(V4_SLOTS).fill(undefined);
  private readonly v6Keys = new Int32Array(V6_SLOTS * 4);
  private readonly v6Strings: (string | undefined)[] = new Array<string | undefined>(V6_SLOTS).fill(undefined);

  ipv4(d: Uint8Array, o: number): string {
    const key = (d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3];
    const slot = (key ^ (key >>> 12) ^ (key >>> 24)) & (V4_SLOTS - 1);
    const cached = this.v4Strings[slot];
    if (cached !== undefined && this.v4Keys[slot] === key) return cached;
    const s = formatIpv4(d, o);
    this.v4Keys[slot] = key;
    this.v4Strings[slot] = s;
    return s;
  }

  ipv6(d: Uint8Array, o: number): string {
    const w0 = (d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3];
    const w1 = (d[o + 4] << 24) | (d[o + 5] << 16) | (d[o + 6] << 8) | d[o + 7];
    const w2 = (d[o + 8] << 24) | (d[o + 9] << 16) | (d[o + 10] << 8) | d[o + 11];
    const w3 = (d[o + 12] << 24) | (d[o + 13] << 16) | (d[o + 14] << 8) | d[o + 15];
    let h = w0 ^ w1 ^ w2 ^ w3;
    h ^= h >>> 16;
    h ^= h >>> 8;
    const slot = h & (V6_SLOTS - 1);
    const k = slot * 4;
    const keys = this.v6Keys;
    const cached = this.v6Strings[slot];
    if (cached !== undefined && keys[k] === w0 && keys[k + 1] === w1 && keys[k + 2] === w2 && keys[k + 3] === w3) {
      return cached;
    }
    const s = formatIpv6(d, o);
    keys[k] = w0;
    keys[k + 1] = w1;
    keys[k + 2] = w2;
    keys[k + 3] = w3;
    this.v6Strings[slot] = s;
    return s;
  }
}
