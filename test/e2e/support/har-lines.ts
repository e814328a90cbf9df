import { spawn } from 'node:child_process';
import type { HarEntry } from '../../../src/sinks/har-types.js';
import { cliPath } from './live-process.js';

/** The HAR entries of `--jsonl` output (one per line; other lines are an error). */
export function parseJsonl(text: string): HarEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as HarEntry);
}

/** Entries whose client or server is one of these addresses (the test's own containers). */
export function involving(entries: HarEntry[], ips: Iterable<string>): HarEntry[] {
  const set = new Set(ips);
  return entries.filter((e) => set.has(e._clientIPAddress) || set.has(e.serverIPAddress));
}

export const headerValue = (headers: { name: string; value: string }[], name: string): string | undefined =>
  headers.find((h) => h.name.toLowerCase() === name)?.value;

/** The path of a request URL (hopscope writes absolute URLs). */
export const urlPath = (url: string): string => new URL(url, 'http://x').pathname;

/**
 * Request first byte → response last byte, in ms: HAR `time` minus `connect`, which hopscope charges
 * to the first exchange of a connection (the handshake is before the request's first byte).
 * Equal to timings.send + wait + receive whenever the response starts after the request ends.
 */
export function requestToResponseMs(entry: HarEntry): number {
  return Math.round((entry.time - Math.max(0, entry.timings.connect)) * 1e3) / 1e3;
}

/** One exchange on a connection: client ip:port and the exchange's index on that connection. */
export const exchangeKey = (e: HarEntry): string => `${e._clientIPAddress}:${e._clientPort}#${e._connectionIndex}`;

/** What must not differ between two decodings of the same packets (live and a file of them). */
export function projection(e: HarEntry): string {
  return JSON.stringify([
    e.startedDateTime,
    e.time,
    e.timings,
    `${e._clientIPAddress}:${e._clientPort}`,
    `${e.serverIPAddress}:${e._serverPort}`,
    e._connectionIndex,
    e.request.method,
    e.request.url,
    e.request.bodySize,
    e.response.status,
    e.response.bodySize,
    e.response.content.size,
    e._termination,
  ]);
}

/** `hopscope read FILE --jsonl`: the entries, or a rejection with its stderr. */
export function readCaptureEntries(file: string, timeoutMs = 60_000): Promise<HarEntry[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'read', file, '--jsonl', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`hopscope read ${file} exited with ${code}: ${err.trim()}`));
      else resolve(parseJsonl(Buffer.concat(out).toString('utf8')));
    });
  });
}
