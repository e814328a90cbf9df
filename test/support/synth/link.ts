/** Link-layer headers: Ethernet (with 802.1Q / QinQ tags), Linux cooked v1 and v2, BSD loopback. */
import { macBytes } from './bytes.js';

/** LINKTYPE_* values (tcpdump.org/linktypes.html) the synthesizer can produce. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINUX_SLL: 113,
  LINUX_SLL2: 276,
} as const;

export const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  /** 802.1ad service tag, the outer tag of QinQ. */
  QINQ: 0x88a8,
} as const;

/** Linux PACKET_* types carried in cooked headers. */
export const PacketType = {
  HOST: 0,
  BROADCAST: 1,
  MULTICAST: 2,
  OTHERHOST: 3,
  OUTGOING: 4,
} as const;

export interface VlanTag {
  id: number;
  priority?: number;
  /** Defaults: 0x88a8 for outer tags of a stack, 0x8100 for the innermost (or only) one. */
  tpid?: number;
}

export interface EthernetFields {
  src: string;
  dst: string;
  /** The type of what follows the last tag. */
  etherType: number;
  /** Outermost first. */
  vlans?: readonly VlanTag[];
}

export function ethernetHeader(f: EthernetFields): Uint8Array {
  const vlans = f.vlans ?? [];
  const out = new Uint8Array(14 + 4 * vlans.length);
  const view = new DataView(out.buffer);
  out.set(macBytes(f.dst), 0);
  out.set(macBytes(f.src), 6);
  let at = 12;
  vlans.forEach((tag, i) => {
    const innermost = i === vlans.length - 1;
    view.setUint16(at, tag.tpid ?? (innermost ? EtherType.VLAN : EtherType.QINQ));
    view.setUint16(at + 2, ((tag.priority ?? 0) << 13) | (tag.id & 0x0fff));
    at += 4;
  });
  view.setUint16(at, f.etherType);
  return out;
}

export interface SllFields {
  packetType: number;
  /** The EtherType of the payload. */
  protocol: number;
  /** ARPHRD_* (1 = Ethernet). */
  arphrdType?: number;
  /** Link-layer source address (a MAC). */
  address?: string;
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL): 16 bytes. */
export function sllHeader(f: SllFields): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setUint16(0, f.packetType);
  view.setUint16(2, f.arphrdType ?? 1);
  const addr = f.address === undefined ? new Uint8Array(0) : macBytes(f.address);
  view.setUint16(4, addr.length);
  out.set(addr, 6);
  view.setUint16(14, f.protocol);
  return out;
}

export interface Sll2Fields extends SllFields {
  interfaceIndex: number;
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, what `tcpdump -i any` writes): 20 bytes. */
export function sll2Header(f: Sll2Fields): Uint8Array {
  const out = new Uint8Array(20);
  const view = new DataView(out.buffer);
  view.setUint16(0, f.protocol);
  // bytes 2-3 reserved (zero)
  view.setUint32(4, f.interfaceIndex);
  view.setUint16(8, f.arphrdType ?? 1);
  out[10] = f.packetType;
  const addr = f.address === undefined ? new Uint8Array(0) : macBytes(f.address);
  out[11] = addr.length;
  out.set(addr, 12);
  return out;
}

/** BSD loopback (LINKTYPE_NULL): the address family in the writer's byte order. */
export function nullHeader(ipv6: boolean, littleEndian = true): Uint8Array {
  const out = new Uint8Array(4);
  // AF_INET is 2 everywhere; AF_INET6 differs by OS, 30 is macOS's (Wireshark accepts 24, 28, 30).
  new DataView(out.buffer).setUint32(0, ipv6 ? 30 : 2, littleEndian);
  return out;
}
