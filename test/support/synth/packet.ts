/** One whole frame: link header + IP + TCP, and the packet record the writers take. */
import type { Timestamp } from '../../../src/model/time.js';
import { concatBytes, ipv4Bytes, ipv6Bytes, isIpv6 } from './bytes.js';
import { type Ipv6Extension, ipv4Packet, ipv6Packet } from './ip.js';
import { EtherType, LinkType, PacketType, type VlanTag, ethernetHeader, nullHeader, sll2Header, sllHeader } from './link.js';
import { type TcpFields, tcpSegment } from './tcp.js';

/** A captured packet ready for a writer. */
export interface SynthPacket {
  ts: Timestamp;
  /** The frame from the link header on (the writer cuts it to the snapshot length). */
  data: Uint8Array;
  /** Length on the wire when it differs from data.length (pretend the capture cut it). */
  wireLength?: number;
  /** pcapng interface (0 when absent). */
  interfaceId?: number;
  /** pcapng packet comment (opt_comment); ignored by classic pcap. */
  comment?: string;
}

/**
 * How frames are framed. Fields left out come from the endpoints: Ethernet MACs from the IPs
 * (Docker style 02:42:…), cooked-header addresses from the sender's MAC.
 */
export type LinkSpec =
  | { type: 'ethernet'; src?: string; dst?: string; vlans?: readonly VlanTag[] }
  | { type: 'sll'; packetType?: number; address?: string }
  | { type: 'sll2'; interfaceIndex?: number; packetType?: number; address?: string }
  | { type: 'raw' }
  | { type: 'null' };

export function linkTypeOf(link: LinkSpec): number {
  switch (link.type) {
    case 'ethernet':
      return LinkType.ETHERNET;
    case 'sll':
      return LinkType.LINUX_SLL;
    case 'sll2':
      return LinkType.LINUX_SLL2;
    case 'raw':
      return LinkType.RAW;
    case 'null':
      return LinkType.NULL;
  }
}

/** Docker-style MAC for an address: 02:42 + the last four bytes of the IP. */
export function macFor(ip: string): string {
  const bytes = isIpv6(ip) ? ipv6Bytes(ip).subarray(12) : ipv4Bytes(ip);
  return ['02', '42', ...Array.from(bytes, (b) => b.toString(16).padStart(2, '0'))].join(':');
}

export function linkHeader(link: LinkSpec, srcIp: string, dstIp: string, srcMac?: string, dstMac?: string): Uint8Array {
  const v6 = isIpv6(srcIp);
  const etherType = v6 ? EtherType.IPV6 : EtherType.IPV4;
  const from = srcMac ?? macFor(srcIp);
  switch (link.type) {
    case 'ethernet':
      return ethernetHeader({ src: link.src ?? from, dst: link.dst ?? dstMac ?? macFor(dstIp), etherType, vlans: link.vlans });
    case 'sll':
      return sllHeader({ packetType: link.packetType ?? PacketType.HOST, protocol: etherType, address: link.address ?? from });
    case 'sll2':
      return sll2Header({
        packetType: link.packetType ?? PacketType.HOST,
        protocol: etherType,
        interfaceIndex: link.interfaceIndex ?? 1,
        address: link.address ?? from,
      });
    case 'raw':
      return new Uint8Array(0);
    case 'null':
      return nullHeader(v6);
  }
}

export interface IpSpec {
  ttl?: number;
  /** IPv4 identification. */
  identification?: number;
  /** IPv4 option bytes. */
  ipv4Options?: Uint8Array;
  /** IPv6 extension headers between the fixed header and TCP. */
  ipv6Extensions?: readonly Ipv6Extension[];
  flowLabel?: number;
  badIpChecksum?: boolean;
}

export interface TcpPacketSpec extends IpSpec {
  link: LinkSpec;
  srcIp: string;
  dstIp: string;
  srcMac?: string;
  dstMac?: string;
  tcp: TcpFields;
}

/** Link header + IPv4/IPv6 (by the address form) + TCP, all checksums correct unless asked otherwise. */
export function tcpPacket(spec: TcpPacketSpec): Uint8Array {
  const segment = tcpSegment(spec.tcp, spec.srcIp, spec.dstIp);
  const ip = isIpv6(spec.srcIp)
    ? ipv6Packet({
        src: spec.srcIp,
        dst: spec.dstIp,
        hopLimit: spec.ttl,
        flowLabel: spec.flowLabel,
        extensions: spec.ipv6Extensions,
        payload: segment,
      })
    : ipv4Packet({
        src: spec.srcIp,
        dst: spec.dstIp,
        ttl: spec.ttl,
        identification: spec.identification,
        options: spec.ipv4Options,
        badChecksum: spec.badIpChecksum,
        payload: segment,
      });
  return concatBytes([linkHeader(spec.link, spec.srcIp, spec.dstIp, spec.srcMac, spec.dstMac), ip]);
}

/** Merges packet lists (several connections) into one capture order: by time, stable. */
export function mergeByTime(...lists: ReadonlyArray<readonly SynthPacket[]>): SynthPacket[] {
  return lists.flat().map((p, i) => ({ p, i })).sort((x, y) => x.p.ts.sec - y.p.ts.sec || x.p.ts.nsec - y.p.ts.nsec || x.i - y.i).map((e) => e.p);
}
