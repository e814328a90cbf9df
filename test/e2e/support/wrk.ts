import { docker, waitForExit, type ContainerHandle, type Testbed } from '../testbed/index.js';

export interface WrkOptions {
  threads?: number;
  connections?: number;
  seconds: number;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  /** Non-2xx/3xx answers and socket errors, as wrk counts them. */
  errors: number;
  output: string;
}

/** wrk's final report: "N requests in 10.00s, …", "Non-2xx or 3xx responses: N", "Socket errors: …". */
export function parseWrk(output: string): WrkResult {
  const done = /(\d+) requests in ([\d.]+)(m?s)/.exec(output);
  if (!done) throw new Error(`no wrk report in: ${output.trim()}`);
  const requests = Number(done[1]);
  const seconds = Number(done[2]) / (done[3] === 'ms' ? 1000 : 1);
  let errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  if (socket) errors += Number(socket[1]) + Number(socket[2]) + Number(socket[3]) + Number(socket[4]);
  return { requests, seconds, requestsPerSecond: requests / seconds, errors, output };
}

/** Creates (not starts) a container that runs the host's wrk against url. */
export function createWrk(testbed: Testbed, suffix: string, network: string, url: string, options: WrkOptions): Promise<ContainerHandle> {
  const cmd = ['/usr/bin/wrk', '-t', String(options.threads ?? 2), '-c', String(options.connections ?? 32), '-d', `${options.seconds}s`, url];
  return testbed.run(suffix, { network, cmd, start: false });
}

/** Starts a wrk container made by createWrk and waits for its report. */
export async function runWrk(testbed: Testbed, wrk: ContainerHandle, seconds: number): Promise<WrkResult> {
  await docker(['start', wrk.name]);
  const code = await waitForExit(wrk.id, (seconds + 30) * 1000);
  const { stdout, stderr } = await testbed.logs(wrk);
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${stderr.trim() || stdout.trim()}`);
  return parseWrk(stdout);
}
