import { open, type FileHandle } from 'node:fs/promises';
import { HopscopeError } from '../model/errors.js';
import type { Stats } from '../model/stats.js';
import { createCaptureReader, type CaptureEvents, type CaptureFormat } from './capture-reader.js';

/** Bytes read so far and the file's size (undefined for stdin and pipes). Called after every chunk. */
export type ProgressCallback = (bytesRead: number, totalBytes: number | undefined) => void;

export interface ReadSummary {
  format: CaptureFormat | undefined;
  bytesRead: number;
}

/**
 * Reads of 256 KiB: one call into JavaScript per few hundred packets, and small enough that a block
 * is usually dead before its first scavenge (4 MiB blocks outlived it, were promoted to the old
 * generation and waited there, dead, for a full GC: tens of MB of peak RSS and GC time).
 */
const CHUNK_BYTES = 256 * 1024;
/** A read buffer with less room than this left is retired (short reads from FIFOs fill it slowly). */
const MIN_READ_BYTES = 64 * 1024;

/**
 * Reads a capture file (or stdin when `input` is '-') to the end, delivering its frames to `events`.
 * Rejects with HopscopeError for a missing/unreadable file, a file that is not a capture, or a
 * capture damaged beyond repair; frames before the damage have been delivered by then.
 */
export async function readCapture(
  input: string,
  events: CaptureEvents,
  stats: Stats,
  onProgress?: ProgressCallback,
): Promise<ReadSummary> {
  if (input === '-') {
    if (process.stdin.isTTY === true) {
      throw new HopscopeError(
        'usage',
        "stdin is a terminal: pipe a capture into hopscope (tcpdump -w - | hopscope read -) or give a file path",
      );
    }
    return readCaptureStream(process.stdin, 'stdin', events, stats, onProgress);
  }
  const handle = await open(input, 'r').catch((error: unknown) => {
    throw fileError(input, error);
  });
  try {
    return await readFromHandle(handle, input, events, stats, onProgress);
  } finally {
    await handle.close();
  }
}

/** Reads a capture from any byte stream (stdin, a socket, a test's Readable). Chunks must not be reused by the stream. */
export async function readCaptureStream(
  stream: AsyncIterable<Uint8Array>,
  label: string,
  events: CaptureEvents,
  stats: Stats,
  onProgress?: ProgressCallback,
): Promise<ReadSummary> {
  const reader = createCaptureReader(events, stats, label);
  let bytesRead = 0;
  try {
    for await (const chunk of stream) {
      reader.push(chunk);
      bytesRead += chunk.length;
      onProgress?.(bytesRead, undefined);
    }
  } catch (error) {
    throw error instanceof HopscopeError ? error : fileError(label, error);
  }
  reader.end();
  return { format: reader.format, bytesRead };
}

async function readFromHandle(
  handle: FileHandle,
  path: string,
  events: CaptureEvents,
  stats: Stats,
  onProgress: ProgressCallback | undefined,
): Promise<ReadSummary> {
  const info = await handle.stat().catch((error: unknown) => {
    throw fileError(path, error);
  });
  if (info.isDirectory()) {
    throw new HopscopeError('file-unreadable', `${path} is a directory, not a capture file; give the path of a .pcap or .pcapng file`);
  }
  const totalBytes = info.isFile() ? info.size : undefined;
  const reader = createCaptureReader(events, stats, path);
  // Frames keep subarrays of the read buffers, so a buffer is only ever written past what was pushed,
  // and a fresh one is taken when the current one is (nearly) full.
  let block = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  let pos = 0;
  let bytesRead = 0;
  for (;;) {
    if (CHUNK_BYTES - pos < MIN_READ_BYTES) {
      block = Buffer.allocUnsafeSlow(CHUNK_BYTES);
      pos = 0;
    }
    const result = await handle.read(block, pos, CHUNK_BYTES - pos, null).catch((error: unknown) => {
      throw fileError(path, error);
    });
    if (result.bytesRead === 0) break;
    reader.push(block.subarray(pos, pos + result.bytesRead));
    pos += result.bytesRead;
    bytesRead += result.bytesRead;
    onProgress?.(bytesRead, totalBytes);
  }
  reader.end();
  return { format: reader.format, bytesRead };
}

/** Maps a file-system error to a one-line HopscopeError that says what to do. */
function fileError(path: string, error: unknown): HopscopeError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new HopscopeError('file-not-found', `${path}: no such file; check the path (or give '-' to read a capture from stdin)`);
    case 'EACCES':
    case 'EPERM':
      return new HopscopeError(
        'file-unreadable',
        `${path}: permission denied; run hopscope as a user who may read it, or copy it somewhere readable`,
      );
    case 'EISDIR':
      return new HopscopeError('file-unreadable', `${path} is a directory, not a capture file; give the path of a .pcap or .pcapng file`);
    default: {
      const detail = error instanceof Error ? error.message : String(error);
      return new HopscopeError('file-unreadable', `${path}: cannot read it (${detail}); check the file and the disk`);
    }
  }
}
