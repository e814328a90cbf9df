/**
 * pcapng files: a Section Header Block, one Interface Description Block per interface (with
 * if_tsresol), an optional Name Resolution Block, and Enhanced Packet Blocks. The block builders are
 * exported for tests that need odd files (blocks in unusual places, unknown blocks).
 */
import type { NameRecord } from '../../../src/model/frame.js';
import { concatBytes, ipv4Bytes, ipv6Bytes, isIpv6, padTo, toBytes } from './bytes.js';
import type { SynthPacket } from './packet.js';
import { toNanos } from './time.js';

export interface PcapngInterface {
  linkType: number;
  snapLength?: number;
  name?: string;
  description?: string;
  /**
   * The if_tsresol byte: 9 = nanoseconds, 6 = microseconds; high bit set = a power of two.
   * Undefined leaves the option out, which means microseconds.
   */
  tsresol?: number;
}

export interface PcapngOptions {
  interfaces: readonly PcapngInterface[];
  /** Written as one Name Resolution Block after the interfaces. */
  names?: readonly NameRecord[];
  /** Default 'little'. */
  byteOrder?: 'little' | 'big';
  /** shb_userappl. */
  application?: string;
}

const BlockType = { SHB: 0x0a0d0d0a, IDB: 0x00000001, NRB: 0x00000004, EPB: 0x00000006 } as const;

/** One option (code, value), value padded to 32 bits. */
function option(code: number, value: Uint8Array, le: boolean): Uint8Array {
  const out = new Uint8Array(4 + padTo(value, 4).length);
  const view = new DataView(out.buffer);
  view.setUint16(0, code, le);
  view.setUint16(2, value.length, le);
  out.set(value, 4);
  return out;
}

function optionList(options: Uint8Array[], le: boolean): Uint8Array {
  return options.length === 0 ? new Uint8Array(0) : concatBytes([...options, option(0, new Uint8Array(0), le)]);
}

/** Wraps a block body with its type and both length fields. */
export function pcapngBlock(type: number, body: Uint8Array, le = true): Uint8Array {
  const padded = padTo(body, 4);
  const length = 12 + padded.length;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, le);
  view.setUint32(4, length, le);
  out.set(padded, 8);
  view.setUint32(length - 4, length, le);
  return out;
}

export function sectionHeaderBlock(le = true, application?: string): Uint8Array {
  const body = new Uint8Array(16);
  const view = new DataView(body.buffer);
  view.setUint32(0, 0x1a2b3c4d, le);
  view.setUint16(4, 1, le);
  view.setUint16(6, 0, le);
  // Section length unknown: -1.
  view.setInt32(8, -1, le);
  view.setInt32(12, -1, le);
  const options = application === undefined ? [] : [option(4, toBytes(application), le)];
  return pcapngBlock(BlockType.SHB, concatBytes([body, optionList(options, le)]), le);
}

export function interfaceDescriptionBlock(iface: PcapngInterface, le = true): Uint8Array {
  const body = new Uint8Array(8);
  const view = new DataView(body.buffer);
  view.setUint16(0, iface.linkType, le);
  view.setUint32(4, iface.snapLength ?? 262144, le);
  const options: Uint8Array[] = [];
  if (iface.name !== undefined) options.push(option(2, toBytes(iface.name), le));
  if (iface.description !== undefined) options.push(option(3, toBytes(iface.description), le));
  if (iface.tsresol !== undefined) options.push(option(9, Uint8Array.of(iface.tsresol), le));
  return pcapngBlock(BlockType.IDB, concatBytes([body, optionList(options, le)]), le);
}

/** Timestamp in the interface's units (if_tsresol), truncated. */
export function timestampUnits(packet: SynthPacket, tsresol: number | undefined): bigint {
  const ns = toNanos(packet.ts);
  const r = tsresol ?? 6;
  const perSecond = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
  return (ns * perSecond) / 1_000_000_000n;
}

export function enhancedPacketBlock(packet: SynthPacket, iface: PcapngInterface, le = true): Uint8Array {
  const caplen = Math.min(packet.data.length, iface.snapLength ?? 262144);
  const head = new Uint8Array(20);
  const view = new DataView(head.buffer);
  const units = timestampUnits(packet, iface.tsresol);
  view.setUint32(0, packet.interfaceId ?? 0, le);
  view.setUint32(4, Number(units >> 32n), le);
  view.setUint32(8, Number(units & 0xffffffffn), le);
  view.setUint32(12, caplen, le);
  view.setUint32(16, packet.wireLength ?? packet.data.length, le);
  const options = packet.comment === undefined ? [] : [option(1, toBytes(packet.comment), le)];
  return pcapngBlock(BlockType.EPB, concatBytes([head, padTo(packet.data.subarray(0, caplen), 4), optionList(options, le)]), le);
}

export function nameResolutionBlock(names: readonly NameRecord[], le = true): Uint8Array {
  const records = names.map((n) => {
    const v6 = isIpv6(n.address);
    const value = concatBytes([v6 ? ipv6Bytes(n.address) : ipv4Bytes(n.address), ...n.names.map((name) => toBytes(`${name}\0`))]);
    return option(v6 ? 2 : 1, value, le);
  });
  // nrb_record_end has the same layout as opt_endofopt.
  return pcapngBlock(BlockType.NRB, concatBytes([...records, option(0, new Uint8Array(0), le)]), le);
}

export function writePcapng(packets: readonly SynthPacket[], options: PcapngOptions): Uint8Array {
  const le = (options.byteOrder ?? 'little') === 'little';
  const blocks = [sectionHeaderBlock(le, options.application)];
  for (const iface of options.interfaces) blocks.push(interfaceDescriptionBlock(iface, le));
  if (options.names !== undefined && options.names.length > 0) blocks.push(nameResolutionBlock(options.names, le));
  for (const p of packets) {
    const iface = options.interfaces[p.interfaceId ?? 0];
    if (iface === undefined) throw new Error(`packet on undeclared interface ${p.interfaceId}`);
    blocks.push(enhancedPacketBlock(p, iface, le));
  }
  return concatBytes(blocks);
}
