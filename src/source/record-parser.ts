import type { Anomaly } from '../model/anomaly.js';
import type { CaptureInterface, Frame, NameRecord } from '../model/frame.js';
import type { Stats } from '../model/stats.js';
import type { Timestamp } from '../model/time.js';

/** What a capture reader reports, synchronously, while bytes are pushed into it. */
export interface CaptureEvents {
  frame(frame: Frame): void;
  /** Before the first frame of that interface (classic pcap: one interface, id 0). */
  interface(captureInterface: CaptureInterface): void;
  /** From pcapng name-resolution blocks. */
  nameRecord(record: NameRecord): void;
  /** A capture anomaly (also counted in Stats under the same code). */
  warning(anomaly: Anomaly): void;
  /**
   * pcapng Custom Blocks (0xBAD / 0x40000BAD): the Private Enterprise Number and the bytes after it up to
   * the trailing length (custom data and any options; the bytes are a view into the reader's buffer,
   * valid only during the call). Optional: without it custom blocks are counted as capture.unknown-block.
   */
  customBlock?(pen: number, data: Uint8Array): void;
}

/**
 * Largest record (pcap packet record or pcapng block) accepted. Real captures stay far below it (snaplen
 * 262144); the bound keeps a damaged length field from making the reader buffer gigabytes.
 */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Anomalies past this many per code are still counted but no longer emitted, so a damaged file cannot flood the UI. */
const MAX_WARNINGS_PER_CODE = 100;

/** Services a format parser gets from the reader: where events go and how anomalies are reported. */
export class ParserContext {
  private readonly warned = new Map<string, number>();

  constructor(
    readonly events: CaptureEvents,
    readonly stats: Stats,
    readonly label: string,
  ) {}

  /** Counts the anomaly and emits it (up to a bound per code). */
  warn(code: string, message: string, ts?: Timestamp): void {
    this.stats.count(code);
    const seen = this.warned.get(code) ?? 0;
    this.warned.set(code, seen + 1);
    if (seen < MAX_WARNINGS_PER_CODE) {
      this.events.warning(ts === undefined ? { code, message } : { code, message, ts });
    }
  }
}

/**
 * One capture format, as the chunking engine in capture-reader.ts drives it. The engine hands the parser
 * byte ranges; a "unit" is whatever the parser consumes in one step (a file header, a packet record, a
 * block, or 4 bytes skipped while resynchronising), and its length must be knowable from its first
 * headerBytes() bytes. Invariant the engine relies on: given at least max(headerBytes(), unitLength(...))
 * bytes, parse() consumes at least one unit.
 */
export interface RecordParser {
  /** Bytes needed at a unit's start before unitLength can answer (depends on the parser's state). */
  headerBytes(): number;
  /**
   * Length of the unit at `off` (≥ 1), given headerBytes() bytes there; `base` is the file offset of
   * buf[0]. Pure; throws HopscopeError when nothing sensible can follow.
   */
  unitLength(buf: Buffer, view: DataView, off: number, base: number): number;
  /**
   * Consumes whole units in buf[off, end) and returns the offset of the first one not complete.
   * `base` is the file offset of buf[0], for messages.
   */
  parse(buf: Buffer, view: DataView, off: number, end: number, base: number): number;
  /** True while the parser still waits for the file's own header (for the truncation message). */
  inFileHeader(): boolean;
  /** Timestamp of the last frame delivered, for anomalies. */
  lastTs(): Timestamp | undefined;
  /** Frames and captured bytes delivered so far (the reader flushes them to Stats once per push). */
  readonly frames: number;
  readonly bytes: number;
}

/** One place builds frames so that every Frame object has the same shape (monomorphic downstream). */
export function makeFrame(
  ts: Timestamp,
  linkType: number,
  data: Uint8Array,
  wireLength: number,
  interfaceId: number,
): Frame {
  return { ts, linkType, data, wireLength, interfaceId };
}

/**
 * A frame's bytes: a view on the chunk, not a copy. A plain Uint8Array rather than a Buffer because
 * constructing one is about three times cheaper than Buffer#subarray (which goes through @@species).
 */
export function frameBytes(buf: Buffer, start: number, length: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + start, length);
}
