import { closeSync, openSync, writeSync } from 'node:fs';

const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 262144;
const FLUSH_BYTES = 16 * 1024 * 1024;

/**
 * Classic pcap (microseconds, little-endian) written through one big reusable buffer: callers
 * reserve room for a record, fill it in place, and the writer flushes with few large writes.
 * This keeps generation of a ~600 MB file to a few seconds.
 */
export class PcapWriter {
  readonly buf = Buffer.allocUnsafe(FLUSH_BYTES);
  private pos = 0;
  private readonly fd: number;
  packets = 0;
  /** Captured frame bytes (what a reader sees as packet data), without pcap headers. */
  frameBytes = 0;
  /** Bytes in the file so far, headers included. */
  fileBytes = 24;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    const h = this.buf;
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8);
    h.writeUInt32LE(0, 12);
    h.writeUInt32LE(SNAPLEN, 16);
    h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    this.pos = 24;
  }

  /**
   * Writes a record header for a frame of `frameLength` bytes at capture time `timeUs`
   * (microseconds since the epoch) and returns the offset in `buf` where the frame goes.
   */
  beginRecord(timeUs: number, frameLength: number): number {
    if (this.pos + 16 + frameLength > FLUSH_BYTES) this.flush();
    const b = this.buf;
    const p = this.pos;
    const sec = Math.floor(timeUs / 1e6);
    b.writeUInt32LE(sec, p);
    b.writeUInt32LE(timeUs - sec * 1e6, p + 4);
    b.writeUInt32LE(frameLength, p + 8);
    b.writeUInt32LE(frameLength, p + 12);
    this.pos = p + 16 + frameLength;
    this.packets++;
    this.frameBytes += frameLength;
    this.fileBytes += 16 + frameLength;
    return p + 16;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.pos = 0;
  }
}
