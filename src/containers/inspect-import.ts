import type { ContainerRef } from '../model/container.js';
import type { Timestamp } from '../model/time.js';
import { canonicalAddress, firstHostAddress } from './address-text.js';
import { containerRef, hostRef } from './container-refs.js';
import { parseRfc3339 } from './docker-time.js';
import type { TimelineInterval } from './ip-timeline.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** What one element of an inspect array is. */
export type InspectKind = 'container' | 'network';

/** `docker container inspect` elements have State and NetworkSettings; `docker network inspect` ones IPAM/Driver. */
export function inspectKind(value: unknown): InspectKind | undefined {
  if (!isObject(value)) return undefined;
  if (isObject(value.NetworkSettings) || (isObject(value.State) && isObject(value.Config))) return 'container';
  if ('IPAM' in value || ('Driver' in value && 'Containers' in value) || ('Scope' in value && 'Driver' in value)) return 'network';
  return undefined;
}

function stringLabels(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const labels: Record<string, string> = {};
  for (const [key, label] of Object.entries(value)) if (typeof label === 'string') labels[key] = label;
  return labels;
}

/** Image as the user named it (Config.Image), else Podman's ImageName, else the image id. */
function imageName(container: Json): string | undefined {
  const config = isObject(container.Config) ? container.Config : {};
  return text(config.Image) ?? text(container.ImageName) ?? text(container.Image);
}

export interface ContainerAddresses {
  /** The container's address on each network (IPv4 and IPv6), each with that network's ref. */
  claims: TimelineInterval[];
  /** The networks' gateways: the host's addresses. */
  gateways: string[];
  /** Container id (full). */
  id?: string;
}

/**
 * Addresses of one `docker container inspect` (or Engine API /containers/{id}/json) object: one claim per
 * address per network, from State.StartedAt (the address cannot have been the container's before it
 * started), ended at State.FinishedAt when the container has stopped and still lists an address.
 * `fallbackFrom` is used when StartedAt is missing.
 */
export function containerAddresses(container: unknown, fallbackFrom?: Timestamp): ContainerAddresses {
  const result: ContainerAddresses = { claims: [], gateways: [] };
  if (!isObject(container)) return result;
  const id = text(container.Id) ?? text(container.ID);
  if (id !== undefined) result.id = id;
  const name = text(container.Name) ?? text((Array.isArray(container.Names) ? container.Names : [])[0]) ?? id?.slice(0, 12);
  if (name === undefined) return result;
  const state = isObject(container.State) ? container.State : {};
  const from = parseRfc3339(state.StartedAt) ?? fallbackFrom;
  const stopped = state.Running === false;
  const to = stopped ? parseRfc3339(state.FinishedAt) : undefined;
  const config = isObject(container.Config) ? container.Config : {};
  const labels = stringLabels(config.Labels) ?? stringLabels(container.Labels);
  const image = imageName(container);
  const settings = isObject(container.NetworkSettings) ? container.NetworkSettings : {};
  const networks = isObject(settings.Networks) ? settings.Networks : {};
  for (const [network, raw] of Object.entries(networks)) {
    if (!isObject(raw)) continue;
    const ref = containerRef({ id, name, image, network, labels });
    for (const address of [raw.IPAddress, raw.GlobalIPv6Address]) {
      const ip = typeof address === 'string' ? canonicalAddress(address) : undefined;
      if (ip === undefined) continue;
      const claim: TimelineInterval = { ip, ref };
      if (from !== undefined) claim.from = from;
      if (to !== undefined) claim.to = to;
      result.claims.push(claim);
    }
    for (const gateway of [raw.Gateway, raw.IPv6Gateway]) {
      const ip = typeof gateway === 'string' ? canonicalAddress(gateway) : undefined;
      if (ip !== undefined) result.gateways.push(ip);
    }
  }
  return result;
}

/**
 * Gateways of one network object (`docker network inspect` or Engine API /networks). A bridge network
 * created with --subnet but no --gateway lists none, yet its bridge holds the subnet's first address.
 */
export function networkGateways(network: unknown): string[] {
  if (!isObject(network) || !isObject(network.IPAM)) return [];
  const configs = Array.isArray(network.IPAM.Config) ? network.IPAM.Config : [];
  const bridge = network.Driver === undefined || network.Driver === 'bridge';
  const out: string[] = [];
  for (const config of configs) {
    if (!isObject(config)) continue;
    const ip =
      typeof config.Gateway === 'string' && config.Gateway !== ''
        ? canonicalAddress(config.Gateway)
        : bridge && typeof config.Subnet === 'string'
          ? firstHostAddress(config.Subnet)
          : undefined;
    if (ip !== undefined) out.push(ip);
  }
  return out;
}

/**
 * Claims of one `docker network inspect` object: its Containers map gives name and addresses (no image,
 * labels or times: the claims are unbounded), its IPAM config the gateways.
 */
export function networkAddresses(network: unknown): { claims: TimelineInterval[]; gateways: string[] } {
  const claims: TimelineInterval[] = [];
  if (!isObject(network)) return { claims, gateways: [] };
  const networkName = text(network.Name);
  const containers = isObject(network.Containers) ? network.Containers : {};
  for (const [id, raw] of Object.entries(containers)) {
    if (!isObject(raw)) continue;
    const name = text(raw.Name) ?? id.slice(0, 12);
    const ref: ContainerRef = containerRef({ id: id.startsWith('ep-') ? undefined : id, name, network: networkName });
    for (const address of [raw.IPv4Address, raw.IPv6Address]) {
      const ip = typeof address === 'string' ? canonicalAddress(address) : undefined;
      if (ip !== undefined) claims.push({ ip, ref });
    }
  }
  return { claims, gateways: networkGateways(network) };
}

/** Claims of every element of an inspect array (containers and networks may be mixed). */
export function inspectClaims(elements: readonly unknown[]): { claims: TimelineInterval[]; gateways: string[]; recognised: number } {
  const claims: TimelineInterval[] = [];
  const gateways = new Set<string>();
  let recognised = 0;
  for (const element of elements) {
    const kind = inspectKind(element);
    if (kind === undefined) continue;
    recognised++;
    const found = kind === 'container' ? containerAddresses(element) : networkAddresses(element);
    claims.push(...found.claims);
    for (const gateway of found.gateways) gateways.add(gateway);
  }
  return { claims, gateways: [...gateways], recognised };
}

/** Gateways become host intervals (unbounded: a network's gateway is the host's for the network's life). */
export function hostClaims(gateways: Iterable<string>): TimelineInterval[] {
  return [...gateways].map((ip) => ({ ip, ref: hostRef() }));
}
