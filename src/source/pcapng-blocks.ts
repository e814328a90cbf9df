import type { NameRecord } from '../model/frame.js';
import { ipv4Text, ipv6Text } from './ip-text.js';

/** Block types (pcapng spec, draft-ietf-opsawg-pcapng). */
export const BlockType = {
  SectionHeader: 0x0a0d0d0a,
  InterfaceDescription: 1,
  /** Obsolete Packet Block, still written by old tools. */
  Packet: 2,
  SimplePacket: 3,
  NameResolution: 4,
  InterfaceStatistics: 5,
  EnhancedPacket: 6,
} as const;

/** The byte-order magic of a section header, read little-endian. */
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

/** Smallest valid total length per block type (header, fixed fields, trailing length). */
export function minimumBlockLength(type: number): number {
  switch (type) {
    case BlockType.SectionHeader:
      return 28;
    case BlockType.InterfaceDescription:
      return 20;
    case BlockType.Packet:
    case BlockType.EnhancedPacket:
      return 32;
    case BlockType.SimplePacket:
      return 16;
    case BlockType.InterfaceStatistics:
      return 24;
    default:
      return 12;
  }
}

/**
 * Block types a resynchronising reader accepts as a real block start: the standard ones, the
 * systemd-journal/decryption-secrets/IRIG/AFDX blocks, and the two custom block types.
 */
export function isKnownBlockType(type: number): boolean {
  return (type >= 1 && type <= 10) || type === BlockType.SectionHeader || type === 0x00000bad || type === 0x40000bad;
}

export interface InterfaceDescription {
  linkType: number;
  snapLength: number;
  name?: string;
  description?: string;
  /** if_tsresol byte; 6 (microseconds) when absent. */
  tsresol: number;
  /** if_tsoffset in seconds; 0 when absent. */
  tsoffset: number;
}

const OPT_END = 0;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

/** Reads an Interface Description Block of `len` bytes at `off` (length already validated). */
export function readInterfaceDescription(buf: Buffer, view: DataView, off: number, len: number, le: boolean): InterfaceDescription {
  const result: InterfaceDescription = {
    linkType: view.getUint16(off + 8, le),
    snapLength: view.getUint32(off + 12, le),
    tsresol: 6,
    tsoffset: 0,
  };
  const end = off + len - 4;
  let p = off + 16;
  while (p + 4 <= end) {
    const code = view.getUint16(p, le);
    const optLen = view.getUint16(p + 2, le);
    const value = p + 4;
    if (code === OPT_END || value + optLen > end) break;
    if (code === IF_NAME) result.name = optionText(buf, value, optLen);
    else if (code === IF_DESCRIPTION) result.description = optionText(buf, value, optLen);
    else if (code === IF_TSRESOL && optLen >= 1) result.tsresol = buf[value];
    else if (code === IF_TSOFFSET && optLen >= 8) {
      const high = view.getInt32(le ? value + 4 : value, le);
      const low = view.getUint32(le ? value : value + 4, le);
      result.tsoffset = high * 4294967296 + low;
    }
    p = value + ((optLen + 3) & ~3);
  }
  return result;
}

const NRB_END = 0;
const NRB_IPV4 = 1;
const NRB_IPV6 = 2;

/** Reads the records of a Name Resolution Block; other record types (EUI-48/64) are skipped. */
export function readNameRecords(buf: Buffer, view: DataView, off: number, len: number, le: boolean): NameRecord[] {
  const records: NameRecord[] = [];
  const end = off + len - 4;
  let p = off + 8;
  while (p + 4 <= end) {
    const type = view.getUint16(p, le);
    const valueLen = view.getUint16(p + 2, le);
    const value = p + 4;
    if (type === NRB_END || value + valueLen > end) break;
    if (type === NRB_IPV4 && valueLen > 4) {
      records.push({ address: ipv4Text(buf, value), names: zeroTerminatedStrings(buf, value + 4, value + valueLen) });
    } else if (type === NRB_IPV6 && valueLen > 16) {
      records.push({ address: ipv6Text(buf, value), names: zeroTerminatedStrings(buf, value + 16, value + valueLen) });
    }
    p = value + ((valueLen + 3) & ~3);
  }
  return records;
}

/** UTF-8 option text; writers disagree on a terminating NUL, so trailing NULs are dropped. */
function optionText(buf: Buffer, start: number, len: number): string {
  let end = start + len;
  while (end > start && buf[end - 1] === 0) end--;
  return buf.toString('utf8', start, end);
}

function zeroTerminatedStrings(buf: Buffer, start: number, end: number): string[] {
  const names: string[] = [];
  let p = start;
  while (p < end) {
    const found = buf.subarray(p, end).indexOf(0);
    const z = found < 0 ? end : p + found;
    if (z > p) names.push(buf.toString('utf8', p, z));
    p = z + 1;
  }
  return names;
}
