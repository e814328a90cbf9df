import type { PcapWriter } from './pcap-writer.js';

/**
 * Ethernet/IPv4/TCP framing for the generator. Each direction of a connection keeps a 66-byte
 * header template (Ethernet 14, IPv4 20, TCP 20 + 12 bytes of timestamp option, as Linux sends);
 * per packet only lengths, ids, sequence numbers, flags, timestamps and the IPv4 checksum change.
 * The TCP checksum is left zero (as with checksum offload; tshark does not validate it by default).
 */

export const FIN = 0x01;
export const SYN = 0x02;
export const PSH = 0x08;
export const ACK = 0x10;

const ETH = 14;
const IP = 20;
const TCP_DATA_HEADER = 32;
export const DATA_HEADER = ETH + IP + TCP_DATA_HEADER;
/** SYN and SYN-ACK carry MSS, SACK-permitted, timestamps and window scale: 40-byte TCP header. */
const SYN_HEADER = ETH + IP + 40;

/** One end of a connection: address, port and its own sequence/IP-id/timestamp counters. */
export interface Side {
  mac: Buffer;
  ip: number;
  port: number;
  /** Next sequence number this side sends. */
  seq: number;
  ipId: number;
  /** Offset of this host's TCP timestamp clock (ms), so hosts do not share one. */
  tsOffset: number;
  lastTsval: number;
}

/** Header template for packets from `from` to `to`. */
export function dataHeader(from: Side, to: Side): Buffer {
  const h = Buffer.alloc(DATA_HEADER);
  to.mac.copy(h, 0);
  from.mac.copy(h, 6);
  h.writeUInt16BE(0x0800, 12);
  h[14] = 0x45;
  h.writeUInt16BE(0x4000, 20); // don't fragment
  h[22] = 64; // TTL
  h[23] = 6; // TCP
  h.writeUInt32BE(from.ip, 26);
  h.writeUInt32BE(to.ip, 30);
  h.writeUInt16BE(from.port, 34);
  h.writeUInt16BE(to.port, 36);
  h[46] = (TCP_DATA_HEADER / 4) << 4;
  h.writeUInt16BE(502, 48); // window (scaled), a typical Linux value
  h[54] = 1; // NOP
  h[55] = 1; // NOP
  h[56] = 8; // timestamps
  h[57] = 10;
  return h;
}

function ipChecksum(b: Buffer, off: number): void {
  b[off + 10] = 0;
  b[off + 11] = 0;
  let sum = 0;
  for (let i = 0; i < IP; i += 2) sum += (b[off + i] << 8) | b[off + i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  b.writeUInt16BE(~sum & 0xffff, off + 10);
}

function tsval(side: Side, timeUs: number): number {
  side.lastTsval = (Math.floor(timeUs / 1000) + side.tsOffset) >>> 0;
  return side.lastTsval;
}

/**
 * Writes one data/ACK/FIN packet from `from` to `to` and returns the payload offset in `w.buf`
 * (the caller copies the payload there). Advances `from.seq` by the payload (+1 for FIN).
 */
export function writeSegment(
  w: PcapWriter, timeUs: number, header: Buffer, from: Side, to: Side, flags: number, payloadLength: number,
): number {
  const frame = w.beginRecord(timeUs, DATA_HEADER + payloadLength);
  const b = w.buf;
  header.copy(b, frame);
  const ip = frame + ETH;
  b.writeUInt16BE(IP + TCP_DATA_HEADER + payloadLength, ip + 2);
  b.writeUInt16BE(from.ipId, ip + 4);
  from.ipId = (from.ipId + 1) & 0xffff;
  ipChecksum(b, ip);
  const tcp = ip + IP;
  b.writeUInt32BE(from.seq, tcp + 4);
  b.writeUInt32BE(to.seq, tcp + 8);
  b[tcp + 13] = flags;
  b.writeUInt32BE(tsval(from, timeUs), tcp + 24);
  b.writeUInt32BE(to.lastTsval, tcp + 28);
  from.seq = (from.seq + payloadLength + (flags & FIN ? 1 : 0)) >>> 0;
  return frame + DATA_HEADER;
}

/** Writes a SYN (ack = false) or SYN-ACK with Linux's option layout. Advances `from.seq` by one. */
export function writeSyn(w: PcapWriter, timeUs: number, header: Buffer, from: Side, to: Side, ack: boolean): void {
  const frame = w.beginRecord(timeUs, SYN_HEADER);
  const b = w.buf;
  header.copy(b, frame, 0, ETH + IP + 20);
  const ip = frame + ETH;
  b.writeUInt16BE(IP + 40, ip + 2);
  b.writeUInt16BE(from.ipId, ip + 4);
  from.ipId = (from.ipId + 1) & 0xffff;
  ipChecksum(b, ip);
  const tcp = ip + IP;
  b.writeUInt32BE(from.seq, tcp + 4);
  b.writeUInt32BE(ack ? to.seq : 0, tcp + 8);
  b[tcp + 12] = (40 / 4) << 4;
  b[tcp + 13] = ack ? SYN | ACK : SYN;
  b.writeUInt16BE(64240, tcp + 14);
  const opt = tcp + 20;
  b.set([2, 4, 0x05, 0xb4, 4, 2, 8, 10], opt); // MSS 1460, SACK permitted, timestamps…
  b.writeUInt32BE(tsval(from, timeUs), opt + 8);
  b.writeUInt32BE(ack ? to.lastTsval : 0, opt + 12);
  b.set([1, 3, 3, 7], opt + 16); // NOP, window scale 7
  from.seq = (from.seq + 1) >>> 0;
}
