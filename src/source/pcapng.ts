import { HopscopeError } from '../model/errors.js';
import type { Timestamp } from '../model/time.js';
import {
  BYTE_ORDER_MAGIC,
  BYTE_ORDER_MAGIC_SWAPPED,
  BlockType,
  isKnownBlockType,
  minimumBlockLength,
  readInterfaceDescription,
  readNameRecords,
} from './pcapng-blocks.js';
import { MAX_RECORD_BYTES, frameBytes, makeFrame, type ParserContext, type RecordParser } from './record-parser.js';
import { TickClock } from './tick-clock.js';

const BLOCK_HEADER_BYTES = 12;
/** pcapng Custom Block types (copyable, and not to be copied). */
const CUSTOM_BLOCK_COPYABLE = 0x00000bad;
const CUSTOM_BLOCK_NO_COPY = 0x40000bad;
/** Unit length meaning "not a block start: skip 4 bytes" (no real block is that short). */
const SKIP = 4;
const ZERO_TS: Timestamp = { sec: 0, nsec: 0 };

interface InterfaceState {
  /** Unique across sections: what Frame.interfaceId and CaptureInterface.id carry. */
  id: number;
  linkType: number;
  snapLength: number;
  clock: TickClock;
}

/**
 * pcapng: sections (each with its own byte order and interfaces), packet blocks, name resolution.
 * A block whose length is impossible is counted as capture.corrupt-block and the reader resynchronises
 * on the next 4-byte-aligned position that looks like a real block start.
 */
export class PcapngParser implements RecordParser {
  frames = 0;
  bytes = 0;
  private littleEndian = true;
  private inSection = false;
  private resyncing = false;
  private interfaces: InterfaceState[] = [];
  private nextInterfaceId = 0;
  private last: Timestamp | undefined = undefined;

  constructor(private readonly ctx: ParserContext) {}

  headerBytes(): number {
    return BLOCK_HEADER_BYTES;
  }

  inFileHeader(): boolean {
    return !this.inSection;
  }

  lastTs(): Timestamp | undefined {
    return this.last;
  }

  unitLength(_buf: Buffer, view: DataView, off: number, base: number): number {
    const type = view.getUint32(off, this.littleEndian);
    if (type === BlockType.SectionHeader) {
      // The block type reads the same in both byte orders; the byte-order magic decides the length's.
      const magic = view.getUint32(off + 8, true);
      const le = magic === BYTE_ORDER_MAGIC ? true : magic === BYTE_ORDER_MAGIC_SWAPPED ? false : undefined;
      const len = le === undefined ? 0 : view.getUint32(off + 4, le);
      if (le !== undefined && this.plausibleLength(type, len)) return len;
      if (!this.inSection) {
        this.failFirstSection(le === undefined ? 'its byte-order magic is wrong' : `its section header claims an impossible length (${len})`);
      }
      return SKIP;
    }
    const len = view.getUint32(off + 4, this.littleEndian);
    if (!this.plausibleLength(type, len)) return SKIP;
    if (this.resyncing) {
      // While resynchronising, only a known block type that fits the section counts as a block start.
      if (!isKnownBlockType(type)) return SKIP;
      if (type === BlockType.EnhancedPacket && view.getUint32(off + 8, this.littleEndian) >= this.interfaces.length) return SKIP;
    }
    return len;
  }

