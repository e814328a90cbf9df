import { readFileSync } from 'node:fs';

/**
 * Whether a process with this pid exists (EPERM means it exists but belongs to someone else). A zombie
 * (exited, not yet reaped: pid 1 in this sandbox does not reap) counts as gone.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
