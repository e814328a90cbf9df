import type { Exchange } from '../model/exchange.js';
import type { Timestamp } from '../model/time.js';
import { diffNs } from '../model/time.js';
import type { HarTimings } from './har-types.js';

/** Milliseconds with microsecond precision, never negative (a response that began before the
 * request ended, e.g. an early 413, has a wait of 0, not less). */
function spanMs(later: Timestamp, earlier: Timestamp): number {
  const ns = diffNs(later, earlier);
  return ns <= 0 ? 0 : Math.round(ns / 1e3) / 1e3;
}

/**
 * HAR timings from capture time. blocked, dns and ssl are not observable on the wire (-1).
 * connect is the handshake (SYN → client ACK), charged to the first exchange of a connection only.
 * Without a response, wait and receive do not apply (-1).
 */
export function harTimings(exchange: Exchange): HarTimings {
  const { request, response, connection } = exchange;
  const handshake = connection.handshake;
  const connect =
    connection.index === 0 && handshake.syn !== undefined && handshake.ack !== undefined
      ? spanMs(handshake.ack, handshake.syn)
      : -1;
  return {
    blocked: -1,
    dns: -1,
    connect,
    send: spanMs(request.lastByte, request.firstByte),
    wait: response === undefined ? -1 : spanMs(response.firstByte, request.lastByte),
    receive: response === undefined ? -1 : spanMs(response.lastByte, response.firstByte),
    ssl: -1,
  };
}

/** HAR `time`: the sum of the timings that apply, in ms with µs precision. */
export function harTotalTime(timings: HarTimings): number {
  let total = 0;
  if (timings.blocked > 0) total += timings.blocked;
  if (timings.dns > 0) total += timings.dns;
  if (timings.connect > 0) total += timings.connect;
  if (timings.send > 0) total += timings.send;
  if (timings.wait > 0) total += timings.wait;
  if (timings.receive > 0) total += timings.receive;
  // ssl is part of connect in HAR 1.2, so it is not added again.
  return Math.round(total * 1e3) / 1e3;
}
