import type { Segment } from '../model/segment.js';

/**
 * The connection-table key: the same string for both directions of a 4-tuple. The lower endpoint
 * (by address, then port) goes first. Built once per segment; it is the only allocation on the
 * in-order path, so it is kept short: the two addresses, a space between them (no address contains
 * one), then both ports as one UTF-16 code unit each (fixed width at the end, so unambiguous).
 * Not meant to be read by people.
 */
export function connectionKey(seg: Segment): string {
  const src = seg.srcIp;
  const dst = seg.dstIp;
  if (src < dst || (src === dst && seg.srcPort <= seg.dstPort)) {
    return src + ' ' + dst + String.fromCharCode(seg.srcPort, seg.dstPort);
  }
  return dst + ' ' + src + String.fromCharCode(seg.dstPort, seg.srcPort);
}
