import { DecodeCursor, Next, Step, u16 } from './decode-cursor.js';

/** Ethernet II (or 802.3 with LLC when the type field is a length). */
export function ethernet(c: DecodeCursor): number {
  if (c.end - c.off < 14) return Step.TRUNCATED;
  const type = u16(c.data, c.off + 12);
  c.off += 14;
  if (type <= 1500) {
    // 802.3: the field is a length; anything after it is padding.
    if (c.off + type < c.end) c.end = c.off + type;
    c.next = Next.LLC;
  } else {
    c.next = type;
  }
  return Step.CONTINUE;
}

/** 802.1Q / 802.1ad / 0x9100 / 0x9200 tag: 2 bytes TCI, then the inner EtherType. */
export function vlanTag(c: DecodeCursor): number {
  if (c.end - c.off < 4) return Step.TRUNCATED;
  c.next = u16(c.data, c.off + 2);
  c.off += 4;
  return Step.CONTINUE;
}

/** 802.2 LLC: only SNAP (AA AA 03, OUI, EtherType) carries anything we decode. */
export function llc(c: DecodeCursor): number {
  const d = c.data;
  const o = c.off;
  if (c.end - o < 3) return Step.TRUNCATED;
  if (d[o] !== 0xaa || d[o + 1] !== 0xaa || d[o + 2] !== 0x03) return Step.NON_IP;
  if (c.end - o < 8) return Step.TRUNCATED;
  c.next = u16(d, o + 6);
  c.off += 8;
  return Step.CONTINUE;
}

/**
 * MPLS label stack: 4-byte entries until the bottom-of-stack bit. The payload type is not signalled;
 * it is guessed like tshark does: version nibble 4 or 6 is IP, 0 is a pseudowire control word
 * followed by Ethernet.
 */
export function mpls(c: DecodeCursor): number {
  const d = c.data;
  let o = c.off;
  for (;;) {
    if (c.end - o < 4) return Step.TRUNCATED;
    const bottom = d[o + 2] & 1;
    o += 4;
    if (bottom) break;
  }
  if (o >= c.end) return Step.TRUNCATED;
  const nibble = d[o] >> 4;
  if (nibble === 4) c.next = Next.IPV4;
  else if (nibble === 6) c.next = Next.IPV6;
  else if (nibble === 0) {
    o += 4;
    c.next = Next.ETHERNET;
  } else return Step.NON_IP;
  c.off = o;
  return Step.CONTINUE;
}

/** PPPoE session stage: version/type, code, session id, length, then a PPP protocol field. */
export function pppoeSession(c: DecodeCursor): number {
  const d = c.data;
  const o = c.off;
  if (c.end - o < 6) return Step.TRUNCATED;
  if (d[o] !== 0x11 || d[o + 1] !== 0) return Step.BAD_HEADER;
  const len = u16(d, o + 4);
  c.off = o + 6;
  if (c.off + len < c.end) c.end = c.off + len;
  c.next = Next.PPP;
  return Step.CONTINUE;
}

/** A PPP frame: optional FF 03 address/control, then a 1- or 2-byte protocol (compressed if odd). */
export function ppp(c: DecodeCursor): number {
  const d = c.data;
  let o = c.off;
  if (c.end - o < 2) return Step.TRUNCATED;
  if (d[o] === 0xff && d[o + 1] === 0x03) o += 2;
  if (c.end - o < 1) return Step.TRUNCATED;
  let proto: number;
  if (d[o] & 1) {
    proto = d[o];
    o += 1;
  } else {
    if (c.end - o < 2) return Step.TRUNCATED;
    proto = u16(d, o);
    o += 2;
  }
  c.off = o;
  if (proto === 0x0021) c.next = Next.IPV4;
  else if (proto === 0x0057) c.next = Next.IPV6;
  else return Step.NON_IP;
  return Step.CONTINUE;
}

/**
 * GRE (RFC 2784/2890, and version 1 as PPTP uses it). Optional checksum, key and sequence words are
 * skipped. ERSPAN rides on 0x88be (type II with a sequence number, type I without) and 0x22eb (III).
 */
export function gre(c: DecodeCursor): number {
  const d = c.data;
  let o = c.off;
  if (c.end - o < 4) return Step.TRUNCATED;
  const flags = d[o];
  const flags2 = d[o + 1];
  const version = flags2 & 7;
  const proto = u16(d, o + 2);
  o += 4;
  if (flags & 0x40) return Step.NON_IP; // source routing (RFC 1701): obsolete, not decoded
  if (version === 0) {
    if (flags & 0x80) o += 4; // checksum + reserved
    if (flags & 0x20) o += 4; // key
    if (flags & 0x10) o += 4; // sequence
  } else if (version === 1) {
    o += 4; // payload length + call id (the key field is mandatory)
    if (flags & 0x10) o += 4;
    if (flags2 & 0x80) o += 4; // acknowledgement number
  } else {
    return Step.NON_IP;
  }
  if (o > c.end) return Step.TRUNCATED;
  c.off = o;
  if (proto === 0x88be) c.next = flags & 0x10 ? Next.ERSPAN_2 : Next.ETHERNET;
  else if (proto === 0x880b) c.next = Next.PPP;
  else c.next = proto;
  return Step.CONTINUE;
}

/** ERSPAN type II: 8-byte header, then the mirrored Ethernet frame. */
export function erspan2(c: DecodeCursor): number {
  if (c.end - c.off < 8) return Step.TRUNCATED;
  c.off += 8;
  c.next = Next.ETHERNET;
  return Step.CONTINUE;
}

/**
 * ERSPAN type III: 12-byte header (+8 with the platform-specific subheader, flag O), then an
 * Ethernet frame (frame type 0) or an IP packet (frame type 2).
 */
export function erspan3(c: DecodeCursor): number {
  const d = c.data;
  const o = c.off;
  if (c.end - o < 12) return Step.TRUNCATED;
  const frameType = (d[o + 10] >> 2) & 0x1f;
  const hdr = d[o + 11] & 1 ? 20 : 12;
  if (c.end - o < hdr) return Step.TRUNCATED;
  c.off = o + hdr;
  if (frameType === 0) c.next = Next.ETHERNET;
  else if (frameType === 2) c.next = Next.IP_BY_VERSION;
  else return Step.NON_IP;
  return Step.CONTINUE;
}

const VXLAN_PORT = 4789;

/**
 * UDP: only VXLAN (port 4789 at either end, as tshark accepts it) is followed; everything else is
 * not TCP.
 */
export function udp(c: DecodeCursor): number {
  const d = c.data;
  const o = c.off;
  if (c.end - o < 8) return c.truncated ? Step.TRUNCATED : Step.BAD_HEADER;
  if (u16(d, o + 2) !== VXLAN_PORT && u16(d, o) !== VXLAN_PORT) return Step.NON_TCP;
  if (c.end - o < 16) return Step.TRUNCATED;
  if (!(d[o + 8] & 0x08)) return Step.NON_TCP; // VNI-valid flag missing: not VXLAN
  c.off = o + 16;
  c.next = Next.ETHERNET;
  return Step.CONTINUE;
}
