/**
 * The decoder walks a frame layer by layer with one reusable cursor instead of returning objects,
 * so that decoding a packet allocates nothing but the Segment and its address strings.
 */

/** What a layer step reports. */
export const Step = {
  /** Parsed; c.next says what comes next. */
  CONTINUE: 0,
  /** The TCP header starts at c.off. */
  TCP: 1,
  NON_IP: 2,
  NON_TCP: 3,
  /** A header was cut short by the capture. */
  TRUNCATED: 4,
  /** A header contradicts itself (bad version, length, offset) or nesting is absurdly deep. */
  BAD_HEADER: 5,
  UNSUPPORTED_LINK: 6,
  /** An IP fragment was stored; nothing to deliver yet. */
  FRAGMENT_HELD: 7,
  /** An IP fragment lies between c.off and c.end; its identity is in c.frag*. */
  FRAGMENT: 8,
} as const;

/**
 * What follows at c.off. Values below 0x10000 are EtherTypes, so that every layer which names its
 * payload by EtherType (Ethernet, SLL, HDLC, GRE, VLAN) needs no translation.
 */
export const Next = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  VLAN_9100: 0x9100,
  VLAN_9200: 0x9200,
  MPLS: 0x8847,
  MPLS_MULTICAST: 0x8848,
  PPPOE_SESSION: 0x8864,
  PPP_ETHERTYPE: 0x880b,
  ERSPAN_3: 0x22eb,
  /** Transparent Ethernet Bridging: an Ethernet frame follows. */
  ETHERNET: 0x6558,
  /** IPv4 or IPv6, chosen by the version nibble. */
  IP_BY_VERSION: 0x10000,
  /** A PPP protocol field (1 or 2 bytes) follows. */
  PPP: 0x10001,
  /** An ERSPAN type II header (8 bytes) and an Ethernet frame follow. */
  ERSPAN_2: 0x10002,
  /** An 802.2 LLC header follows (SNAP carries an EtherType). */
  LLC: 0x10003,
  /** IP protocol numbers are offset by this (IPPROTO + n). */
  IPPROTO: 0x20000,
} as const;

export class DecodeCursor {
  data: Uint8Array = new Uint8Array(0);
  off = 0;
  /** Exclusive end of the current layer (captured bytes, trimmed by length fields). */
  end = 0;
  next = 0;
  /** Set when a length field claimed more bytes than were captured. */
  truncated = false;
  /** The innermost IP header: version and where its addresses are. */
  ipVersion = 0;
  addrData: Uint8Array = this.data;
  srcOff = 0;
  dstOff = 0;
  /** The frame is shorter than on the wire (snapshot length). */
  cut = false;
  fragOffset = 0;
  fragMore = false;
  fragId = 0;
  fragProto = 0;

  reset(data: Uint8Array, cut: boolean): void {
    this.cut = cut;
    this.data = data;
    this.off = 0;
    this.end = data.length;
    this.next = 0;
    this.truncated = false;
    this.ipVersion = 0;
  }
}

export function u16(d: Uint8Array, o: number): number {
  return (d[o] << 8) | d[o + 1];
}

export function u32(d: Uint8Array, o: number): number {
  return ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
}

export function u16le(d: Uint8Array, o: number): number {
  return d[o] | (d[o + 1] << 8);
}
