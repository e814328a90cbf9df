import { HopscopeError } from '../model/errors.js';
import type { Stats } from '../model/stats.js';
import { ClassicPcapParser } from './classic-pcap.js';
import { describeContent, showBytes, sniffFormat, type CaptureFormat } from './magic-sniff.js';
import { PcapngParser } from './pcapng.js';
import { ParserContext, type CaptureEvents, type RecordParser } from './record-parser.js';

export type { CaptureEvents } from './record-parser.js';
export type { CaptureFormat } from './magic-sniff.js';

/**
 * A push-based capture reader: feed it the file's bytes in chunks of any size; frames come out of push()
 * synchronously. The reader keeps frames' bytes in the pushed chunks (no copy), so a caller must never
 * write into a chunk's memory after pushing it. push() and end() throw HopscopeError when the input is
 * not a capture or is damaged beyond repair; the reader then ignores further input.
 */
export interface CaptureReader {
  push(chunk: Uint8Array): void;
  /** End of input: reports a cut-short last record (capture.truncated-record) and flushes counters. */
  end(): void;
  /** Known once the first four bytes have been pushed. */
  readonly format: CaptureFormat | undefined;
}

/** Bytes needed to name the format. */
const MAGIC_BYTES = 4;
/** Bytes of the first chunk quoted in a not-a-capture message. */
const SAMPLE_BYTES = 16;
const EMPTY = Buffer.alloc(0);

export function createCaptureReader(events: CaptureEvents, stats: Stats, label: string): CaptureReader {
  return new ChunkedCaptureReader(new ParserContext(events, stats, label));
}

/**
 * The chunking engine. Whole records inside a chunk are parsed in place; a record cut by a chunk
 * boundary is assembled in a fresh buffer of exactly its size (so frames in it own their bytes), then
 * parsed, and the rest of the chunk continues in place.
 */
class ChunkedCaptureReader implements CaptureReader {
  format: CaptureFormat | undefined = undefined;
  private parser: RecordParser | undefined = undefined;
  /** Start of a unit cut by a chunk boundary: carry[0, carryLen), needing carryNeed bytes (-1: unknown yet). */
  private carry: Buffer = EMPTY;
  private carryView: DataView = new DataView(EMPTY.buffer, 0, 0);
  private carryLen = 0;
  private carryNeed = -1;
  /** File offset of carry[0]. */
  private carryStart = 0;
  /** File offset of the next byte pushed. */
  private offset = 0;
  private flushedFrames = 0;
  private flushedBytes = 0;
  private failed = false;
  private ended = false;

  constructor(private readonly ctx: ParserContext) {}

  push(chunk: Uint8Array): void {
    if (this.failed || this.ended || chunk.length === 0) return;
    // Buffers make every frame's data a Buffer (handy downstream) and keep the hot loop monomorphic.
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    try {
      this.feed(buf, this.offset);
    } catch (error) {
      if (error instanceof HopscopeError) this.failed = true;
      throw error;
    } finally {
      this.offset += buf.length;
      this.flushCounters();
    }
  }

  end(): void {
    if (this.failed || this.ended) return;
    this.ended = true;
    this.flushCounters();
    const label = this.ctx.label;
    if (this.parser === undefined) {
      const message =
        this.carryLen === 0
          ? `${label}: not a capture file: the file is empty (0 bytes); a capture that was stopped before it wrote its header is empty — capture again with tcpdump -w FILE`
          : `${label}: not a capture file: it holds only ${this.carryLen} bytes (${showBytes(this.carry.subarray(0, this.carryLen))}); a pcap or pcapng file starts with a header of at least 24 bytes`;
      this.failed = true;
      throw new HopscopeError('not-a-capture', message);
    }
    if (this.carryLen > 0) {
      const what = this.parser.inFileHeader() ? 'the file header' : 'the last record';
      const need = this.carryNeed < 0 ? `a ${this.parser.headerBytes()}-byte header` : `${this.carryNeed} bytes`;
      this.ctx.warn(
        'capture.truncated-record',
        `${label}: ${what} is cut short (${this.carryLen} bytes of ${need}), as when the capture was stopped while writing; every complete frame before it was read`,
        this.parser.lastTs(),
      );
    }
  }

  /** Processes buf, whose first byte is at file offset `base`. */
  private feed(buf: Buffer, base: number): void {
    const end = buf.length;
    let off = 0;
    if (this.parser === undefined) {
      if (this.carryLen === 0) this.carryStart = base;
      off = this.fillCarry(buf, 0, MAGIC_BYTES);
      if (this.carryLen < MAGIC_BYTES) return;
      this.startParser(buf, off);
    }
    const parser = this.parser!;
    while (off < end) {
      if (this.carryLen > 0) {
        off = this.completeCarry(buf, off, parser);
        continue;
      }
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      off = parser.parse(buf, view, off, end, base);
      if (off < end) this.startCarry(buf, view, off, end, base + off, parser);
      return;
    }
  }

