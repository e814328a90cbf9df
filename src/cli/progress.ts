import { performance } from 'node:perf_hooks';

/**
 * A one-line progress bar on stderr for reading large captures: bytes read (of the total when known),
 * packets, exchanges, rate. Redrawn at most 10 times a second (wall clock: this is the user's view of
 * the work, not data). Only on a terminal; never on stdout.
 */
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = performance.now();
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(bytesRead: number, totalBytes: number | undefined, packets: number, exchanges: number): void {
    const now = performance.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = `${formatBytes(bytesRead / seconds)}/s`;
    const counts = `${packets.toLocaleString('en-US')} packets  ${exchanges.toLocaleString('en-US')} exchanges  ${rate}`;
    let line: string;
    if (totalBytes) {
      const fraction = Math.min(bytesRead / totalBytes, 1);
      const width = 24;
      const filled = Math.round(fraction * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      line = `${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${formatBytes(bytesRead)}/${formatBytes(totalBytes)}  ${counts}`;
    } else {
      line = `${formatBytes(bytesRead)}  ${counts}`;
    }
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
