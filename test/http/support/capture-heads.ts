import { readFileSync } from 'node:fs';

/**
 * Test-only: pulls TCP payloads that begin an HTTP message out of classic pcap files, with just
 * enough decoding (Ethernet + VLAN, Linux SLL, null/loopback, raw IP; IPv4/IPv6; TCP) to feed a
 * head-level differential test. It is not the project's decoder and does not reassemble.
 */

const REQUEST_START = /^[A-Z][A-Z-]{1,15} \S+ HTTP\/\d\.\d\r?\n/;
const STATUS_START = /^HTTP\/\d\.\d \d{3}/;

function ipPayload(data: Buffer, linkType: number): Buffer | undefined {
  let off: number;
  let etherType: number;
  if (linkType === 1) {
    off = 14;
    etherType = data.readUInt16BE(12);
    while ((etherType === 0x8100 || etherType === 0x88a8) && data.length >= off + 4) {
      etherType = data.readUInt16BE(off + 2);
      off += 4;
    }
  } else if (linkType === 113) {
    off = 16;
    etherType = data.readUInt16BE(14);
  } else if (linkType === 0) {
    off = 4;
    etherType = (data[0] === 2 || data[3] === 2) ? 0x0800 : 0x86dd;
  } else if (linkType === 101 || linkType === 12) {
    off = 0;
    etherType = data[0] >> 4 === 4 ? 0x0800 : 0x86dd;
  } else {
    return undefined;
  }
  if (data.length < off + 20) return undefined;
  let proto: number;
  let l4: number;
  if (etherType === 0x0800 && data[off] >> 4 === 4) {
    proto = data[off + 9];
    if ((data.readUInt16BE(off + 6) & 0x1fff) !== 0) return undefined; // later fragment
    l4 = off + (data[off] & 0x0f) * 4;
  } else if (etherType === 0x86dd && data[off] >> 4 === 6) {
    proto = data[off + 6];
    l4 = off + 40;
  } else {
    return undefined;
  }
  if (proto !== 6 || data.length < l4 + 20) return undefined;
  return data.subarray(l4 + (data[l4 + 12] >> 4) * 4);
}

function readClassicPcap(path: string): { linkType: number; packets: Buffer[] } | undefined {
  const file = readFileSync(path);
  if (file.length < 24) return undefined;
  const magic = file.readUInt32LE(0);
  let le: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
  else return undefined;
  const u32 = (o: number) => (le ? file.readUInt32LE(o) : file.readUInt32BE(o));
  const linkType = u32(20) & 0xffff;
  const packets: Buffer[] = [];
  let off = 24;
  while (off + 16 <= file.length) {
    const caplen = u32(off + 8);
    if (off + 16 + caplen > file.length) break;
    packets.push(file.subarray(off + 16, off + 16 + caplen));
    off += 16 + caplen;
  }
  return { linkType, packets };
}

/** Payloads of single TCP segments that hold a complete request or response head. */
export function headsFromCapture(path: string): Buffer[] {
  const pcap = readClassicPcap(path);
  if (pcap === undefined) return [];
  const out: Buffer[] = [];
  for (const packet of pcap.packets) {
    let payload: Buffer | undefined;
    try {
      payload = ipPayload(packet, pcap.linkType);
    } catch {
      continue; // truncated packet
    }
    if (payload === undefined || payload.length < 16) continue;
    const start = payload.toString('latin1', 0, Math.min(payload.length, 256));
    if (!REQUEST_START.test(start) && !STATUS_START.test(start)) continue;
    const end = payload.indexOf('\r\n\r\n');
    if (end < 0) continue;
    out.push(payload.subarray(0, end + 4));
  }
  return out;
}
