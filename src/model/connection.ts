import type { Timestamp } from './time.js';

export interface Endpoint {
  ip: string;
  port: number;
}

/** Which way bytes flow on a connection: from endpoint `a` to `b`, or back. */
export type Direction = 'a2b' | 'b2a';

export function reverse(direction: Direction): Direction {
  return direction === 'a2b' ? 'b2a' : 'a2b';
}

/** TCP handshake times, as far as they were captured. */
export interface Handshake {
  syn?: Timestamp;
  synAck?: Timestamp;
  /** The client's ACK that completes the handshake. */
  ack?: Timestamp;
}

/**
 * A TCP connection as reassembly sees it. Reassembly does not know HTTP roles: `a` is the side that
 * sent the SYN when the handshake was captured (initiator 'a'), otherwise the sender of the first
 * segment seen (initiator undefined), and the HTTP layer picks client and server from content.
 */
export interface ConnectionInfo {
  /** Stable within a run: "c<n>" in the order connections were first seen. */
  id: string;
  a: Endpoint;
  b: Endpoint;
  initiator: 'a' | undefined;
  handshake: Handshake;
  firstSeen: Timestamp;
}

export type EndReason = 'fin' | 'reset' | 'idle' | 'capture-end';

/**
 * Reassembly → HTTP. Per connection, bytes arrive in stream order per direction.
 * `ts` is the capture time at which the bytes became contiguous (never earlier than their own segment).
 * `end` is called exactly once per direction; no call follows it for that direction.
 */
export interface StreamHandler {
  data(direction: Direction, bytes: Uint8Array, ts: Timestamp): void;
  gap(direction: Direction, lostBytes: number, ts: Timestamp): void;
  end(direction: Direction, reason: EndReason, ts: Timestamp): void;
}

/** Called by reassembly for every new connection; returns that connection's handler. */
export type StreamHandlerFactory = (connection: ConnectionInfo) => StreamHandler;
