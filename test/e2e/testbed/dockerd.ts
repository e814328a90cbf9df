import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { docker } from './docker-cli.js';
import { TestbedError } from './errors.js';
import { pidAlive } from './pid-alive.js';

export interface EnsureDockerdOptions {
  /** How long to wait for the daemon to answer; default 30 s. */
  timeoutMs?: number;
  /** Where a dockerd started here writes its log; default /tmp/hopscope-dockerd.log. */
  logFile?: string;
}

export interface DockerdStatus {
  /** True when this call started the daemon (it keeps running afterwards, for the next test). */
  started: boolean;
  serverVersion: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serverVersion(): Promise<string | undefined> {
  try {
    return (await docker(['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 })).trim() || undefined;
  } catch (error) {
    if (error instanceof TestbedError && error.code === 'docker-missing') throw error;
    return undefined;
  }
}


/** A dockerd that is already starting (its pid file names a live process) must not be started twice. */
function dockerdStarting(): boolean {
  const pidFile = '/var/run/docker.pid';
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && pidAlive(pid);
}

function startDockerd(logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = openSync(logFile, 'a');
    const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new TestbedError(
          'dockerd-unavailable',
          error.code === 'ENOENT'
            ? 'dockerd is not installed (apt-get install -y docker.io)'
            : `could not start dockerd: ${error.message}`,
        ),
      );
    });
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

function logTail(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Makes sure a Docker daemon answers. Starts one in the background when none runs and we are root;
 * otherwise, or when it does not come up in time, throws a TestbedError that says what to do.
 */
export async function ensureDockerd(options: EnsureDockerdOptions = {}): Promise<DockerdStatus> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const logFile = options.logFile ?? '/tmp/hopscope-dockerd.log';
  const running = await serverVersion();
  if (running) return { started: false, serverVersion: running };

  let started = false;
  if (!dockerdStarting()) {
    if (process.getuid?.() !== 0) {
      throw new TestbedError(
        'dockerd-unavailable',
        'no Docker daemon answers and only root can start one: run `sudo dockerd &` or use a root shell',
      );
    }
    await startDockerd(logFile);
    started = true;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(500);
    const version = await serverVersion();
    if (version) return { started, serverVersion: version };
  }
  throw new TestbedError(
    'dockerd-unavailable',
    `dockerd did not answer within ${timeoutMs} ms; its log (${logFile}) ends with:\n${logTail(logFile)}`,
  );
}
