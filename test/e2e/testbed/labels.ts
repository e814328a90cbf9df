import { docker, dockerLines } from './docker-cli.js';
import { pidAlive } from './pid-alive.js';

/** Every object the testbed creates carries these labels, so a later run can find what a crashed one left. */
export const testbedLabel = 'hopscope.testbed';
export const runLabel = 'hopscope.testbed.run';
export const pidLabel = 'hopscope.testbed.pid';

/** `--label` arguments for an object owned by this process and run. */
export function labelArgs(runId: string, extra: Record<string, string> = {}): string[] {
  const labels: Record<string, string> = { [testbedLabel]: '1', [runLabel]: runId, [pidLabel]: String(process.pid), ...extra };
  return Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
}


interface Owned {
  id: string;
  pid: number;
}

async function owned(kind: 'container' | 'network', filter: string): Promise<Owned[]> {
  const list = kind === 'container' ? ['ps', '-a'] : ['network', 'ls'];
  const lines = await dockerLines([...list, '--filter', `label=${filter}`, '--format', `{{.ID}} {{.Label "${pidLabel}"}}`]);
  return lines.map((line) => {
    const [id, pid] = line.split(' ');
    return { id, pid: Number(pid) };
  });
}

async function removeAll(containers: string[], networks: string[]): Promise<void> {
  // Containers first: a network cannot be removed while something is attached to it.
  if (containers.length > 0) await docker(['rm', '-f', '-v', ...containers]);
  for (const network of networks) {
    await docker(['network', 'rm', network]).catch(() => undefined);
  }
}

/** Removes every container and network of one run. */
export async function removeRun(runId: string): Promise<void> {
  const containers = await owned('container', `${runLabel}=${runId}`);
  const networks = await owned('network', `${runLabel}=${runId}`);
  await removeAll(
    containers.map((c) => c.id),
    networks.map((n) => n.id),
  );
}

/**
 * Removes what runs whose process is gone left behind (a crash, a killed test). Objects of live
 * processes are left alone: tests run concurrently.
 */
export async function pruneStale(): Promise<{ containers: number; networks: number }> {
  const stale = (list: Owned[]) => list.filter((o) => !(o.pid > 0 && pidAlive(o.pid))).map((o) => o.id);
  const containers = stale(await owned('container', testbedLabel));
  const networks = stale(await owned('network', testbedLabel));
  await removeAll(containers, networks);
  return { containers: containers.length, networks: networks.length };
}
