import { docker, dockerJson, dockerOutput } from './docker-cli.js';
import { TestbedError } from './errors.js';
import type { Mount } from './host-tools.js';
import { labelArgs } from './labels.js';

export interface RunContainerOptions {
  name: string;
  image: string;
  runId: string;
  /** The network the container is created on ('bridge' is docker0). */
  network: string;
  /** Further networks it is connected to before it starts (a client that talks across networks). */
  extraNetworks?: string[];
  cmd: string[];
  env?: Record<string, string>;
  mounts?: Mount[];
  labels?: Record<string, string>;
  /** Default: the container's name, so logs that print the host name name the service. */
  hostname?: string;
  /** Default true. False creates and connects it only: start it later with startContainer. */
  start?: boolean;
}

export interface ContainerHandle {
  id: string;
  name: string;
  /** The network it was created on. */
  network: string;
  /** IPv4 address on that network (empty until it has started). */
  ip: string;
  /** IPv4 address per network name. */
  ips: Record<string, string>;
}

interface ContainerInspect {
  Id: string;
  Name: string;
  State: { Status: string; ExitCode: number };
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
}

async function handleFor(name: string, network: string): Promise<ContainerHandle> {
  const [info] = await dockerJson<ContainerInspect[]>(['container', 'inspect', name]);
  const ips: Record<string, string> = {};
  for (const [net, settings] of Object.entries(info.NetworkSettings.Networks ?? {})) ips[net] = settings.IPAddress;
  return { id: info.Id, name: info.Name.replace(/^\//, ''), network, ip: ips[network] ?? '', ips };
}

/** Creates (and by default starts) a labelled container; returns its id, name and addresses. */
export async function runContainer(options: RunContainerOptions): Promise<ContainerHandle> {
  const args = ['create', '--name', options.name, '--hostname', options.hostname ?? options.name];
  args.push('--network', options.network, ...labelArgs(options.runId, options.labels));
  for (const [key, value] of Object.entries(options.env ?? {})) args.push('--env', `${key}=${value}`);
  for (const m of options.mounts ?? []) args.push('--volume', `${m.host}:${m.container}${m.readonly ? ':ro' : ''}`);
  await docker([...args, options.image, ...options.cmd]);
  // API 1.41 creates a container on one network; the others are connected before it starts.
  for (const network of options.extraNetworks ?? []) await docker(['network', 'connect', network, options.name]);
  if (options.start !== false) await docker(['start', options.name]);
  return handleFor(options.name, options.network);
}

/** Starts a container made with `start: false`; returns its handle with the addresses it now has. */
export async function startContainer(container: ContainerHandle): Promise<ContainerHandle> {
  await docker(['start', container.name]);
  return handleFor(container.name, container.network);
}

/** The container's stdout and stderr so far (complete once it has exited). */
export async function containerLogs(nameOrId: string): Promise<{ stdout: string; stderr: string }> {
  return dockerOutput(['logs', nameOrId]);
}

/** Parses the JSON lines of a log, skipping lines that are not JSON objects (nginx warnings, etc.). */
export function jsonLines(text: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      records.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A line cut by a crash: not a record.
    }
  }
  return records;
}

/** Waits for a container to exit and returns its exit code. */
export async function waitForExit(nameOrId: string, timeoutMs = 60_000): Promise<number> {
  try {
    return Number((await docker(['wait', nameOrId], { timeoutMs })).trim());
  } catch (error) {
    if (error instanceof TestbedError && error.code === 'docker-command-failed') {
      const [info] = await dockerJson<ContainerInspect[]>(['container', 'inspect', nameOrId]);
      if (info.State.Status === 'exited') return info.State.ExitCode;
      throw new TestbedError('timeout', `container ${nameOrId} did not exit within ${timeoutMs} ms`);
    }
    throw error;
  }
}

/** Stops containers (SIGTERM, then SIGKILL after timeoutS), all at once. */
export async function stopContainers(namesOrIds: string[], timeoutS = 3): Promise<void> {
  if (namesOrIds.length > 0) await docker(['stop', '--time', String(timeoutS), ...namesOrIds]);
}

/** `docker inspect` of containers, as Docker prints it (an array of objects). */
export async function inspectContainers(namesOrIds: string[]): Promise<unknown[]> {
  return namesOrIds.length === 0 ? [] : dockerJson<unknown[]>(['container', 'inspect', ...namesOrIds]);
}
