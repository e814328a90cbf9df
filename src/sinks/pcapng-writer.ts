import type { CaptureInterface, Frame, NameRecord } from '../model/frame.js';
import type { Timestamp } from '../model/time.js';
import type { ByteOutput } from './byte-output.js';
import { ipAddressBytes } from './ip-address-bytes.js';
import { CUSTOM_BLOCK_COPYABLE, CUSTOM_BLOCK_NO_COPY, HOPSCOPE_PEN, encodeJsonBlockData } from './pcapng-custom-json.js';

export interface PcapngWriterOptions {
  /** shb_userappl, e.g. "hopscope 0.4.0". */
  userAppl: string;
  /** shb_hardware and shb_os, when the caller knows them. */
  hardware?: string;
  os?: string;
  /** Size of the writes handed to the output (default 256 KiB). */
  batchBytes?: number;
}

/** An interface to describe in the file: the source's CaptureInterface, plus the capture filter if any. */
export interface PcapngInterface extends CaptureInterface {
  /** if_filter: the libpcap filter expression the device was opened with. */
  filter?: string;
}

/** pcap_stats for one interface at the end of a capture; absent counters are not written. */
export interface InterfaceStatistics {
  /** The source's interface id (the one addInterface() was given). */
  interfaceId: number;
  /** isb_ifrecv: packets received (pcap_stats ps_recv). */
  received?: number;
  /** isb_ifdrop: packets dropped (pcap_stats ps_drop: no room in the capture buffer). */
  dropped?: number;
  /** isb_osdrop: packets dropped by the interface or its driver (pcap_stats ps_ifdrop). */
  osDropped?: number;
}

export interface CustomBlockOptions {
  /**
   * 0x00000BAD (true, the default): other tools keep the block when they rewrite the file (editcap,
   * Wireshark's "save as"), right for data that stays true without any particular packet, like a
   * container timeline. 0x40000BAD (false): the block refers to packets and must not be copied.
   */
  copyable?: boolean;
  /** Private Enterprise Number; HOPSCOPE_PEN by default. */
  pen?: number;
}

const BATCH_BYTES = 256 * 1024;
/** A flush with less than this in the batch copies it out and keeps the batch buffer for the next one. */
const COPY_OUT_FRACTION = 8;
const EMPTY = Buffer.alloc(0);
const TWO_32 = 4294967296;

const SHB_TYPE = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB_TYPE = 1;
const NRB_TYPE = 4;
const ISB_TYPE = 5;
const EPB_TYPE = 6;

const OPT_END = 0;
const SHB_HARDWARE = 2;
const SHB_OS = 3;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_FILTER = 11;
const ISB_STARTTIME = 2;
const ISB_ENDTIME = 3;
const ISB_IFRECV = 4;
const ISB_IFDROP = 5;
const ISB_OSDROP = 7;
const NRB_IPV4 = 1;
const NRB_IPV6 = 2;
/** A name record's value length is 16 bits. */
const MAX_RECORD_VALUE = 0xffff;

/** One option: code and value bytes (padded when written). */
type Option = [number, Uint8Array];

interface InterfaceSlot {
  first: Timestamp | undefined;
  last: Timestamp | undefined;
}

/**
 * A streaming pcapng writer (hopscope live -w): one section, little-endian, nanosecond timestamps
 * (if_tsresol 9 on every interface, so Frame.ts is stored exactly). Blocks are encoded straight into a
 * batch buffer that is handed to the output whole when full (~256 KiB) and at the end of the current
 * synchronous burst (a microtask), so the file on disk always ends at a block boundary and is readable
 * while the capture runs. Interfaces, name records and custom blocks may be written at any time; a
 * frame needs its interface to have been added first.
 */
