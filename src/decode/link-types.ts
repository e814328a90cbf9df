/** LINKTYPE_* numbers (tcpdump.org/linktypes.html) that the decoder understands. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW_BSD: 12,
  RAW_OPENBSD: 14,
  RAW: 101,
  C_HDLC: 104,
  LOOP: 108,
  LINUX_SLL: 113,
  IEEE802_11_RADIOTAP: 127,
  ARCNET_LINUX: 129,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  LINUX_SLL2: 276,
} as const;

export function isSupportedLinkType(linkType: number): boolean {
  switch (linkType) {
    case LinkType.NULL:
    case LinkType.ETHERNET:
    case LinkType.RAW_BSD:
    case LinkType.RAW_OPENBSD:
    case LinkType.RAW:
    case LinkType.C_HDLC:
    case LinkType.LOOP:
    case LinkType.LINUX_SLL:
    case LinkType.IEEE802_11_RADIOTAP:
    case LinkType.ARCNET_LINUX:
    case LinkType.IPV4:
    case LinkType.IPV6:
    case LinkType.NFLOG:
    case LinkType.LINUX_SLL2:
      return true;
    default:
      return false;
  }
}
