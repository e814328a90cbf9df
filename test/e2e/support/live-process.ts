import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { repoRoot } from '../../support/paths.js';
import { waitForCapture } from './packet-sockets.js';

/** The built CLI the end-to-end tests run (npm test builds it first). */
export const cliPath = resolve(repoRoot, 'dist', 'cli.js');

/** The line `hopscope live` prints on stderr when it stops. */
export interface LiveSummaryLine {
  packets: number;
  interfaces: number;
  kernelDrops: number;
  queueDrops: number;
  exchanges: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether stderr has hopscope's "capturing on a, b" or "now also capturing on b" note naming the interface. */
function announces(stderr: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`capturing on (?:[^\n]*[ ,])?${escaped}(?:[ ,\n]|$)`, 'm').test(stderr);
}

const SUMMARY =
  /hopscope: (\d+) packets? on (\d+) interfaces?, (\d+) dropped by the kernel, (\d+) dropped in (?:the )?queue, (\d+) exchanges?/;

/** The stop line in a stderr text, or undefined when there is none. */
export function parseSummaryLine(stderr: string): LiveSummaryLine | undefined {
  const m = SUMMARY.exec(stderr);
  if (!m) return undefined;
  return { packets: Number(m[1]), interfaces: Number(m[2]), kernelDrops: Number(m[3]), queueDrops: Number(m[4]), exchanges: Number(m[5]) };
}

export interface LiveResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  summary: LiveSummaryLine | undefined;
}

/** A running `hopscope live` (or any CLI command) child process with its output collected. */
export interface CliProcess {
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /**
   * Resolves once the process captures on these interfaces (a packet socket on each, and hopscope's
   * note saying so); rejects if it exits first or on timeout. Needs the notes: not with --quiet.
   */
  capturing(interfaces: string[], timeoutMs?: number): Promise<void>;
  /** Sends a signal (SIGINT by default) and waits for the exit; SIGKILL after timeoutMs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<LiveResult>;
  signal(signal: NodeJS.Signals): void;
  /** For finally blocks: SIGKILL if still running. */
  kill(): void;
}

/** Starts `node dist/cli.js <args>` with stdout and stderr collected in memory. */
export function startCli(args: string[]): CliProcess {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, stdio: 'pipe' });
  child.stdin.end();
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (err += text));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
    child.once('error', () => done({ code: null, signal: null }));
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const stdout = () => Buffer.concat(out).toString('utf8');

  const stop = async (signal: NodeJS.Signals = 'SIGINT', timeoutMs = 20_000): Promise<LiveResult> => {
    if (running()) child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const { code, signal: by } = await exit;
    clearTimeout(killer);
    // 'exit' can come before the pipes are drained.
    await Promise.all([streamEnd(child.stdout), streamEnd(child.stderr)]);
    return { code, signal: by, stdout: stdout(), stderr: err, summary: parseSummaryLine(err) };
  };

  return {
    pid: child.pid ?? -1,
    stdout,
    stderr: () => err,
    async capturing(interfaces, timeoutMs = 15_000) {
      const exited = exit.then(({ code, signal }) => {
        throw new Error(`hopscope ${args.join(' ')} exited (${code ?? signal}) before capturing: ${err.trim()}`);
      });
      exited.catch(() => undefined);
      // The kernel's view (a packet socket bound to each interface) appears at bind time, before
      // libpcap has set up its ring; hopscope's own note comes once the device is active.
      const announced = (async () => {
        const deadline = Date.now() + timeoutMs;
        while (!interfaces.every((name) => announces(err, name))) {
          if (Date.now() > deadline) throw new Error(`hopscope did not say it captures on ${interfaces.join(', ')} in ${timeoutMs} ms: ${err.trim()}`);
          await sleep(50);
        }
      })();
      announced.catch(() => undefined);
      await Promise.race([Promise.all([waitForCapture(child.pid ?? -1, interfaces, timeoutMs), announced]), exited]);
    },
    stop,
    signal: (signal) => {
      if (running()) child.kill(signal);
    },
    kill: () => {
      if (running()) child.kill('SIGKILL');
    },
  };
}

function streamEnd(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((done) => {
    if ((stream as { readableEnded?: boolean }).readableEnded) done();
    else {
      stream.once('end', done);
      stream.once('close', done);
    }
  });
}