export class PcapngWriter {
  private buf: Buffer = EMPTY;
  private view: DataView = new DataView(EMPTY.buffer, 0, 0);
  private pos = 0;
  private flushScheduled = false;
  private closed = false;
  private readonly batchBytes: number;
  /** Source interface id → IDB index in this file. */
  private readonly idbIndex = new Map<number, number>();
  private readonly slots: InterfaceSlot[] = [];
  private latest: Timestamp | undefined = undefined;
  private frames = 0;
  private written = 0;
  private readonly flushNow = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(
    private readonly out: ByteOutput,
    options: PcapngWriterOptions,
  ) {
    this.batchBytes = Math.max(4096, options.batchBytes ?? BATCH_BYTES);
    const opts: Option[] = [];
    if (options.hardware !== undefined) opts.push([SHB_HARDWARE, utf8(options.hardware)]);
    if (options.os !== undefined) opts.push([SHB_OS, utf8(options.os)]);
    opts.push([SHB_USERAPPL, utf8(options.userAppl)]);
    // Byte-order magic, version 1.0, section length -1 (unknown: the file is written as it grows).
    const fixed = Buffer.alloc(16);
    fixed.writeUInt32LE(BYTE_ORDER_MAGIC, 0);
    fixed.writeUInt16LE(1, 4);
    fixed.writeUInt16LE(0, 6);
    fixed.writeInt32LE(-1, 8);
    fixed.writeInt32LE(-1, 12);
    this.block(SHB_TYPE, fixed, opts);
  }

  /** Frames written so far. */
  get framesWritten(): number {
    return this.frames;
  }

  /** Bytes handed to the output so far (the batch not yet flushed excluded). */
  get bytesWritten(): number {
    return this.written;
  }

  /** Whether addInterface() was called for this source interface id. */
  hasInterface(interfaceId: number): boolean {
    return this.idbIndex.has(interfaceId);
  }

  /**
   * Writes an Interface Description Block for a capture device and returns its index in this file.
   * Frames carry the source's interface id (iface.id); the writer maps it to this index. Adding an id
   * again describes a new interface (a device reopened with another link type) and remaps the id.
   */
  addInterface(iface: PcapngInterface): number {
    this.checkOpen();
    const opts: Option[] = [];
    if (iface.name !== undefined) opts.push([IF_NAME, utf8(iface.name)]);
    if (iface.description !== undefined) opts.push([IF_DESCRIPTION, utf8(iface.description)]);
    opts.push([IF_TSRESOL, Uint8Array.of(9)]);
    // if_filter: first byte 0 means "a libpcap filter string".
    if (iface.filter !== undefined) opts.push([IF_FILTER, Buffer.concat([Uint8Array.of(0), utf8(iface.filter)])]);
    const fixed = Buffer.alloc(8);
    fixed.writeUInt16LE(iface.linkType, 0);
    fixed.writeUInt32LE(iface.snapLength >>> 0, 4);
    this.block(IDB_TYPE, fixed, opts);
    const index = this.slots.length;
    this.slots.push({ first: undefined, last: undefined });
    this.idbIndex.set(iface.id, index);
    return index;
  }

  /**
   * Writes one Enhanced Packet Block. Throws (a wiring error, not bad input) when the frame's interface
   * was never added.
   */
  writeFrame(frame: Frame): void {
    const index = this.idbIndex.get(frame.interfaceId);
    if (index === undefined) {
      throw new Error(`pcapng writer: frame on interface ${frame.interfaceId}, which was not added (call addInterface first)`);
    }
    if (this.closed) this.checkOpen();
    const data = frame.data;
    const capLen = data.length;
    const padded = (capLen + 3) & ~3;
    const len = 32 + padded;
    const off = this.reserve(len);
    const view = this.view;
    const buf = this.buf;
    view.setUint32(off, EPB_TYPE, true);
    view.setUint32(off + 4, len, true);
    view.setUint32(off + 8, index, true);
    this.putTimestamp(off + 12, frame.ts);
    view.setUint32(off + 20, capLen, true);
    view.setUint32(off + 24, frame.wireLength > capLen ? frame.wireLength : capLen, true);
    buf.set(data, off + 28);
    // The batch buffer is not zeroed: pad explicitly (at most 3 bytes).
    for (let p = off + 28 + capLen; p < off + 28 + padded; p++) buf[p] = 0;
    view.setUint32(off + 28 + padded, len, true);
    this.pos = off + len;
    const slot = this.slots[index];
    if (slot.first === undefined) slot.first = frame.ts;
    slot.last = frame.ts;
    this.latest = frame.ts;
    this.frames++;
    this.scheduleFlush();
  }

