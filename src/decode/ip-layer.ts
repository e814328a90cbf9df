import { DecodeCursor, Next, Step, u16, u32 } from './decode-cursor.js';

/** IPv4 or IPv6 by the version nibble (raw-IP link types, NFLOG, ERSPAN III). */
export function ipByVersion(c: DecodeCursor): number {
  if (c.end - c.off < 1) return Step.TRUNCATED;
  const version = c.data[c.off] >> 4;
  if (version === 4) c.next = Next.IPV4;
  else if (version === 6) c.next = Next.IPV6;
  else return Step.NON_IP;
  return Step.CONTINUE;
}

/**
 * IPv4 header with options. The layer ends at the total length (dropping Ethernet padding), or at the
 * captured end when the total length is 0 (TSO/GRO super-packets on some captures) or larger than
 * what was captured (snapshot length; flagged).
 */
export function ipv4(c: DecodeCursor): number {
  const d = c.data;
  const o = c.off;
  const avail = c.end - o;
  if (avail < 20) return Step.TRUNCATED;
  const vihl = d[o];
  if (vihl >> 4 !== 4) return Step.BAD_HEADER;
  const ihl = (vihl & 15) << 2;
  if (ihl < 20) return Step.BAD_HEADER;
  if (avail < ihl) return Step.TRUNCATED;
  const total = (d[o + 2] << 8) | d[o + 3];
  if (total === 0) {
    if (c.cut) c.truncated = true;
  } else if (total < ihl) {
    return Step.BAD_HEADER;
  } else if (total > avail) {
    c.truncated = true;
  } else {
    c.end = o + total;
  }
  c.ipVersion = 4;
  c.addrData = d;
  c.srcOff = o + 12;
  c.dstOff = o + 16;
  c.off = o + ihl;
  const proto = d[o + 9];
  const frag = (d[o + 6] << 8) | d[o + 7];
  if ((frag & 0x3fff) !== 0) {
    c.fragOffset = (frag & 0x1fff) << 3;
    c.fragMore = (frag & 0x2000) !== 0;
    c.fragId = (d[o + 4] << 8) | d[o + 5];
    c.fragProto = proto;
    return Step.FRAGMENT;
  }
  c.next = Next.IPPROTO + proto;
  return Step.CONTINUE;
}

/** IPv6 fixed header; payload length 0 (jumbogram or TSO) means "to the captured end". */
export function ipv6(c: DecodeCursor): number {
  const d = c.data;
  const o = c.off;
  const avail = c.end - o;
  if (avail < 40) return Step.TRUNCATED;
  if (d[o] >> 4 !== 6) return Step.BAD_HEADER;
  const plen = (d[o + 4] << 8) | d[o + 5];
  if (plen === 0) {
    if (c.cut) c.truncated = true;
  } else if (plen > avail - 40) {
    c.truncated = true;
  } else {
    c.end = o + 40 + plen;
  }
  c.ipVersion = 6;
  c.addrData = d;
  c.srcOff = o + 8;
  c.dstOff = o + 24;
  c.off = o + 40;
  c.next = Next.IPPROTO + d[o + 6];
  return Step.CONTINUE;
}

/** Hop-by-hop, routing, destination options, mobility: next header, length in 8-byte units − 1. */
export function ipv6Options(c: DecodeCursor): number {
  if (c.ipVersion !== 6) return Step.NON_TCP;
  const o = c.off;
  if (c.end - o < 8) return Step.TRUNCATED;
  const len = (c.data[o + 1] + 1) << 3;
  if (c.end - o < len) return Step.TRUNCATED;
  c.next = Next.IPPROTO + c.data[o];
  c.off = o + len;
  return Step.CONTINUE;
}

/** Authentication header (IPv4 or IPv6): next header, length in 4-byte units − 2. */
export function authHeader(c: DecodeCursor): number {
  const o = c.off;
  if (c.end - o < 8) return Step.TRUNCATED;
  const len = (c.data[o + 1] + 2) << 2;
  if (c.end - o < len) return Step.TRUNCATED;
  c.next = Next.IPPROTO + c.data[o];
  c.off = o + len;
  return Step.CONTINUE;
}

/** IPv6 fragment header. An atomic fragment (offset 0, no more) is simply stepped over. */
export function ipv6Fragment(c: DecodeCursor): number {
  if (c.ipVersion !== 6) return Step.NON_TCP;
  const d = c.data;
  const o = c.off;
  if (c.end - o < 8) return Step.TRUNCATED;
  const field = u16(d, o + 2);
  const next = d[o];
  c.off = o + 8;
  if ((field & 0xfff9) === 0) {
    c.next = Next.IPPROTO + next;
    return Step.CONTINUE;
  }
  c.fragOffset = field & 0xfff8;
  c.fragMore = (field & 1) !== 0;
  c.fragId = u32(d, o + 4);
  c.fragProto = next;
  return Step.FRAGMENT;
}
