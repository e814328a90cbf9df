import type { Anomaly } from '../../src/model/anomaly.js';
import type { CaptureInterface, Frame, NameRecord } from '../../src/model/frame.js';
import { Stats } from '../../src/model/stats.js';
import { createCaptureReader, type CaptureEvents, type CaptureReader } from '../../src/source/capture-reader.js';

/** Records every event a reader emits, in order, for assertions. */
export class Recorder implements CaptureEvents {
  readonly frames: Frame[] = [];
  readonly interfaces: CaptureInterface[] = [];
  readonly names: NameRecord[] = [];
  readonly warnings: Anomaly[] = [];
  /** Event kinds in order: 'f', 'i', 'n', 'w'. */
  readonly order: string[] = [];
  readonly stats = new Stats();

  frame(f: Frame): void {
    this.frames.push(f);
    this.order.push('f');
  }
  interface(i: CaptureInterface): void {
    this.interfaces.push(i);
    this.order.push('i');
  }
  nameRecord(r: NameRecord): void {
    this.names.push(r);
    this.order.push('n');
  }
  warning(a: Anomaly): void {
    this.warnings.push(a);
    this.order.push('w');
  }

  /** A comparable summary: everything but object identity. */
  summary(): unknown {
    return {
      frames: this.frames.map((f) => ({ ...f, ts: { ...f.ts }, data: Buffer.from(f.data).toString('hex') })),
      interfaces: this.interfaces,
      names: this.names,
      warnings: this.warnings.map((w) => w.code),
      order: this.order.join(''),
      stats: this.stats.toJSON(),
    };
  }
}

/** Reads `bytes` pushed in the given chunk sizes (cycled); each chunk is a copy in its own memory. */
export function readInChunks(bytes: Uint8Array, sizes: number[] | ((i: number) => number)): { rec: Recorder; reader: CaptureReader; chunks: Uint8Array[] } {
  const rec = new Recorder();
  const reader = createCaptureReader(rec, rec.stats, 'test.pcap');
  const chunks: Uint8Array[] = [];
  let off = 0;
  for (let i = 0; off < bytes.length; i++) {
    const size = typeof sizes === 'function' ? sizes(i) : sizes[i % sizes.length];
    const chunk = bytes.slice(off, off + Math.max(1, size));
    chunks.push(chunk);
    reader.push(chunk);
    off += chunk.length;
  }
  reader.end();
  return { rec, reader, chunks };
}

/** Reads `bytes` in one push. */
export function readWhole(bytes: Uint8Array): { rec: Recorder; reader: CaptureReader } {
  const { rec, reader } = readInChunks(bytes, [bytes.length || 1]);
  return { rec, reader };
}

export { mulberry32 as prng } from '../support/mulberry32.js';
