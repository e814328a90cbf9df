/** TCP segments with correct checksums, and the common TCP options. */
import { concatBytes, padTo } from './bytes.js';
import { internetChecksum } from './checksum.js';
import { IpProtocol, pseudoHeader } from './ip.js';

export interface TcpFields {
  srcPort: number;
  dstPort: number;
  /** Unsigned 32-bit; wrapped modulo 2^32. */
  seq: number;
  ack: number;
  /** TcpFlags bits (src/model/segment.ts). */
  flags: number;
  window?: number;
  urgent?: number;
  /** Raw option bytes (see tcpOption); padded with End-of-Options to a 4-byte multiple. */
  options?: Uint8Array;
  payload?: Uint8Array;
  /** Write a wrong checksum on purpose. */
  badChecksum?: boolean;
}

/** Builds a TCP header + payload whose checksum covers the pseudo-header of `src` → `dst`. */
export function tcpSegment(f: TcpFields, src: string, dst: string): Uint8Array {
  const options = padTo(f.options ?? new Uint8Array(0), 4);
  const payload = f.payload ?? new Uint8Array(0);
  const headerLength = 20 + options.length;
  const out = new Uint8Array(headerLength + payload.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, f.srcPort);
  view.setUint16(2, f.dstPort);
  view.setUint32(4, f.seq >>> 0);
  view.setUint32(8, f.ack >>> 0);
  out[12] = (headerLength / 4) << 4;
  out[13] = f.flags & 0xff;
  view.setUint16(14, f.window ?? 65535);
  view.setUint16(18, f.urgent ?? 0);
  out.set(options, 20);
  out.set(payload, headerLength);
  const sum = internetChecksum(pseudoHeader(src, dst, IpProtocol.TCP, out.length), out);
  view.setUint16(16, f.badChecksum ? sum ^ 0xffff || 1 : sum);
  return out;
}

/** TCP option encoders; concatenate them (tcpOptions) into TcpFields.options. */
export const tcpOption = {
  nop: (): Uint8Array => Uint8Array.of(1),
  mss: (size: number): Uint8Array => Uint8Array.of(2, 4, size >> 8, size & 0xff),
  windowScale: (shift: number): Uint8Array => Uint8Array.of(3, 3, shift),
  sackPermitted: (): Uint8Array => Uint8Array.of(4, 2),
  timestamps: (value: number, echo: number): Uint8Array => {
    const out = new Uint8Array(10);
    const view = new DataView(out.buffer);
    out[0] = 8;
    out[1] = 10;
    view.setUint32(2, value >>> 0);
    view.setUint32(6, echo >>> 0);
    return out;
  },
};

export function tcpOptions(...options: Uint8Array[]): Uint8Array {
  return concatBytes(options);
}
