import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { request, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame } from '../../../src/model/frame.js';
import { isLiveCaptureAvailable } from '../../../src/source/live/index.js';
import { skipUnless } from '../../support/paths.js';

export const isRoot = process.getuid?.() === 0;
export const addonBuilt = isLiveCaptureAvailable();
/** Live tests need root and the built addon; under CI=true they run (and fail) without them. */
export const needsLive = skipUnless(isRoot && addonBuilt, 'live capture tests need root and the addon (npm run build:native)');

/** An HTTP server on 127.0.0.1 that answers every request with a small body. */
export async function startServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.resume();
    res.setHeader('content-type', 'text/plain');
    res.end(`hello ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** GET on a fresh connection (no keep-alive), resolving with the response body. */
export function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The Ethernet/IPv4/TCP view of a loopback frame, or undefined for anything else. */
export interface TcpView {
  ipTotalLength: number;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

export function tcpOf(frame: Frame): TcpView | undefined {
  const d = frame.data;
  if (frame.linkType !== 1 || d.length < 34 || d[12] !== 0x08 || d[13] !== 0x00) return undefined;
  const ihl = (d[14] & 0x0f) * 4;
  if (d[23] !== 6) return undefined;
  const ipTotalLength = (d[16] << 8) | d[17];
  const tcp = 14 + ihl;
  const dataOffset = (d[tcp + 12] >> 4) * 4;
  return {
    ipTotalLength,
    srcPort: (d[tcp] << 8) | d[tcp + 1],
    dstPort: (d[tcp + 2] << 8) | d[tcp + 3],
    payload: d.subarray(tcp + dataOffset, 14 + ipTotalLength),
  };
}

export function textOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition` holds, polling every 10 ms, failing after `ms`. */
export async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const until = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
