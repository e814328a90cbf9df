import { docker, dockerJson } from './docker-cli.js';
import { labelArgs } from './labels.js';

export interface NetworkHandle {
  id: string;
  name: string;
  /** The host's bridge interface: `br-<12 hex>` for user networks, `docker0` for the default one. */
  bridge: string;
  subnet: string;
  gateway: string;
}

interface NetworkInspect {
  Id: string;
  Name: string;
  Options?: Record<string, string>;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] };
}

export async function inspectNetwork(nameOrId: string): Promise<NetworkHandle> {
  const [info] = await dockerJson<NetworkInspect[]>(['network', 'inspect', nameOrId]);
  const ipv4 = (info.IPAM?.Config ?? []).find((c) => c.Subnet && !c.Subnet.includes(':')) ?? {};
  return {
    id: info.Id,
    name: info.Name,
    bridge: info.Options?.['com.docker.network.bridge.name'] ?? `br-${info.Id.slice(0, 12)}`,
    subnet: ipv4.Subnet ?? '',
    gateway: ipv4.Gateway ?? '',
  };
}

export interface CreateNetworkOptions {
  name: string;
  runId: string;
  /** e.g. 172.30.77.0/24; Docker picks a free one when absent. */
  subnet?: string;
}

/** Creates a user-defined bridge network, labelled as the run's. */
export async function createNetwork(options: CreateNetworkOptions): Promise<NetworkHandle> {
  const args = ['network', 'create', '--driver', 'bridge', ...labelArgs(options.runId)];
  if (options.subnet) args.push('--subnet', options.subnet);
  await docker([...args, options.name]);
  return inspectNetwork(options.name);
}

export async function removeNetwork(nameOrId: string): Promise<void> {
  await docker(['network', 'rm', nameOrId]);
}
