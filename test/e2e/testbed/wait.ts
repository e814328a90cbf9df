import { connect } from 'node:net';
import { TestbedError } from './errors.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tryConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Waits until something accepts TCP connections at host:port; throws a timeout TestbedError otherwise. */
export async function waitForTcp(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await tryConnect(host, port)) return;
    await sleep(100);
  }
  throw new TestbedError('timeout', `nothing answered on ${host}:${port} within ${timeoutMs} ms`);
}

/** Polls `probe` every 50 ms until it gives a value (not undefined/false); `detail` is added to the timeout message. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000, detail: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail() ? `: ${detail()}` : ''}`);
    await sleep(50);
  }
}
