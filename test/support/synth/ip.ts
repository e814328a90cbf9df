/** IPv4 (with options) and IPv6 (with extension headers), plus the TCP/UDP pseudo-header. */
import { concatBytes, ipv4Bytes, ipv6Bytes, isIpv6, padTo } from './bytes.js';
import { internetChecksum } from './checksum.js';

export const IpProtocol = {
  HOP_BY_HOP: 0,
  TCP: 6,
  UDP: 17,
  ROUTING: 43,
  NO_NEXT_HEADER: 59,
  DESTINATION_OPTIONS: 60,
} as const;

export interface Ipv4Fields {
  src: string;
  dst: string;
  protocol?: number;
  ttl?: number;
  identification?: number;
  dontFragment?: boolean;
  tos?: number;
  /** Raw option bytes; padded with End-of-Options to a 4-byte multiple. */
  options?: Uint8Array;
  payload: Uint8Array;
  /** Write a wrong header checksum (for tests of checksum-agnostic decoding). */
  badChecksum?: boolean;
}

export function ipv4Packet(f: Ipv4Fields): Uint8Array {
  const options = padTo(f.options ?? new Uint8Array(0), 4);
  const headerLength = 20 + options.length;
  const totalLength = headerLength + f.payload.length;
  if (totalLength > 0xffff) throw new Error(`IPv4 packet too long: ${totalLength}`);
  const out = new Uint8Array(totalLength);
  const view = new DataView(out.buffer);
  out[0] = 0x40 | (headerLength / 4);
  out[1] = f.tos ?? 0;
  view.setUint16(2, totalLength);
  view.setUint16(4, f.identification ?? 0);
  view.setUint16(6, f.dontFragment === false ? 0 : 0x4000);
  out[8] = f.ttl ?? 64;
  out[9] = f.protocol ?? IpProtocol.TCP;
  out.set(ipv4Bytes(f.src), 12);
  out.set(ipv4Bytes(f.dst), 16);
  out.set(options, 20);
  const sum = internetChecksum(out.subarray(0, headerLength));
  view.setUint16(10, f.badChecksum ? sum ^ 0xffff || 1 : sum);
  out.set(f.payload, headerLength);
  return out;
}

/** IPv4 Router Alert option (RFC 2113): a harmless option that makes the header 24 bytes. */
export function ipv4RouterAlert(): Uint8Array {
  return Uint8Array.of(0x94, 0x04, 0x00, 0x00);
}

/** One TLV option inside a hop-by-hop or destination-options header. */
export function ipv6Option(type: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concatBytes([Uint8Array.of(type, data.length), data]);
}

export type Ipv6Extension =
  /** Options headers; `options` are TLVs (see ipv6Option), padded with Pad1/PadN to 8-byte multiples. */
  | { kind: 'hop-by-hop' | 'destination-options'; options?: Uint8Array }
  /** Anything else, body after the 2 header bytes, padded with zeros to the 8-byte rule. */
  | { kind: 'other'; protocol: number; body: Uint8Array };

export interface Ipv6Fields {
  src: string;
  dst: string;
  /** Upper-layer protocol after all extension headers. */
  protocol?: number;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  extensions?: readonly Ipv6Extension[];
  payload: Uint8Array;
}

function padOptions(options: Uint8Array): Uint8Array {
  const missing = (8 - ((options.length + 2) % 8)) % 8;
  if (missing === 0) return options;
  // Pad1 for a single byte, PadN (type 1, length missing-2) otherwise.
  const pad = missing === 1 ? Uint8Array.of(0) : concatBytes([Uint8Array.of(1, missing - 2), new Uint8Array(missing - 2)]);
  return concatBytes([options, pad]);
}

function extensionProtocol(e: Ipv6Extension): number {
  if (e.kind === 'other') return e.protocol;
  return e.kind === 'hop-by-hop' ? IpProtocol.HOP_BY_HOP : IpProtocol.DESTINATION_OPTIONS;
}

function extensionHeader(e: Ipv6Extension, next: number): Uint8Array {
  const body = e.kind === 'other' ? padTo(concatBytes([new Uint8Array(2), e.body]), 8).subarray(2) : padOptions(e.options ?? new Uint8Array(0));
  const out = new Uint8Array(2 + body.length);
  out[0] = next;
  out[1] = (out.length / 8) - 1;
  out.set(body, 2);
  return out;
}

export function ipv6Packet(f: Ipv6Fields): Uint8Array {
  const extensions = f.extensions ?? [];
  const headers: Uint8Array[] = [];
  for (let i = 0; i < extensions.length; i++) {
    const next = i + 1 < extensions.length ? extensionProtocol(extensions[i + 1]) : (f.protocol ?? IpProtocol.TCP);
    headers.push(extensionHeader(extensions[i], next));
  }
  const rest = concatBytes([...headers, f.payload]);
  if (rest.length > 0xffff) throw new Error(`IPv6 payload too long: ${rest.length}`);
  const out = new Uint8Array(40 + rest.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (6 << 28) | ((f.trafficClass ?? 0) << 20) | ((f.flowLabel ?? 0) & 0xfffff));
  view.setUint16(4, rest.length);
  out[6] = extensions.length > 0 ? extensionProtocol(extensions[0]) : (f.protocol ?? IpProtocol.TCP);
  out[7] = f.hopLimit ?? 64;
  out.set(ipv6Bytes(f.src), 8);
  out.set(ipv6Bytes(f.dst), 24);
  out.set(rest, 40);
  return out;
}

/** The pseudo-header that TCP and UDP checksums cover (RFC 793 for IPv4, RFC 8200 §8.1 for IPv6). */
export function pseudoHeader(src: string, dst: string, protocol: number, upperLength: number): Uint8Array {
  if (isIpv6(src)) {
    const out = new Uint8Array(40);
    const view = new DataView(out.buffer);
    out.set(ipv6Bytes(src), 0);
    out.set(ipv6Bytes(dst), 16);
    view.setUint32(32, upperLength);
    out[39] = protocol;
    return out;
  }
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  out.set(ipv4Bytes(src), 0);
  out.set(ipv4Bytes(dst), 4);
  out[9] = protocol;
  view.setUint16(10, upperLength);
  return out;
}
