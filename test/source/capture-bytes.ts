/**
 * Hand-built capture files for the source tests: classic pcap (µs/ns, either byte order) and pcapng
 * blocks, written field by field from the format specifications (not with the code under test).
 */

/** A little byte writer with a chosen byte order. */
export class Bytes {
  private readonly parts: number[] = [];
  constructor(readonly littleEndian: boolean) {}

  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.littleEndian ? this.u8(v).u8(v >>> 8) : this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    const b = [v >>> 24, v >>> 16, v >>> 8, v].map((x) => x & 0xff);
    for (const x of this.littleEndian ? b.reverse() : b) this.u8(x);
    return this;
  }
  /** pcapng packet timestamps: the high 32-bit word first, then the low one, each in the section's byte order. */
  ticks(v: bigint): this {
    return this.u32(Number(v >> 32n)).u32(Number(v & 0xffffffffn));
  }
  /** 64-bit integer (two's complement when negative) in the writer's byte order. */
  u64(v: bigint): this {
    const u = BigInt.asUintN(64, v);
    const high = Number(u >> 32n);
    const low = Number(u & 0xffffffffn);
    return this.littleEndian ? this.u32(low).u32(high) : this.u32(high).u32(low);
  }
  raw(bytes: Uint8Array | number[]): this {
    for (const b of bytes) this.u8(b);
    return this;
  }
  pad4(): this {
    while (this.parts.length % 4 !== 0) this.u8(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Deterministic payload bytes so that frames can be told apart. */
export function payload(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (seed * 31 + i * 7) & 0xff;
  return out;
}

// ---------- classic pcap ----------

export interface PcapRecord {
  sec: number;
  /** Microseconds or nanoseconds, as the file's magic says. */
  frac: number;
  data: Uint8Array;
  wireLength?: number;
}

export interface PcapOptions {
  littleEndian: boolean;
  nanoseconds: boolean;
  /** The whole 32-bit link-type field (FCS bits included). */
  linkTypeField?: number;
  snapLength?: number;
}

export function pcapHeader(o: PcapOptions): Uint8Array {
  return new Bytes(o.littleEndian)
    .u32(o.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(2)
    .u16(4)
    .u32(0)
    .u32(0)
    .u32(o.snapLength ?? 262144)
    .u32(o.linkTypeField ?? 1)
    .toBytes();
}

export function pcapRecord(littleEndian: boolean, r: PcapRecord): Uint8Array {
  return new Bytes(littleEndian)
    .u32(r.sec)
    .u32(r.frac)
    .u32(r.data.length)
    .u32(r.wireLength ?? r.data.length)
    .raw(r.data)
    .toBytes();
}

export function pcapFile(o: PcapOptions, records: PcapRecord[]): Uint8Array {
  return concat(pcapHeader(o), ...records.map((r) => pcapRecord(o.littleEndian, r)));
}

// ---------- pcapng ----------

export interface PcapngOption {
  code: number;
  value: Uint8Array;
}

export function textOption(code: number, text: string): PcapngOption {
  return { code, value: new TextEncoder().encode(text) };
}

/** A block: type, total length, body (padded), options (+ opt_endofopt), total length. */
export function block(le: boolean, type: number, body: Uint8Array, options: PcapngOption[] = []): Uint8Array {
  const inner = new Bytes(le).raw(body).pad4();
  if (options.length > 0) {
    for (const o of options) inner.u16(o.code).u16(o.value.length).raw(o.value).pad4();
    inner.u16(0).u16(0);
  }
  const total = 12 + inner.length;
  return new Bytes(le).u32(type).u32(total).raw(inner.toBytes()).u32(total).toBytes();
}

export function shb(le: boolean, options: PcapngOption[] = [], major = 1): Uint8Array {
  const body = new Bytes(le).u32(0x1a2b3c4d).u16(major).u16(0).u64(-1n).toBytes();
  return block(le, 0x0a0d0d0a, body, options);
}

export interface IdbOptions {
  linkType: number;
  snapLength?: number;
  name?: string;
  description?: string;
  /** Raw if_tsresol byte. */
  tsresol?: number;
  tsoffset?: bigint;
}

export function idb(le: boolean, o: IdbOptions): Uint8Array {
  const body = new Bytes(le).u16(o.linkType).u16(0).u32(o.snapLength ?? 0).toBytes();
  const options: PcapngOption[] = [];
  if (o.name !== undefined) options.push(textOption(2, o.name));
  if (o.description !== undefined) options.push(textOption(3, o.description));
  if (o.tsresol !== undefined) options.push({ code: 9, value: Uint8Array.of(o.tsresol) });
  if (o.tsoffset !== undefined) options.push({ code: 14, value: new Bytes(le).u64(o.tsoffset).toBytes() });
  return block(le, 1, body, options);
}

export function epb(le: boolean, interfaceId: number, ticks: bigint, data: Uint8Array, wireLength = data.length): Uint8Array {
  const body = new Bytes(le).u32(interfaceId).ticks(ticks).u32(data.length).u32(wireLength).raw(data).toBytes();
  return block(le, 6, body, [{ code: 1, value: new TextEncoder().encode('comment') }]);
}

/** Simple Packet Block: only the original length and the (possibly cut) data. */
export function spb(le: boolean, wireLength: number, data: Uint8Array): Uint8Array {
  return block(le, 3, new Bytes(le).u32(wireLength).raw(data).toBytes());
}

/** Obsolete Packet Block (type 2). */
export function packetBlock(le: boolean, interfaceId: number, ticks: bigint, data: Uint8Array): Uint8Array {
  const body = new Bytes(le).u16(interfaceId).u16(0).ticks(ticks).u32(data.length).u32(data.length).raw(data).toBytes();
  return block(le, 2, body);
}

export interface NrbEntry {
  /** 4 or 16 bytes. */
  address: number[];
  names: string[];
}

export function nrb(le: boolean, entries: NrbEntry[]): Uint8Array {
  const body = new Bytes(le);
  for (const e of entries) {
    const value = new Bytes(le).raw(e.address);
    for (const n of e.names) value.raw(new TextEncoder().encode(n)).u8(0);
    const bytes = value.toBytes();
    body.u16(e.address.length === 4 ? 1 : 2).u16(bytes.length).raw(bytes).pad4();
  }
  // An nrb_record_eui48 (type 3: MAC and a name) that hopscope skips, then nrb_record_end.
  body.u16(3).u16(8).raw([1, 2, 3, 4, 5, 6, 0x61, 0]);
  body.u16(0).u16(0);
  return block(le, 4, body.toBytes());
}

export function isb(le: boolean, interfaceId: number): Uint8Array {
  return block(le, 5, new Bytes(le).u32(interfaceId).u64(0n).toBytes());
}
