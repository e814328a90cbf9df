import { DecodeCursor, Next, Step, u16, u16le } from './decode-cursor.js';
import { LinkType } from './link-types.js';

/** Parses the link-layer header of a frame; sets c.off past it and c.next to what it carries. */
export function decodeLinkLayer(c: DecodeCursor, linkType: number): number {
  switch (linkType) {
    case LinkType.ETHERNET:
      c.next = Next.ETHERNET;
      return Step.CONTINUE;
    case LinkType.RAW:
    case LinkType.RAW_BSD:
    case LinkType.RAW_OPENBSD:
      c.next = Next.IP_BY_VERSION;
      return Step.CONTINUE;
    case LinkType.IPV4:
      c.next = Next.IPV4;
      return Step.CONTINUE;
    case LinkType.IPV6:
      c.next = Next.IPV6;
      return Step.CONTINUE;
    case LinkType.LINUX_SLL:
      return linuxSll(c);
    case LinkType.LINUX_SLL2:
      return linuxSll2(c);
    case LinkType.NULL:
    case LinkType.LOOP:
      return loopback(c);
    case LinkType.C_HDLC:
      return ciscoHdlc(c);
    case LinkType.NFLOG:
      return nflog(c);
    case LinkType.IEEE802_11_RADIOTAP:
      return radiotap80211(c);
    case LinkType.ARCNET_LINUX:
      return arcnetLinux(c);
    default:
      return Step.UNSUPPORTED_LINK;
  }
}

const ARPHRD_NETLINK = 824;
/** SLL protocol values below 0x0600 are not EtherTypes; 4 means an 802.2 LLC header follows. */
const SLL_P_802_2 = 4;

function sllProtocol(c: DecodeCursor, protocol: number): number {
  if (protocol === SLL_P_802_2) {
    c.next = Next.LLC;
    return Step.CONTINUE;
  }
  if (protocol < 0x0600) return Step.NON_IP;
  c.next = protocol;
  return Step.CONTINUE;
}

/** Linux cooked capture v1: 16-byte header, protocol (an EtherType) in the last two bytes. */
function linuxSll(c: DecodeCursor): number {
  if (c.end - c.off < 16) return Step.TRUNCATED;
  if (u16(c.data, c.off + 2) === ARPHRD_NETLINK) return Step.NON_IP;
  const protocol = u16(c.data, c.off + 14);
  c.off += 16;
  return sllProtocol(c, protocol);
}

/** Linux cooked capture v2: 20-byte header, protocol first. */
function linuxSll2(c: DecodeCursor): number {
  if (c.end - c.off < 20) return Step.TRUNCATED;
  if (u16(c.data, c.off + 8) === ARPHRD_NETLINK) return Step.NON_IP;
  const protocol = u16(c.data, c.off);
  c.off += 20;
  return sllProtocol(c, protocol);
}

/**
 * BSD loopback (NULL: host byte order of the capturing machine) and OpenBSD loop (network order):
 * a 4-byte address family. Either order is accepted, because files travel between machines.
 */
function loopback(c: DecodeCursor): number {
  if (c.end - c.off < 4) return Step.TRUNCATED;
  const d = c.data;
  const o = c.off;
  // The family is small: whichever half is non-zero holds it.
  let af = d[o] | (d[o + 1] << 8);
  if (af === 0) af = (d[o + 3] | (d[o + 2] << 8));
  c.off += 4;
  switch (af) {
    case 2:
      c.next = Next.IPV4;
      return Step.CONTINUE;
    case 24: // NetBSD, OpenBSD, BSD/OS
    case 28: // FreeBSD, DragonFly
    case 30: // Darwin
      c.next = Next.IPV6;
      return Step.CONTINUE;
    default:
      return Step.NON_IP;
  }
}

/** Cisco HDLC: address, control, then an EtherType. */
function ciscoHdlc(c: DecodeCursor): number {
  if (c.end - c.off < 4) return Step.TRUNCATED;
  c.next = u16(c.data, c.off + 2);
  c.off += 4;
  return Step.CONTINUE;
}

const NFULA_PAYLOAD = 9;
/** Netlink attribute types carry "nested" and "net byte order" flags in their top bits. */
const NLA_TYPE_MASK = 0x3fff;

/**
 * NFLOG: 4-byte header (family, version, resource id), then TLVs whose length and type are in the
 * capturing host's byte order (length includes the 4-byte TLV header, padded to 4). The byte order
 * is guessed from the first TLV's length: the one that fits is right.
 */