  /** Adds chunk bytes to the carried unit; parses it once whole. Returns the new offset in buf. */
  private completeCarry(buf: Buffer, off: number, parser: RecordParser): number {
    if (this.carryNeed < 0) {
      off = this.fillCarry(buf, off, parser.headerBytes());
      if (this.carryLen < parser.headerBytes()) return off;
      this.sizeCarry(parser.unitLength(this.carry, this.carryView, 0, this.carryStart), parser);
    }
    off = this.fillCarry(buf, off, this.carryNeed);
    if (this.carryLen < this.carryNeed) return off;
    const unit = this.carry;
    const unitLen = this.carryNeed;
    const unitBase = this.carryStart;
    this.resetCarry();
    const used = parser.parse(unit, new DataView(unit.buffer, unit.byteOffset, unitLen), 0, unitLen, unitBase);
    if (used === 0) {
      // Guards the engine/parser invariant: a parser that consumes nothing would loop forever.
      throw new HopscopeError('corrupt-capture', `${this.ctx.label}: corrupt capture: cannot make progress at byte ${unitBase}`);
    }
    // A parser may consume less (a damaged block it resynchronises inside): the rest is owned bytes, feed them again.
    if (used < unitLen) this.feed(unit.subarray(used, unitLen), unitBase + used);
    return off;
  }

  /** Keeps buf[off, end) (an incomplete unit) in a fresh buffer. */
  private startCarry(buf: Buffer, view: DataView, off: number, end: number, fileOffset: number, parser: RecordParser): void {
    const have = end - off;
    const header = parser.headerBytes();
    const need = have >= header ? Math.max(parser.unitLength(buf, view, off, fileOffset - off), header) : -1;
    this.carry = Buffer.allocUnsafeSlow(need < 0 ? header : need);
    this.carryView = new DataView(this.carry.buffer, this.carry.byteOffset, this.carry.byteLength);
    buf.copy(this.carry, 0, off, end);
    this.carryLen = have;
    this.carryNeed = need;
    this.carryStart = fileOffset;
  }

  /** Once the unit's length is known, makes the carry buffer exactly that big (at least a header). */
  private sizeCarry(unitLength: number, parser: RecordParser): void {
    const need = Math.max(unitLength, parser.headerBytes());
    if (need > this.carry.length) {
      const bigger = Buffer.allocUnsafeSlow(need);
      this.carry.copy(bigger, 0, 0, this.carryLen);
      this.carry = bigger;
      this.carryView = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
    }
    this.carryNeed = need;
  }

  /** Copies from buf[off…] until the carry holds `target` bytes; returns the new offset. */
  private fillCarry(buf: Buffer, off: number, target: number): number {
    if (this.carry.length < target) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(target, SAMPLE_BYTES));
      this.carry.copy(bigger, 0, 0, this.carryLen);
      this.carry = bigger;
      this.carryView = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
    }
    const take = Math.min(target - this.carryLen, buf.length - off);
    if (take <= 0) return off;
    buf.copy(this.carry, this.carryLen, off, off + take);
    this.carryLen += take;
    return off + take;
  }

  private resetCarry(): void {
    this.carry = EMPTY;
    this.carryView = new DataView(EMPTY.buffer, 0, 0);
    this.carryLen = 0;
    this.carryNeed = -1;
  }

  /** Names the format from the four carried magic bytes, or fails with what the bytes look like. */
  private startParser(buf: Buffer, off: number): void {
    const magic = this.carry.subarray(0, MAGIC_BYTES);
    const sniffed = sniffFormat(magic);
    if (sniffed === undefined) {
      const sample = Buffer.concat([magic, buf.subarray(off, off + SAMPLE_BYTES - MAGIC_BYTES)]);
      this.failed = true;
      throw new HopscopeError(
        'not-a-capture',
        `${this.ctx.label}: not a capture file: it starts with ${showBytes(sample)}, which ${describeContent(sample)}; ` +
          'hopscope reads pcap and pcapng files (tcpdump -w, dumpcap -w, tshark -w)',
      );
    }
    this.format = sniffed.format;
    this.parser =
      sniffed.format === 'pcapng'
        ? new PcapngParser(this.ctx)
        : new ClassicPcapParser(this.ctx, sniffed.littleEndian, sniffed.format === 'pcap-ns');
  }

  private flushCounters(): void {
    const parser = this.parser;
    if (parser === undefined) return;
    if (parser.frames !== this.flushedFrames) {
      this.ctx.stats.count('capture.frames', parser.frames - this.flushedFrames);
      this.flushedFrames = parser.frames;
    }
    if (parser.bytes !== this.flushedBytes) {
      this.ctx.stats.count('capture.bytes', parser.bytes - this.flushedBytes);
      this.flushedBytes = parser.bytes;
    }
  }
}
