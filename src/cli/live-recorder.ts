import { createWriteStream, type WriteStream } from 'node:fs';
import { release, type as osType } from 'node:os';
import type { Frame } from '../model/frame.js';
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
 * `hopscope live -w FILE`: every captured packet (before any decoding, so ARP, UDP and non-HTTP TCP
 * too) into a pcapng file: one IDB per device as it is opened (devices appear during a run), EPBs with
 * the kernel's nanosecond timestamps, and an Interface Statistics Block per device at the end.
 */
export class LiveRecorder {
  private readonly stream: WriteStream;
  private readonly writer: PcapngWriter;
  private skipped = 0;

  constructor(
    readonly path: string,
    private readonly captureFilter: string | undefined,
    userAppl: string,
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

  write(frames: readonly Frame[]): void {
    const writer = this.writer;
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
    const statistics: InterfaceStatistics[] = devices
      .filter((d) => this.writer.hasInterface(d.interfaceId))
      .map((d) =>
        d.kernelStats
          ? { interfaceId: d.interfaceId, received: d.received, dropped: d.kernelDrops, osDropped: d.interfaceDrops }
          : { interfaceId: d.interfaceId },
      );
    await this.writer.close(statistics);
  }
}
