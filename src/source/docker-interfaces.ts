import { listNetInterfaces, SYS_CLASS_NET, type NetInterface, type NetInterfaceKind } from './net-interfaces.js';

export type { NetInterface, NetInterfaceKind } from './net-interfaces.js';

/** One interface and what live capture does with it, with a one-line reason (for `hopscope interfaces`). */
export interface CapturePlanEntry {
  name: string;
  kind: NetInterfaceKind;
  decision: 'capture' | 'skip';
  reason: string;
  /** The bridge a veth belongs to. */
  master?: string;
  operState: string;
}

/** Docker's default bridge. */
export const DOCKER_DEFAULT_BRIDGE = 'docker0';
/** Docker names a user network's bridge br-<first 12 hex digits of the network id>. */
export const DOCKER_NETWORK_BRIDGE_PREFIX = 'br-';

/**
 * Whether a bridge's name is one Docker gives: docker0, or br-… for user-defined (compose) networks.
 * A network created with a custom com.docker.network.bridge.name is not recognised: pass it by name.
 */
export function isDockerBridgeName(name: string): boolean {
  return name === DOCKER_DEFAULT_BRIDGE || name.startsWith(DOCKER_NETWORK_BRIDGE_PREFIX);
}

const KIND_ORDER: Record<NetInterfaceKind, number> = { bridge: 0, veth: 1, device: 2, virtual: 3, loopback: 4 };

/**
 * What live capture should capture on: every Docker bridge (in promiscuous mode a bridge sees the traffic
 * between all containers on it, each packet once), and nothing else. Veths of a captured bridge are
 * skipped because the bridge already sees their traffic (capturing both would see packets twice).
 * Entries come captured first, then by kind (bridge, veth, device, virtual, loopback), then by name.
 */
export function planCapture(interfaces: readonly NetInterface[]): CapturePlanEntry[] {
  const byName = new Map(interfaces.map((i) => [i.name, i]));
  const plan = interfaces.map((i) => planEntry(i, byName));
  return plan.sort(
    (a, b) =>
      (a.decision === b.decision ? 0 : a.decision === 'capture' ? -1 : 1) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

function planEntry(i: NetInterface, byName: ReadonlyMap<string, NetInterface>): CapturePlanEntry {
  const [decision, reason] = decide(i, byName);
  return {
    name: i.name,
    kind: i.kind,
    decision,
    reason,
    ...(i.master === undefined ? {} : { master: i.master }),
    operState: i.operState,
  };
}

function decide(i: NetInterface, byName: ReadonlyMap<string, NetInterface>): ['capture' | 'skip', string] {
  switch (i.kind) {
    case 'bridge': {
      if (!isDockerBridgeName(i.name)) return ['skip', 'bridge not made by Docker (Docker names its bridges docker0 and br-*)'];
      const what = i.name === DOCKER_DEFAULT_BRIDGE ? "Docker's default bridge" : 'Docker network bridge';
      // A bridge with no container attached is down; it is still opened, so containers started later are seen.
      return ['capture', i.operState === 'down' ? `${what} (down: no container attached yet)` : what];
    }
    case 'veth': {
      if (i.master === undefined) return ['skip', 'veth not attached to a bridge'];
      const bridge = byName.get(i.master);
      if (bridge !== undefined && bridge.kind === 'bridge' && isDockerBridgeName(bridge.name)) {
        return ['skip', `member of ${i.master} (the bridge sees its traffic)`];
      }
      return ['skip', `member of ${i.master}, which is not a Docker bridge`];
    }
    case 'loopback':
      return ['skip', 'loopback: traffic of the host itself, not between containers'];
    default:
      return ['skip', 'not a Docker bridge'];
  }
}

/** The interfaces to open for live capture. */
export function captureInterfaces(plan: readonly CapturePlanEntry[]): string[] {
  return plan.filter((e) => e.decision === 'capture').map((e) => e.name);
}

/** Reads /sys/class/net (or `root`) and plans: what `hopscope interfaces` shows. */
export async function discoverCapturePlan(root: string = SYS_CLASS_NET): Promise<CapturePlanEntry[]> {
  return planCapture(await listNetInterfaces(root));
}

/**
 * The plan as aligned text lines, one per interface:
 *   docker0         bridge  capture  Docker's default bridge
 *   veth12ab        veth    skip     member of docker0 (the bridge sees its traffic)
 */
export function formatCapturePlan(plan: readonly CapturePlanEntry[]): string[] {
  const nameWidth = Math.max(0, ...plan.map((e) => e.name.length));
  const kindWidth = Math.max(0, ...plan.map((e) => e.kind.length));
  const decisionWidth = Math.max(0, ...plan.map((e) => e.decision.length));
  return plan.map(
    (e) => `${e.name.padEnd(nameWidth)}  ${e.kind.padEnd(kindWidth)}  ${e.decision.padEnd(decisionWidth)}  ${e.reason}`,
  );
}
