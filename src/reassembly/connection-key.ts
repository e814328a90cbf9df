import type { Segment } from '../model/segment.js';

/**
 * The connection-table key: the same string for both directions of a 4-tuple. The lower endpoint
 * (by address, then port) goes first. Built once per segment; it is the only allocation on the
 * in-order path.
 */
export function connectionKey(seg: Segment): string {
  const src = seg.srcIp;
  const dst = seg.dstIp;
  if (src < dst || (src === dst && seg.srcPort <= seg.dstPort)) {
    return `${src} ${seg.srcPort} ${dst} ${seg.dstPort}`;
  }
  return `${dst} ${seg.dstPort} ${src} ${seg.srcPort}`;
}
