import { execFile } from 'node:child_process';
import { TestbedError } from './errors.js';

export interface DockerCallOptions {
  /** Bytes written to the command's stdin (for `docker import -`). */
  input?: Buffer;
  /** Kill the command after this long; default 60 s. */
  timeoutMs?: number;
}

/**
 * Runs the docker CLI and returns its stdout. The CLI (rather than the Engine API) keeps the testbed
 * independent of the code under test, which talks to the API itself.
 */
export async function docker(args: readonly string[], options: DockerCallOptions = {}): Promise<string> {
  return (await dockerOutput(args, options)).stdout;
}

/** Runs the docker CLI and returns stdout and stderr apart (`docker logs` keeps the container's streams apart). */
export function dockerOutput(args: readonly string[], options: DockerCallOptions = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'docker',
      args,
      { maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new TestbedError('docker-missing', 'the docker CLI is not installed (apt-get install -y docker.io)'));
          return;
        }
        const detail = stderr.trim() || error.message;
        reject(new TestbedError('docker-command-failed', `docker ${args.slice(0, 3).join(' ')} … failed: ${detail}`));
      },
    );
    if (options.input) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Runs a docker command whose stdout is JSON (inspect, `--format '{{json .}}'`). */
export async function dockerJson<T>(args: readonly string[], options?: DockerCallOptions): Promise<T> {
  return JSON.parse(await docker(args, options)) as T;
}

/** Lines of a docker command's stdout, without empty ones (ids from `ls -q`, etc.). */
export async function dockerLines(args: readonly string[], options?: DockerCallOptions): Promise<string[]> {
  return (await docker(args, options)).split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
}
