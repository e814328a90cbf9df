/** Small byte helpers shared by the synthesizer's encoders. */

const encoder = new TextEncoder();

/** Bytes from a string (UTF-8; HTTP heads are ASCII) or bytes as they are. */
export function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Pads with `fill` to a multiple of `multiple` bytes. */
export function padTo(data: Uint8Array, multiple: number, fill = 0): Uint8Array {
  const rest = data.length % multiple;
  if (rest === 0) return data;
  const out = new Uint8Array(data.length + multiple - rest).fill(fill);
  out.set(data);
  return out;
}

/** "aa:bb:cc:dd:ee:ff" → 6 bytes. */
export function macBytes(mac: string): Uint8Array {
  const parts = mac.split(':');
  if (parts.length !== 6) throw new Error(`bad MAC address: ${mac}`);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

export function ipv4Bytes(ip: string): Uint8Array {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`bad IPv4 address: ${ip}`);
  }
  return Uint8Array.from(parts);
}

/** Any textual IPv6 form (with "::", optionally with an embedded IPv4 tail) → 16 bytes. */
export function ipv6Bytes(ip: string): Uint8Array {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // "::ffff:1.2.3.4": turn the IPv4 tail into two hex groups.
    const v4 = ipv4Bytes(text.slice(lastColon + 1));
    const hex = (hi: number, lo: number): string => ((hi << 8) | lo).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hex(v4[0], v4[1])}:${hex(v4[2], v4[3])}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`bad IPv6 address: ${ip}`);
  const group = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const head = group(halves[0]);
  const back = halves.length === 2 ? group(halves[1]) : [];
  const missing = 8 - head.length - back.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) throw new Error(`bad IPv6 address: ${ip}`);
  const groups = [...head, ...new Array<number>(missing).fill(0), ...back];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    if (!(g >= 0 && g <= 0xffff)) throw new Error(`bad IPv6 address: ${ip}`);
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

export function isIpv6(ip: string): boolean {
  return ip.includes(':');
}

/**
 * Deterministic pseudo-random bytes (mulberry32): opaque payloads that must not look like any
 * protocol, yet be identical on every run.
 */
export function seededBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}
