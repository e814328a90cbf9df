import type { ContainerRef } from '../model/container.js';
import type { NameRecord } from '../model/frame.js';
import { decodeJsonBlockData } from '../sinks/pcapng-custom-json.js';
import { canonicalAddress } from './address-text.js';
import { hostRef } from './container-refs.js';
import type { IpTimeline, IpTimelineOptions, TimelineInterval } from './ip-timeline.js';
import { applyIntervals, ledgerIntervals, timelineToLedger, type ContainersLedger, type LedgerMeta } from './ledger.js';

/** The `kind` of hopscope's pcapng JSON custom block that carries the container timeline (a ledger). */
export const CONTAINERS_BLOCK_KIND = 'containers';

/**
 * Name Resolution Block records for a capture file: each address with the names of its owners, the most
 * recent first (an NRB has no time; Wireshark shows the first name). Gateways are named "host".
 */
export function timelineNameRecords(timeline: IpTimeline): NameRecord[] {
  const byIp = new Map<string, string[]>();
  for (const interval of timeline.intervals()) {
    const names = byIp.get(interval.ip) ?? [];
    const name = interval.ref.name;
    const at = names.indexOf(name);
    if (at >= 0) names.splice(at, 1);
    names.unshift(name);
    byIp.set(interval.ip, names);
  }
  return [...byIp].map(([address, names]) => ({ address, names }));
}

/**
 * The custom block's value: the timeline as a ledger (see ledger.ts). Pass it to
 * PcapngWriter.writeJsonBlock(CONTAINERS_BLOCK_KIND, payload). Each block holds the whole timeline, and a
 * reader merges every block it meets, so a writer may repeat the block whenever IpTimeline.revision
 * changes (and once at the end): the last one read holds the most.
 */
export function timelineBlockPayload(timeline: IpTimeline, meta: LedgerMeta = {}): ContainersLedger {
  return timelineToLedger(timeline, { source: 'capture', ...meta });
}

/**
 * Gathers the container knowledge a capture file carries, as the reader delivers it: hopscope's
 * "containers" custom blocks (the full timeline, times included) and Name Resolution records. Wire
 * `nameRecord` and `customBlock` into the CaptureEvents, then `applyTo` a timeline.
 *
 * Name records without a timeline for their address (files from other tools, or a custom block stripped
 * by an editor) give unbounded intervals: "host" becomes the host, any other name an 'external' ref
 * carrying that name (an NRB name is a fact about the address, not proof of a container).
 */
export class CaptureContainers {
  private readonly intervals: TimelineInterval[] = [];
  private readonly names = new Map<string, string>();
  /** Custom blocks of ours that were container timelines, and those that could not be read. */
  blocks = 0;
  badBlocks = 0;

  /** CaptureEvents.nameRecord. */
  nameRecord(record: NameRecord): void {
    const ip = canonicalAddress(record.address);
    const name = record.names.find((n) => n.length > 0);
    if (ip !== undefined && name !== undefined && !this.names.has(ip)) this.names.set(ip, name);
  }

  /** CaptureEvents.customBlock. Returns true when the block was a container timeline. Never throws. */
  customBlock(pen: number, data: Uint8Array): boolean {
    const block = decodeJsonBlockData(pen, data);
    if (block === undefined || block.kind !== CONTAINERS_BLOCK_KIND) return false;
    try {
      this.intervals.push(...ledgerIntervals(block.data, 'capture').intervals);
      this.blocks++;
      return true;
    } catch {
      this.badBlocks++;
      return false;
    }
  }

  /** True when the capture carried anything that names addresses. */
  get empty(): boolean {
    return this.intervals.length === 0 && this.names.size === 0;
  }

  /** Puts what was gathered into the timeline: custom-block intervals first, then names for other addresses. */
  applyTo(timeline: IpTimeline): IpTimeline {
    applyIntervals(timeline, this.intervals);
    const timed = new Set(this.intervals.map((interval) => interval.ip));
    for (const [ip, name] of this.names) {
      if (timed.has(ip)) continue;
      const ref: ContainerRef = name === 'host' ? hostRef() : { kind: 'external', name };
      timeline.open(ip, ref);
    }
    return timeline;
  }
}

export type { IpTimelineOptions };
