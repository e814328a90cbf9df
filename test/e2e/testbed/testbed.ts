import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  containerLogs,
  jsonLines,
  runContainer,
  type ContainerHandle,
  type RunContainerOptions,
} from './container.js';
import { ensureDockerd, type DockerdStatus } from './dockerd.js';
import { hostToolMounts, nodeBinary, servicesMountPoint } from './host-tools.js';
import { defaultImage, ensureImage } from './image.js';
import { pruneStale, removeRun } from './labels.js';
import { createNetwork, inspectNetwork, type NetworkHandle } from './network.js';
import { nginxCommand, nginxSiteMountPoint, writeNginxSite, type NginxSite } from './nginx-site.js';
import type { ClientLoopConfig, HopServiceConfig } from './service-config.js';

export interface TestbedOptions {
  /** Name prefix of every network and container; default 'hopscope-test'. */
  prefix?: string;
  /**
   * Default false: names are `<prefix>-<run id>-<suffix>`, so concurrent tests never collide. True gives
   * `<prefix>-<suffix>` (the demo, whose names show in its capture).
   */
  plainNames?: boolean;
  image?: string;
  dockerdTimeoutMs?: number;
}

/** Where a service runs: the network it is created on, and others it joins before starting. */
export interface Placement {
  network: string;
  extraNetworks?: string[];
  env?: Record<string, string>;
  /** Default true. */
  start?: boolean;
}

/**
 * One run's containers and networks. Everything it makes is labelled with the run id and this process's
 * pid: teardown() removes the run's objects, and the next Testbed.start() removes what dead runs left.
 */
export class Testbed {
  private readonly tempDirs: string[] = [];

  private constructor(
    readonly runId: string,
    readonly image: string,
    readonly dockerd: DockerdStatus,
    private readonly prefix: string,
    private readonly plainNames: boolean,
  ) {}

  /** Ensures dockerd runs, removes leftovers of dead runs, and ensures the image exists. */
  static async start(options: TestbedOptions = {}): Promise<Testbed> {
    const dockerd = await ensureDockerd({ timeoutMs: options.dockerdTimeoutMs });
    await pruneStale();
    const image = await ensureImage(options.image ?? defaultImage);
    const runId = `${process.pid}-${randomBytes(3).toString('hex')}`;
    return new Testbed(runId, image, dockerd, options.prefix ?? 'hopscope-test', options.plainNames ?? false);
  }

  /** The full name of a network or container of this run. */
  nameOf(suffix: string): string {
    return this.plainNames ? `${this.prefix}-${suffix}` : `${this.prefix}-${this.runId}-${suffix}`;
  }

  createNetwork(suffix: string, subnet?: string): Promise<NetworkHandle> {
    return createNetwork({ name: this.nameOf(suffix), runId: this.runId, subnet });
  }

  /** Docker's default network ('bridge', on docker0). It is not the run's: teardown leaves it. */
  defaultNetwork(): Promise<NetworkHandle> {
    return inspectNetwork('bridge');
  }

  /** Any command in a container with the host's tools mounted. */
  run(suffix: string, options: Omit<RunContainerOptions, 'name' | 'image' | 'runId'>): Promise<ContainerHandle> {
    return runContainer({
      ...options,
      name: this.nameOf(suffix),
      image: this.image,
      runId: this.runId,
      mounts: [...hostToolMounts(), ...(options.mounts ?? [])],
    });
  }

  /** One of the node scripts in services/, run by the host's node. */
  runNode(suffix: string, script: string, placement: Placement): Promise<ContainerHandle> {
    return this.run(suffix, { ...placement, cmd: [nodeBinary(), `${servicesMountPoint}/${script}`] });
  }

  runHopService(suffix: string, config: HopServiceConfig, placement: Placement): Promise<ContainerHandle> {
    const env = { ...placement.env, HOP_CONFIG: JSON.stringify(config) };
    return this.runNode(suffix, 'hop-service.mjs', { ...placement, env });
  }

  runClientLoop(suffix: string, config: ClientLoopConfig, placement: Placement): Promise<ContainerHandle> {
    const env = { ...placement.env, CLIENT_CONFIG: JSON.stringify({ name: suffix, ...config }) };
    return this.runNode(suffix, 'client-loop.mjs', { ...placement, env });
  }

  /** nginx serving the site's files on port 8080 (see nginx-site.ts). */
  runNginx(suffix: string, site: NginxSite, placement: Placement): Promise<ContainerHandle> {
    const dir = mkdtempSync(join(tmpdir(), `hopscope-site-${suffix}-`));
    this.tempDirs.push(dir);
    writeNginxSite(dir, site);
    return this.run(suffix, {
      ...placement,
      cmd: nginxCommand(),
      mounts: [{ host: dir, container: nginxSiteMountPoint, readonly: true }],
    });
  }

  async logs(container: ContainerHandle): Promise<{ stdout: string; stderr: string }> {
    return containerLogs(container.id);
  }

  /** The JSON lines a service or client printed (one per request, see service-config.ts). */
  async jsonLogs(container: ContainerHandle): Promise<Record<string, unknown>[]> {
    return jsonLines((await containerLogs(container.id)).stdout);
  }

  /** Removes every container and network of this run, and the site folders made for nginx. */
  async teardown(): Promise<void> {
    await removeRun(this.runId);
    for (const dir of this.tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
