import { HopscopeError } from '../model/errors.js';
import type { Timestamp } from '../model/time.js';
import { MAX_RECORD_BYTES, frameBytes, makeFrame, type ParserContext, type RecordParser } from './record-parser.js';

const FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
/** libpcap's LT_LINKTYPE(): the low 16 bits; the upper bits carry the FCS length flag and reserved bits. */
const LINKTYPE_MASK = 0xffff;

/**
 * Classic libpcap files (microsecond or nanosecond, either byte order): a 24-byte file header, then
 * records of a 16-byte header and the captured bytes. There is no marker to resynchronise on, so an
 * impossible record length ends the read with a corrupt-capture error.
 */
export class ClassicPcapParser implements RecordParser {
  frames = 0;
  bytes = 0;
  private waitingForHeader = true;
  private linkType = 0;
  private last: Timestamp | undefined = undefined;
  /** Fraction units per second: 1e6 (µs) or 1e9 (ns). */
  private readonly fracPerSec: number;
  private readonly nsPerFrac: number;

  constructor(
    private readonly ctx: ParserContext,
    private readonly littleEndian: boolean,
    nanoseconds: boolean,
  ) {
    this.fracPerSec = nanoseconds ? 1e9 : 1e6;
    this.nsPerFrac = nanoseconds ? 1 : 1000;
  }

  headerBytes(): number {
    return this.waitingForHeader ? FILE_HEADER_BYTES : RECORD_HEADER_BYTES;
  }

  inFileHeader(): boolean {
    return this.waitingForHeader;
  }

  lastTs(): Timestamp | undefined {
    return this.last;
  }

  unitLength(_buf: Buffer, view: DataView, off: number, base: number): number {
    if (this.waitingForHeader) return FILE_HEADER_BYTES;
    const capLen = view.getUint32(off + 8, this.littleEndian);
    if (capLen > MAX_RECORD_BYTES) this.failCorrupt(base + off, capLen, 0);
    return RECORD_HEADER_BYTES + capLen;
  }

  parse(buf: Buffer, view: DataView, off: number, end: number, base: number): number {
    if (this.waitingForHeader) {
      if (end - off < FILE_HEADER_BYTES) return off;
      this.readFileHeader(view, off);
      off += FILE_HEADER_BYTES;
    }
    const le = this.littleEndian;
    const linkType = this.linkType;
    const fracPerSec = this.fracPerSec;
    const nsPerFrac = this.nsPerFrac;
    const events = this.ctx.events;
    let frames = 0;
    let bytes = 0;
    let ts = this.last;
    while (end - off >= RECORD_HEADER_BYTES) {
      const capLen = view.getUint32(off + 8, le);
      if (capLen > MAX_RECORD_BYTES) this.failCorrupt(base + off, capLen, frames);
      const next = off + RECORD_HEADER_BYTES + capLen;
      if (next > end) break;
      let sec = view.getUint32(off, le);
      let frac = view.getUint32(off + 4, le);
      if (frac >= fracPerSec) {
        // Out-of-range fraction (seen from some writers): carry it into seconds rather than emit nsec ≥ 1e9.
        sec += Math.floor(frac / fracPerSec);
        frac %= fracPerSec;
        this.ctx.stats.count('capture.bad-timestamp');
      }
      ts = { sec, nsec: frac * nsPerFrac };
      events.frame(makeFrame(ts, linkType, frameBytes(buf, off + RECORD_HEADER_BYTES, capLen), view.getUint32(off + 12, le), 0));
      frames++;
      bytes += capLen;
      off = next;
    }
    this.last = ts;
    this.frames += frames;
    this.bytes += bytes;
    return off;
  }

  private readFileHeader(view: DataView, off: number): void {
    const le = this.littleEndian;
    this.linkType = view.getUint32(off + 20, le) & LINKTYPE_MASK;
    const snapLength = view.getUint32(off + 16, le);
    this.waitingForHeader = false;
    this.ctx.events.interface({ id: 0, linkType: this.linkType, snapLength });
  }

  private failCorrupt(offset: number, capLen: number, framesInThisCall: number): never {
    const read = this.frames + framesInThisCall;
    throw new HopscopeError(
      'corrupt-capture',
      `${this.ctx.label}: corrupt capture: the packet record at byte ${offset} claims ${capLen} captured bytes, ` +
        `which no capture holds, and classic pcap has no marker to resume from (${read} frames before it were read); ` +
        `repair the file with pcapfix or keep the good part with editcap -r`,
    );
  }
}
