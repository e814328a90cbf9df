import { createWriteStream, type WriteStream } from 'node:fs';
import { release, type as osType } from 'node:os';
import { CONTAINERS_BLOCK_KIND, timelineBlockPayload, timelineNameRecords } from '../containers/capture-names.js';
import type { IpTimeline } from '../containers/ip-timeline.js';
import type { LedgerMeta } from '../containers/ledger.js';
import type { Frame, NameRecord } from '../model/frame.js';
import type { Timestamp } from '../model/time.js';
import { WritableByteOutput } from '../sinks/byte-output.js';
import { PcapngWriter, type InterfaceStatistics } from '../sinks/pcapng-writer.js';
import type { DeviceStats, LiveInterface } from '../source/live/index.js';
import { openForWriting } from './live-files.js';

/**
 * Bytes that may wait for the disk before packets are left out of the file (counted, reported at
 * the end): capture cannot wait for a slow disk, and memory must not grow without bound.
 */
export const RECORDER_MAX_PENDING_BYTES = 64 * 1024 * 1024;

/**
 * The whole container timeline goes into the file at the start, at the end, and in between at most
 * this often (capture time) while it changes; name records for changed addresses go in at once.
 * Readers merge every timeline block, so a block in between only matters when the file is not closed
 * (the process killed) or the capture outlasts the resolver's one-hour memory of ended containers.
 * Sparingly, because Wireshark and tshark list each custom block as a record among the packets.
 */
export const TIMELINE_BLOCK_INTERVAL_SECONDS = 60;

/** Where the names in a -w file come from: the live resolver (its timeline and engine facts). */
export interface NameSource {
  readonly timeline: IpTimeline;
  readonly meta: LedgerMeta;
}

/**
 * `hopscope live -w FILE`: every captured packet (before any decoding, so ARP, UDP and non-HTTP TCP
 * too) into a pcapng file: one IDB per device as it is opened (devices appear during a run), EPBs with
 * the kernel's nanosecond timestamps, and an Interface Statistics Block per device at the end.
 *
 * With a name source (mirrorNames), the file also carries the container names, between packet blocks:
 * Name Resolution records (address → container name, for Wireshark and tshark -N n) for every address
 * known at the start and for each address whose names change, and hopscope's custom block with the
 * whole timeline and its metadata (what `hopscope read` uses, times included) whenever it changed,
 * and once more at the end.
 */
export class LiveRecorder {
  private readonly stream: WriteStream;
  private readonly writer: PcapngWriter;
  private skipped = 0;
  private names: NameSource | undefined = undefined;
  /** Timeline revision last mirrored as name records, and as a timeline block. */
  private recordsRevision = -1;
  private blockRevision = -1;
  private lastBlockSec = -Infinity;
  /** Address → names as last written in a name record ("\0"-joined). */
  private readonly recorded = new Map<string, string>();

  constructor(
    readonly path: string,
    private readonly captureFilter: string | undefined,
    private readonly userAppl: string,
    private readonly maxPending: number = RECORDER_MAX_PENDING_BYTES,
  ) {
    this.stream = createWriteStream('', { fd: openForWriting(path) });
    // shb_hardware is left out: nothing here knows it. The OS option helps a reader of the file later.
    this.writer = new PcapngWriter(new WritableByteOutput(this.stream, path), {
      userAppl,
      os: `${osType()} ${release()}`,
    });
  }

  /** Packets left out of the file because the disk fell behind. */
  get dropped(): number {
    return this.skipped;
  }

  get framesWritten(): number {
    return this.writer.framesWritten;
  }

  addInterface(device: LiveInterface): void {
    this.writer.addInterface({
      id: device.id,
      linkType: device.linkType,
      snapLength: device.snapLength,
      name: device.name,
      ...(this.captureFilter === undefined ? {} : { filter: this.captureFilter }),
    });
  }

  /** Starts carrying names from `source`: what it knows now goes in before the next packet. */
  mirrorNames(source: NameSource): void {
    this.names = source;
    this.syncNames(undefined);
  }

  write(frames: readonly Frame[]): void {
    const writer = this.writer;
    // One number compared per batch; records and blocks only when the timeline changed.
    if (this.names !== undefined && frames.length > 0) this.syncNames(frames[0].ts);
    for (let i = 0; i < frames.length; i++) {
      // writableLength only grows when the writer flushes a batch, so this check costs a getter.
      if (this.stream.writableLength > this.maxPending) this.skipped++;
      else writer.writeFrame(frames[i]);
    }
  }

  /**
   * Statistics blocks for every device (pcap_stats as libpcap last read them: isb_ifrecv, isb_ifdrop,
   * isb_osdrop, as dumpcap writes them; drops in hopscope's own queue have no pcapng option and are
   * reported on stderr), then the file is closed.
   */
  async close(devices: readonly DeviceStats[]): Promise<void> {
    if (this.names !== undefined && this.names.timeline.revision > 0) {
      this.syncRecords(this.names);
      // The last word on the timeline: whatever was learnt up to the end.
      this.writeTimelineBlock(this.names);
    }
    const statistics: InterfaceStatistics[] = devices
      .filter((d) => this.writer.hasInterface(d.interfaceId))
      .map((d) =>
        d.kernelStats
          ? { interfaceId: d.interfaceId, received: d.received, dropped: d.kernelDrops, osDropped: d.interfaceDrops }
          : { interfaceId: d.interfaceId },
      );
    await this.writer.close(statistics);
  }

  /**
   * Name records for addresses whose names changed since last written, then the timeline block if it
   * changed and the last one is at least TIMELINE_BLOCK_INTERVAL_SECONDS old (`at` undefined: now).
   */
  private syncNames(at: Timestamp | undefined): void {
    const source = this.names!;
    const revision = source.timeline.revision;
    // The block written at the start counts as written at the first packet.
    if (at !== undefined && this.lastBlockSec === -Infinity && this.blockRevision !== -1) this.lastBlockSec = at.sec;
    if (revision === this.recordsRevision && revision === this.blockRevision) return;
    this.syncRecords(source);
    if (revision === this.blockRevision || source.timeline.addressCount === 0) return;
    if (at !== undefined && at.sec - this.lastBlockSec < TIMELINE_BLOCK_INTERVAL_SECONDS) return;
    this.writeTimelineBlock(source);
    if (at !== undefined) this.lastBlockSec = at.sec;
  }

  private syncRecords(source: NameSource): void {
    const revision = source.timeline.revision;
    if (revision === this.recordsRevision) return;
    this.recordsRevision = revision;
    const changed: NameRecord[] = [];
    for (const record of timelineNameRecords(source.timeline)) {
      const key = record.names.join('\0');
      if (this.recorded.get(record.address) === key) continue;
      this.recorded.set(record.address, key);
      changed.push(record);
    }
    if (changed.length > 0) this.writer.writeNameRecords(changed);
  }

  private writeTimelineBlock(source: NameSource): void {
    this.blockRevision = source.timeline.revision;
    this.writer.writeJsonBlock(CONTAINERS_BLOCK_KIND, timelineBlockPayload(source.timeline, { ...source.meta, createdBy: this.userAppl }));
  }
}
