import { TcpFlags, type Segment } from '../../src/model/segment.js';
import type { Timestamp } from '../../src/model/time.js';

export interface Endpoints {
  a: [string, number];
  b: [string, number];
}

export const defaultEnds: Endpoints = { a: ['10.0.0.1', 40000], b: ['10.0.0.2', 80] };

/** Seconds (with a fraction) to a Timestamp, exactly for the millisecond fractions the tests use. */
export function at(seconds: number): Timestamp {
  const sec = Math.floor(seconds);
  return { sec, nsec: Math.round((seconds - sec) * 1e3) * 1e6 };
}

/** 'S' SYN, 'A' ACK, 'F' FIN, 'R' RST, 'P' PSH, '.' none. */
export function parseFlags(flags: string): number {
  let f = 0;
  for (const c of flags) {
    if (c === 'S') f |= TcpFlags.SYN;
    else if (c === 'A') f |= TcpFlags.ACK;
    else if (c === 'F') f |= TcpFlags.FIN;
    else if (c === 'R') f |= TcpFlags.RST;
    else if (c === 'P') f |= TcpFlags.PSH;
    else if (c !== '.') throw new Error(`flag ${c}`);
  }
  return f;
}

export interface SegmentSpec {
  t: number;
  seq: number;
  ack?: number;
  flags?: string;
  data?: string | Uint8Array;
  window?: number;
}

/** A hand-built segment from side `from` of `ends`. */
export function seg(from: 'A' | 'B', spec: SegmentSpec, ends: Endpoints = defaultEnds): Segment {
  const [src, dst] = from === 'A' ? [ends.a, ends.b] : [ends.b, ends.a];
  const data = spec.data ?? '';
  return {
    ts: at(spec.t),
    srcIp: src[0],
    srcPort: src[1],
    dstIp: dst[0],
    dstPort: dst[1],
    seq: spec.seq >>> 0,
    ack: (spec.ack ?? 0) >>> 0,
    flags: parseFlags(spec.flags ?? (spec.ack !== undefined ? 'A' : '.')),
    window: spec.window ?? 65535,
    payload: typeof data === 'string' ? Buffer.from(data, 'latin1') : data,
    interfaceId: 0,
  };
}

/** Shorthands: A(t, seq, flags, data?, ack?) and B(...). */
export function A(t: number, seq: number, flags: string, data = '', ack?: number, window?: number): Segment {
  return seg('A', { t, seq, flags, data, ack, window });
}

export function B(t: number, seq: number, flags: string, data = '', ack?: number, window?: number): Segment {
  return seg('B', { t, seq, flags, data, ack, window });
}
