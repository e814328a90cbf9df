import type { Frame } from '../../../src/model/frame.js';

/** Byte builders for hand-made frames: each returns a fresh array; concatenate with cat(). */

export function cat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function be16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

export function be32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function ipv4Bytes(addr: string): number[] {
  return addr.split('.').map(Number);
}

export function ipv6Bytes(addr: string): number[] {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => be16(parseInt(g, 16)));
}

export interface TcpOptions {
  srcPort?: number;
  dstPort?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  /** Option bytes (padded to 4 by the caller). */
  options?: number[];
}

export function tcp(payload: Uint8Array | number[], o: TcpOptions = {}): Uint8Array {
  const opts = o.options ?? [];
  const hdrLen = 20 + opts.length;
  return cat(
    be16(o.srcPort ?? 40000),
    be16(o.dstPort ?? 80),
    be32(o.seq ?? 1000),
    be32(o.ack ?? 2000),
    [(hdrLen / 4) << 4, o.flags ?? 0x18],
    be16(o.window ?? 65535),
    [0, 0, 0, 0],
    opts,
    payload,
  );
}

export interface Ipv4Options {
  src?: string;
  dst?: string;
  proto?: number;
  id?: number;
  /** Fragment offset in bytes (multiple of 8). */
  fragOffset?: number;
  more?: boolean;
  options?: number[];
  /** Override the total length field. */
  totalLength?: number;
}

export function ipv4(payload: Uint8Array | number[], o: Ipv4Options = {}): Uint8Array {
  const opts = o.options ?? [];
  const ihl = 20 + opts.length;
  const frag = ((o.fragOffset ?? 0) >> 3) | (o.more ? 0x2000 : 0);
  return cat(
    [0x40 | (ihl / 4), 0],
    be16(o.totalLength ?? ihl + payload.length),
    be16(o.id ?? 1),
    be16(frag),
    [64, o.proto ?? 6, 0, 0],
    ipv4Bytes(o.src ?? '10.0.0.1'),
    ipv4Bytes(o.dst ?? '10.0.0.2'),
    opts,
    payload,
  );
}

export interface Ipv6Options {
  src?: string;
  dst?: string;
  next?: number;
  payloadLength?: number;
}

export function ipv6(payload: Uint8Array | number[], o: Ipv6Options = {}): Uint8Array {
  return cat(
    [0x60, 0, 0, 0],
    be16(o.payloadLength ?? payload.length),
    [o.next ?? 6, 64],
    ipv6Bytes(o.src ?? '2001:db8::1'),
    ipv6Bytes(o.dst ?? '2001:db8::2'),
    payload,
  );
}

export function ethernet(type: number, payload: Uint8Array | number[]): Uint8Array {
  return cat([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2], be16(type), payload);
}

export function frame(linkType: number, data: Uint8Array, wireLength = data.length, sec = 1000, nsec = 0): Frame {
  return { ts: { sec, nsec }, linkType, data, wireLength, interfaceId: 3 };
}
