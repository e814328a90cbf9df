/** Classic libpcap files: microsecond or nanosecond timestamps, either byte order. */
import type { SynthPacket } from './packet.js';

export interface PcapOptions {
  linkType: number;
  /** 'us' writes magic a1b2c3d4, 'ns' writes a1b23c4d. Default 'us'. */
  resolution?: 'us' | 'ns';
  /** Default 'little' (what x86 tcpdump writes). */
  byteOrder?: 'little' | 'big';
  /** Packets longer than this are cut, keeping their wire length (default 262144, as tcpdump). */
  snapLength?: number;
}

export function writePcap(packets: readonly SynthPacket[], options: PcapOptions): Uint8Array {
  const snap = options.snapLength ?? 262144;
  const le = (options.byteOrder ?? 'little') === 'little';
  const ns = options.resolution === 'ns';
  let total = 24;
  for (const p of packets) total += 16 + Math.min(p.data.length, snap);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, ns ? 0xa1b23c4d : 0xa1b2c3d4, le);
  view.setUint16(4, 2, le);
  view.setUint16(6, 4, le);
  // thiszone and sigfigs stay 0
  view.setUint32(16, snap, le);
  view.setUint32(20, options.linkType, le);
  let at = 24;
  for (const p of packets) {
    const caplen = Math.min(p.data.length, snap);
    view.setUint32(at, p.ts.sec, le);
    // A microsecond file truncates: the capture could not have seen finer time.
    view.setUint32(at + 4, ns ? p.ts.nsec : Math.floor(p.ts.nsec / 1000), le);
    view.setUint32(at + 8, caplen, le);
    view.setUint32(at + 12, p.wireLength ?? p.data.length, le);
    out.set(p.data.subarray(0, caplen), at + 16);
    at += 16 + caplen;
  }
  return out;
}