  /**
   * Writes a Name Resolution Block with IPv4 and IPv6 records (address → names). Records whose address
   * is not an IP address, or that have no name, are left out; returns how many records were written
   * (no block at all when none).
   */
  writeNameRecords(records: readonly NameRecord[]): number {
    this.checkOpen();
    const parts: Buffer[] = [];
    let written = 0;
    for (const record of records) {
      const address = ipAddressBytes(record.address);
      if (address === undefined) continue;
      const names: Buffer[] = [];
      let valueLen = address.length;
      for (const name of record.names) {
        if (name === '') continue;
        const bytes = Buffer.from(`${name}\0`, 'utf8');
        // A record's value is at most 65535 bytes: further names are dropped rather than splitting the record.
        if (valueLen + bytes.length > MAX_RECORD_VALUE) break;
        names.push(bytes);
        valueLen += bytes.length;
      }
      if (names.length === 0) continue;
      const header = Buffer.alloc(4);
      header.writeUInt16LE(address.length === 4 ? NRB_IPV4 : NRB_IPV6, 0);
      header.writeUInt16LE(valueLen, 2);
      parts.push(header, Buffer.from(address), ...names, Buffer.alloc(((valueLen + 3) & ~3) - valueLen));
      written++;
    }
    if (written === 0) return 0;
    parts.push(Buffer.alloc(4)); // nrb_record_end
    this.block(NRB_TYPE, Buffer.concat(parts), []);
    return written;
  }

  /**
   * Writes a pcapng Custom Block: the PEN, then `data` (zero-padded to 32 bits), no options. Readers
   * that do not know the PEN skip it; see pcapng-custom-json.ts for the PEN and hopscope's format.
   */
  writeCustomBlock(data: Uint8Array, options: CustomBlockOptions = {}): void {
    this.checkOpen();
    const body = Buffer.alloc(4 + ((data.length + 3) & ~3));
    body.writeUInt32LE((options.pen ?? HOPSCOPE_PEN) >>> 0, 0);
    body.set(data, 4);
    this.block(options.copyable === false ? CUSTOM_BLOCK_NO_COPY : CUSTOM_BLOCK_COPYABLE, body, []);
  }

  /** Writes hopscope's JSON custom block: {"hopscope":kind,"data":value}, space-padded (see pcapng-custom-json.ts). */
  writeJsonBlock(kind: string, value: unknown, options: { copyable?: boolean } = {}): void {
    this.writeCustomBlock(encodeJsonBlockData(kind, value), { copyable: options.copyable ?? true });
  }

  /**
   * Writes an Interface Statistics Block. Its timestamp is `ts`, else the last frame written (capture
   * time: the writer never reads the wall clock); isb_starttime/isb_endtime are the interface's first
   * and last frames when it had any. Statistics for an interface never added are ignored.
   */
  writeStatistics(stats: InterfaceStatistics, ts?: Timestamp): void {
    this.checkOpen();
    const index = this.idbIndex.get(stats.interfaceId);
    if (index === undefined) return;
    const slot = this.slots[index];
    const opts: Option[] = [];
    if (slot.first !== undefined) opts.push([ISB_STARTTIME, this.timestampBytes(slot.first)]);
    if (slot.last !== undefined) opts.push([ISB_ENDTIME, this.timestampBytes(slot.last)]);
    if (stats.received !== undefined) opts.push([ISB_IFRECV, uint64(stats.received)]);
    if (stats.dropped !== undefined) opts.push([ISB_IFDROP, uint64(stats.dropped)]);
    if (stats.osDropped !== undefined) opts.push([ISB_OSDROP, uint64(stats.osDropped)]);
    const fixed = Buffer.alloc(12);
    fixed.writeUInt32LE(index, 0);
    fixed.set(this.timestampBytes(ts ?? this.latest ?? { sec: 0, nsec: 0 }), 4);
    this.block(ISB_TYPE, fixed, opts);
  }

  /** Hands the batch gathered so far to the output now. */
  flush(): void {
    const pos = this.pos;
    if (pos === 0) return;
    if (pos < this.batchBytes / COPY_OUT_FRACTION && this.buf.length === this.batchBytes) {
      // A small batch (a quiet capture flushing per burst): copy it out and keep the big buffer.
      this.out.write(Buffer.from(this.buf.subarray(0, pos)));
    } else {
      // The output owns the bytes from now on: never write into this buffer again.
      this.out.write(this.buf.subarray(0, pos));
      this.buf = EMPTY;
      this.view = new DataView(EMPTY.buffer, 0, 0);
    }
    this.written += pos;
    this.pos = 0;
  }

