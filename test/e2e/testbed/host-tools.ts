import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A bind mount: host path → container path. */
export interface Mount {
  host: string;
  container: string;
  readonly?: boolean;
}

/** The testbed's node services (plain .mjs) on the host, and where containers see them. */
export const servicesDir = resolve(dirname(fileURLToPath(import.meta.url)), 'services');
export const servicesMountPoint = '/testbed/services';

/** The host's node binary; containers run it at the same path. */
export function nodeBinary(): string {
  return realpathSync(process.execPath);
}

/**
 * Mounts that give a container the host's programs (node, nginx, curl, wrk, dumpcap): /usr read-only,
 * plus node's own folder when node lives elsewhere (nvm under /root, /opt).
 */
export function hostToolMounts(): Mount[] {
  const mounts: Mount[] = [{ host: '/usr', container: '/usr', readonly: true }];
  const nodeDir = dirname(nodeBinary());
  if (!nodeDir.startsWith('/usr/')) mounts.push({ host: nodeDir, container: nodeDir, readonly: true });
  mounts.push({ host: servicesDir, container: servicesMountPoint, readonly: true });
  return mounts;
}
