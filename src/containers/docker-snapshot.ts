import type Docker from 'dockerode';
import type { Timestamp } from '../model/time.js';
import { parseRfc3339, timestampFromSeconds } from './docker-time.js';
import { containerAddresses, hostClaims, networkGateways } from './inspect-import.js';
import type { IpTimeline, TimelineInterval } from './ip-timeline.js';
import type { LedgerMeta } from './ledger.js';

/** What the engine says now: every running container's addresses, the gateways, and the daemon's clock. */
export interface DockerSnapshot {
  /** The daemon's clock when the snapshot started (/info SystemTime): events from then on follow it. */
  time: Timestamp;
  claims: TimelineInterval[];
  gateways: string[];
  engine: NonNullable<LedgerMeta['engine']>;
}

/** Inspections run at once while listing (a host with hundreds of containers stays quick without flooding the daemon). */
const INSPECT_CONCURRENCY = 8;

/** GET /containers/{id}/json, or undefined when the container is gone (404) by the time we ask. */
export async function inspectContainer(docker: Docker, id: string): Promise<unknown> {
  try {
    return await docker.getContainer(id).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

/**
 * Reads the engine's state: /info (clock, version), /version (API version), /networks (gateways), the
 * running containers and an inspection of each (addresses on every network, IPv4 and IPv6, image, labels,
 * start time). Throws what dockerode throws when the API is unreachable.
 */
export async function takeSnapshot(docker: Docker, endpoint: string): Promise<DockerSnapshot> {
  const info = (await docker.info()) as Record<string, unknown>;
  // Podman's compat /info may lack SystemTime: the resolver is an I/O edge, so the wall clock is the fallback.
  const time = parseRfc3339(info.SystemTime) ?? timestampFromSeconds(Date.now() / 1000);
  const engine: DockerSnapshot['engine'] = { endpoint };
  if (typeof info.ServerVersion === 'string') engine.serverVersion = info.ServerVersion;
  if (typeof info.OperatingSystem === 'string') engine.os = info.OperatingSystem;
  try {
    const version = (await docker.version()) as unknown as Record<string, unknown>;
    if (typeof version.ApiVersion === 'string') engine.apiVersion = version.ApiVersion;
  } catch {
    // Informative only.
  }
  const gateways = new Set<string>();
  for (const network of await docker.listNetworks()) for (const gateway of networkGateways(network)) gateways.add(gateway);
  const list = await docker.listContainers();
  const claims: TimelineInterval[] = [];
  for (let i = 0; i < list.length; i += INSPECT_CONCURRENCY) {
    const batch = await Promise.all(list.slice(i, i + INSPECT_CONCURRENCY).map((c) => inspectContainer(docker, c.Id)));
    for (const inspected of batch) {
      if (inspected === undefined) continue;
      const found = containerAddresses(inspected, time);
      claims.push(...found.claims);
      for (const gateway of found.gateways) gateways.add(gateway);
    }
  }
  return { time, claims, gateways: [...gateways], engine };
}

/**
 * Brings the timeline in line with a snapshot. Addresses the snapshot does not confirm are closed: at the
 * owner's State.FinishedAt when `finishedAt` can still tell it (the container exited while we were not
 * listening), else at the snapshot's time. Confirmed and new addresses are opened from their container's
 * start (re-opening an owner that holds the address already changes nothing).
 */
export async function synchronize(
  timeline: IpTimeline,
  snapshot: DockerSnapshot,
  finishedAt: (containerId: string) => Promise<Timestamp | undefined>,
): Promise<void> {
  for (const claim of hostClaims(snapshot.gateways)) timeline.open(claim.ip, claim.ref);
  const confirmed = new Set(snapshot.claims.map((claim) => `${claim.ip} ${claim.ref.id ?? claim.ref.name}@${claim.ref.network ?? ''}`));
  const stale = timeline
    .openIntervals()
    .filter((i) => i.ref.kind === 'container' && !confirmed.has(`${i.ip} ${i.ref.id ?? i.ref.name}@${i.ref.network ?? ''}`));
  const ends = new Map<string, Timestamp | undefined>();
  for (const interval of stale) {
    const id = interval.ref.id;
    if (id !== undefined && !ends.has(id)) ends.set(id, await finishedAt(id));
    const end = id === undefined ? undefined : ends.get(id);
    const usable = end !== undefined && (interval.from === undefined || later(end, interval.from)) && later(snapshot.time, end);
    timeline.close(interval.ip, interval.ref, usable ? end : snapshot.time);
  }
  const ordered = [...snapshot.claims].sort((a, b) => (a.from === undefined ? -1 : b.from === undefined ? 1 : a.from.sec - b.from.sec || a.from.nsec - b.from.nsec));
  for (const claim of ordered) timeline.open(claim.ip, claim.ref, claim.from);
}

function later(a: Timestamp, b: Timestamp): boolean {
  return a.sec > b.sec || (a.sec === b.sec && a.nsec > b.nsec);
}

/** State.FinishedAt of a container that is no longer running, via inspection; undefined when unknown. */
export async function containerFinishedAt(docker: Docker, id: string): Promise<Timestamp | undefined> {
  try {
    // A running container (restarted meanwhile) still reports when its previous run finished.
    const inspected = (await inspectContainer(docker, id)) as { State?: { FinishedAt?: string } } | undefined;
    return parseRfc3339(inspected?.State?.FinishedAt);
  } catch {
    return undefined;
  }
}