function nflog(c: DecodeCursor): number {
  const d = c.data;
  const end = c.end;
  let o = c.off + 4;
  if (end - o < 4) return Step.TRUNCATED;
  let little = true;
  const first = u16le(d, o);
  if (first < 4 || first > end - o) little = false;
  while (end - o >= 4) {
    const len = little ? u16le(d, o) : u16(d, o);
    const type = (little ? u16le(d, o + 2) : u16(d, o + 2)) & NLA_TYPE_MASK;
    if (len < 4) return Step.BAD_HEADER;
    if (type === NFULA_PAYLOAD) {
      c.off = o + 4;
      if (o + len > end) c.truncated = true;
      else c.end = o + len;
      c.next = Next.IP_BY_VERSION;
      return Step.CONTINUE;
    }
    o += (len + 3) & ~3;
  }
  // No payload attribute (a capture that logged only metadata) or the walk ran off the end.
  return o >= end ? Step.NON_IP : Step.TRUNCATED;
}

/**
 * IEEE 802.11 with a radiotap header: only data frames carrying LLC/SNAP are decoded. QoS and
 * HT-control fields and the fourth address are skipped; a protected frame is decoded only when
 * the capture already holds it decrypted (LLC/SNAP right after the 8-byte CCMP/TKIP or 4-byte
 * WEP header); encrypted payloads are non-IP to us.
 */
function radiotap80211(c: DecodeCursor): number {
  const d = c.data;
  const start = c.off;
  const end = c.end;
  if (end - start < 8) return Step.TRUNCATED;
  if (d[start] !== 0) return Step.BAD_HEADER;
  const rtLen = u16le(d, start + 2);
  if (rtLen < 8) return Step.BAD_HEADER;
  if (end - start < rtLen) return Step.TRUNCATED;
  const rtFlags = radiotapFlags(d, start, rtLen);
  let o = start + rtLen;
  let limit = end;
  // Frame check sequence at the end: keep it out of the payload.
  if (rtFlags & 0x10) limit -= 4;
  if (limit - o < 24) return Step.TRUNCATED;
  const fc0 = d[o];
  const fc1 = d[o + 1];
  if (((fc0 >> 2) & 3) !== 2) return Step.NON_IP; // not a data frame
  const subtype = fc0 >> 4;
  if (subtype & 4) return Step.NON_IP; // null function: no body
  let hdr = 24;
  if ((fc1 & 3) === 3) hdr += 6; // to-DS and from-DS: fourth address
  if (subtype & 8) {
    hdr += 2; // QoS control
    if (fc1 & 0x80) hdr += 4; // +HTC
  }
  if (rtFlags & 0x20) hdr = (hdr + 3) & ~3; // radiotap "data pad": body aligned to 4
  o += hdr;
  if (fc1 & 0x40) {
    if (isSnap(d, o + 8, limit)) o += 8;
    else if (isSnap(d, o + 4, limit)) o += 4;
    else return Step.NON_IP;
  }
  c.off = o;
  c.end = limit;
  c.next = Next.LLC;
  return Step.CONTINUE;
}

function isSnap(d: Uint8Array, o: number, end: number): boolean {
  return end - o >= 8 && d[o] === 0xaa && d[o + 1] === 0xaa && d[o + 2] === 0x03;
}

/** The radiotap Flags field (bit 1 of the first present word), or 0. */
function radiotapFlags(d: Uint8Array, start: number, rtLen: number): number {
  const present = d[start + 4];
  if (!(present & 2)) return 0;
  // Skip the chain of present words (bit 31 says another follows).
  let o = start + 4;
  while (o + 4 <= start + rtLen && d[o + 3] & 0x80) o += 4;
  o += 4;
  if (present & 1) o = start + (((o - start) + 7) & ~7) + 8; // TSFT, 8-aligned
  return o < start + rtLen ? d[o] : 0;
}

const ARCTYPE_IP_OLD = 240;
const ARCTYPE_ARP_OLD = 241;
const ARCTYPE_DIAGNOSE = 0x80;
const ARCTYPE_IP = 212;
const ARCTYPE_INET6 = 0xc4;

/**
 * Linux ARCNET: source, destination, 2-byte offset, type; RFC 1201 types add a split flag and a
 * sequence id (8 bytes in all), RFC 1051 types do not (5 bytes). Linux hands over reassembled
 * packets, so the split flag needs no handling (as in tcpdump's print-arcnet.c).
 */
function arcnetLinux(c: DecodeCursor): number {
  if (c.end - c.off < 5) return Step.TRUNCATED;
  const type = c.data[c.off + 4];
  let hdr = 8;
  if (type === ARCTYPE_IP_OLD || type === ARCTYPE_ARP_OLD || type === ARCTYPE_DIAGNOSE) hdr = 5;
  if (c.end - c.off < hdr) return Step.TRUNCATED;
  c.off += hdr;
  switch (type) {
    case ARCTYPE_IP_OLD:
    case ARCTYPE_IP:
      c.next = Next.IPV4;
      return Step.CONTINUE;
    case ARCTYPE_INET6:
      c.next = Next.IPV6;
      return Step.CONTINUE;
    default:
      return Step.NON_IP;
  }
}