  /** True while the output's buffer is full: wait for drained() before writing more. */
  get needsDrain(): boolean {
    return this.out.needsDrain === true;
  }

  /** Flushes, then resolves when the output can take more. */
  async drained(): Promise<void> {
    this.flush();
    if (this.out.drained !== undefined) await this.out.drained();
  }

  /**
   * Writes an Interface Statistics Block per entry of `statistics`, flushes, and closes the output.
   * Nothing can be written afterwards.
   */
  async close(statistics: readonly InterfaceStatistics[] = []): Promise<void> {
    if (this.closed) return;
    for (const stats of statistics) this.writeStatistics(stats);
    this.closed = true;
    this.flush();
    if (this.out.close !== undefined) await this.out.close();
  }

  /** Writes a whole block: header, fixed part (a multiple of 4 bytes), options, trailing length. */
  private block(type: number, fixed: Uint8Array, options: readonly Option[]): void {
    let optionBytes = 0;
    for (const [, value] of options) optionBytes += 4 + ((value.length + 3) & ~3);
    if (options.length > 0) optionBytes += 4;
    const len = 12 + fixed.length + optionBytes;
    const off = this.reserve(len);
    const buf = this.buf;
    const view = this.view;
    view.setUint32(off, type, true);
    view.setUint32(off + 4, len, true);
    buf.set(fixed, off + 8);
    let p = off + 8 + fixed.length;
    for (const [code, value] of options) {
      view.setUint16(p, code, true);
      view.setUint16(p + 2, value.length, true);
      buf.set(value, p + 4);
      const padded = (value.length + 3) & ~3;
      buf.fill(0, p + 4 + value.length, p + 4 + padded);
      p += 4 + padded;
    }
    if (options.length > 0) {
      view.setUint16(p, OPT_END, true);
      view.setUint16(p + 2, 0, true);
      p += 4;
    }
    view.setUint32(p, len, true);
    this.pos = off + len;
    this.scheduleFlush();
  }

  /** Room for `len` bytes at the returned offset of this.buf. */
  private reserve(len: number): number {
    if (this.pos + len <= this.buf.length) return this.pos;
    this.flush();
    if (this.buf.length < len || this.buf.length !== this.batchBytes) {
      // A block larger than a batch (a 256 KiB snapshot) gets a buffer of its own, flushed on its own.
      this.buf = Buffer.allocUnsafe(len > this.batchBytes ? len : this.batchBytes);
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    }
    return 0;
  }

  private scheduleFlush(): void {
    if (this.pos >= this.batchBytes) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushNow);
    }
  }

  /**
   * ts as a 64-bit nanosecond count, high word then low word. sec·1e9 exceeds 2^53, so the product is
   * built from 16-bit halves of sec, each of whose products with 1e9 is exact in a double.
   */
  private putTimestamp(off: number, ts: Timestamp): void {
    // Math.floor instead of %: a double modulo is a slow library call, and these operands are not small integers.
    const sec = ts.sec;
    const secHigh = Math.floor(sec / 65536);
    const a = secHigh * 1e9; // contributes a·2^16, < 2^46
    const b = (sec - secHigh * 65536) * 1e9 + ts.nsec; // < 2^47
    const aHigh = Math.floor(a / 65536);
    const bHigh = Math.floor(b / TWO_32);
    let low = (a - aHigh * 65536) * 65536 + (b - bHigh * TWO_32);
    let high = aHigh + bHigh;
    if (low >= TWO_32) {
      low -= TWO_32;
      high += 1;
    }
    this.view.setUint32(off, high, true);
    this.view.setUint32(off + 4, low, true);
  }

  private timestampBytes(ts: Timestamp): Uint8Array {
    const ns = BigInt(ts.sec) * 1_000_000_000n + BigInt(ts.nsec);
    const out = Buffer.alloc(8);
    out.writeUInt32LE(Number(ns >> 32n), 0);
    out.writeUInt32LE(Number(ns & 0xffffffffn), 4);
    return out;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('pcapng writer: already closed');
  }
}

function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** A u64 option value (little-endian) from a non-negative safe integer. */
function uint64(n: number): Uint8Array {
  const value = Math.max(0, Math.floor(n));
  const out = Buffer.alloc(8);
  out.writeUInt32LE(value % TWO_32, 0);
  out.writeUInt32LE(Math.floor(value / TWO_32), 4);
  return out;
}
