import { docker, dockerJson, inspectNetwork, labelArgs, type NetworkHandle, type Testbed } from '../testbed/index.js';

export interface Ipv6Network extends NetworkHandle {
  subnet6: string;
}

/** A dual-stack user network of the testbed's run (teardown removes it): `--ipv6 --subnet <subnet6> --subnet <subnet4>`. */
export async function createIpv6Network(testbed: Testbed, suffix: string, subnet6: string, subnet4: string): Promise<Ipv6Network> {
  const name = testbed.nameOf(suffix);
  await docker(['network', 'create', '--driver', 'bridge', '--ipv6', '--subnet', subnet6, '--subnet', subnet4, ...labelArgs(testbed.runId), name]);
  return { ...(await inspectNetwork(name)), subnet6 };
}

/** A container's global IPv6 address on a network (Docker's inspect; the testbed handle has IPv4 only). */
export async function ipv6Of(container: string, network: string): Promise<string> {
  const [info] = await dockerJson<{ NetworkSettings: { Networks: Record<string, { GlobalIPv6Address?: string }> } }[]>([
    'container',
    'inspect',
    container,
  ]);
  const address = info.NetworkSettings.Networks[network]?.GlobalIPv6Address ?? '';
  if (!address) throw new Error(`${container} has no IPv6 address on ${network}`);
  return address;
}
