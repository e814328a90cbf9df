import type { Timestamp } from './time.js';

export const TcpFlags = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
} as const;

/** The TCP view of one frame. Addresses are printable strings (IPv4 dotted, IPv6 RFC 5952). */
export interface Segment {
  ts: Timestamp;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  /** Unsigned 32-bit sequence and acknowledgement numbers. */
  seq: number;
  ack: number;
  /** TcpFlags bits. */
  flags: number;
  window: number;
  /** TCP payload; may be longer than an MTU (GRO/TSO). Shares memory with the frame. */
  payload: Uint8Array;
  interfaceId: number;
}