  parse(buf: Buffer, view: DataView, off: number, end: number, base: number): number {
    const events = this.ctx.events;
    let frames = 0;
    let bytes = 0;
    while (end - off >= BLOCK_HEADER_BYTES) {
      const len = this.unitLength(buf, view, off, base);
      if (len === SKIP) {
        this.skipWord(base + off);
        off += SKIP;
        continue;
      }
      if (len > end - off) break;
      const type = view.getUint32(off, this.littleEndian);
      if (type === BlockType.SectionHeader) {
        if (!this.startSection(view, off, len, base)) {
          this.skipWord(base + off);
          off += SKIP;
          continue;
        }
        off += len;
        continue;
      }
      const le = this.littleEndian;
      if (view.getUint32(off + len - 4, le) !== len) {
        // Leading and trailing lengths disagree: the leading one cannot be trusted, look for the next block.
        this.skipWord(base + off);
        off += SKIP;
        continue;
      }
      this.resyncing = false;
      if (type === BlockType.EnhancedPacket || type === BlockType.Packet) {
        // The obsolete Packet Block is laid out as an EPB whose interface id is 16 bits (a drops count follows).
        const ifaceId = type === BlockType.EnhancedPacket ? view.getUint32(off + 8, le) : view.getUint16(off + 8, le);
        const iface = this.interfaces[ifaceId];
        const capLen = view.getUint32(off + 20, le);
        if (iface === undefined) {
          this.unknownInterface(ifaceId, base + off);
        } else if (capLen > len - 32) {
          this.badBlock(base + off, `its captured length ${capLen} does not fit in the block`);
        } else {
          const ts = iface.clock.at(view.getUint32(off + 12, le), view.getUint32(off + 16, le));
          this.last = ts;
          events.frame(makeFrame(ts, iface.linkType, frameBytes(buf, off + 28, capLen), view.getUint32(off + 24, le), iface.id));
          frames++;
          bytes += capLen;
        }
      } else if (type === BlockType.SimplePacket) {
        const iface = this.interfaces[0];
        if (iface === undefined) {
          this.unknownInterface(0, base + off);
        } else {
          const wireLength = view.getUint32(off + 8, le);
          // An SPB has no captured length: it is the wire length cut by the snapshot length and the block.
          let capLen = Math.min(wireLength, len - 16);
          if (iface.snapLength !== 0 && iface.snapLength < capLen) capLen = iface.snapLength;
          // No timestamp either: reuse the last one seen so capture time never goes backwards.
          const ts = this.last ?? ZERO_TS;
          events.frame(makeFrame(ts, iface.linkType, frameBytes(buf, off + 12, capLen), wireLength, iface.id));
          frames++;
          bytes += capLen;
        }
      } else if (type === BlockType.InterfaceDescription) {
        this.addInterface(buf, view, off, len);
      } else if (type === BlockType.NameResolution) {
        for (const record of readNameRecords(buf, view, off, len, le)) events.nameRecord(record);
      } else if ((type === CUSTOM_BLOCK_COPYABLE || type === CUSTOM_BLOCK_NO_COPY) && events.customBlock !== undefined && len >= 16) {
        events.customBlock(view.getUint32(off + 8, le), buf.subarray(off + 12, off + len - 4));
      } else if (type !== BlockType.InterfaceStatistics) {
        this.ctx.stats.count('capture.unknown-block');
      }
      off += len;
    }
    this.frames += frames;
    this.bytes += bytes;
    return off;
  }

  private plausibleLength(type: number, len: number): boolean {
    return len >= minimumBlockLength(type) && (len & 3) === 0 && len <= MAX_RECORD_BYTES;
  }

  /** Handles a complete section header block; false when it is not a valid one. */
  private startSection(view: DataView, off: number, len: number, base: number): boolean {
    const le = view.getUint32(off + 8, true) === BYTE_ORDER_MAGIC;
    if (view.getUint32(off + len - 4, le) !== len) {
      if (!this.inSection) this.failFirstSection('its section header ends with a length that does not match its start');
      return false;
    }
    const major = view.getUint16(off + 12, le);
    if (major !== 1) {
      this.ctx.warn(
        'capture.unsupported-version',
        `${this.ctx.label}: the pcapng section at byte ${base + off} has version ${major}.${view.getUint16(off + 14, le)}; reading it as 1.0`,
        this.last,
      );
    }
    this.littleEndian = le;
    this.inSection = true;
    this.resyncing = false;
    // A new section starts a new interface list; ids keep counting so they stay unique keys.
    this.interfaces = [];
    return true;
  }

  private addInterface(buf: Buffer, view: DataView, off: number, len: number): void {
    const d = readInterfaceDescription(buf, view, off, len, this.littleEndian);
    const id = this.nextInterfaceId++;
    this.interfaces.push({ id, linkType: d.linkType, snapLength: d.snapLength, clock: new TickClock(d.tsresol, d.tsoffset) });
    this.ctx.events.interface({
      id,
      linkType: d.linkType,
      snapLength: d.snapLength,
      ...(d.name === undefined ? {} : { name: d.name }),
      ...(d.description === undefined ? {} : { description: d.description }),
    });
  }

  /** Skipping a word that is not a block start: report once per damaged stretch. */
  private skipWord(offset: number): void {
    this.ctx.stats.count('capture.skipped-bytes', SKIP);
    if (this.resyncing) return;
    this.resyncing = true;
    this.ctx.warn(
      'capture.corrupt-block',
      `${this.ctx.label}: the pcapng block at byte ${offset} is damaged (impossible length, or its two length fields disagree); skipping to the next valid block`,
      this.last,
    );
  }

  private badBlock(offset: number, why: string): void {
    this.ctx.warn('capture.corrupt-block', `${this.ctx.label}: skipped the pcapng block at byte ${offset}: ${why}`, this.last);
  }

  private unknownInterface(localId: number, offset: number): void {
    this.ctx.warn(
      'capture.unknown-interface',
      `${this.ctx.label}: the packet block at byte ${offset} names interface ${localId}, which its section does not describe; skipped`,
      this.last,
    );
  }

  /** The first block must be a section header; without one nothing after it can be read. */
  private failFirstSection(why: string): never {
    throw new HopscopeError(
      'corrupt-capture',
      `${this.ctx.label}: corrupt capture: it starts like pcapng but ${why}, so nothing in it can be read; ` +
        `check that the file was copied whole (or try pcapfix)`,
    );
  }
}
