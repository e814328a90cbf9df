import { readdir, readFile, readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HopscopeError } from '../model/errors.js';

/** Where Linux lists network interfaces (each entry a symlink to the device's sysfs directory). */
export const SYS_CLASS_NET = '/sys/class/net';

/**
 * What an interface is, as far as choosing capture devices goes:
 * bridge (a Linux bridge), veth (one end of a virtual Ethernet pair: a container's host side),
 * loopback, device (hardware), virtual (any other software device: dummy, tun, vlan, vxlan, ifb…).
 */
export type NetInterfaceKind = 'bridge' | 'veth' | 'loopback' | 'device' | 'virtual';

export interface NetInterface {
  name: string;
  kind: NetInterfaceKind;
  ifindex: number;
  /** The interface this one is enslaved to (its bridge), from /sys/class/net/<name>/master. */
  master?: string;
  /** /sys/class/net/<name>/operstate: up, down, unknown, lowerlayerdown… */
  operState: string;
}

const ARPHRD_LOOPBACK = 772;

/**
 * Reads every interface of this network namespace from sysfs (no netlink, no Docker API needed),
 * sorted by name. An interface that vanishes while it is being read is left out. Throws
 * HopscopeError when the directory itself cannot be read (not Linux, or sysfs not mounted).
 */
export async function listNetInterfaces(root: string = SYS_CLASS_NET): Promise<NetInterface[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new HopscopeError(
      'file-unreadable',
      `${root}: cannot list network interfaces (${detail}); live capture needs Linux with sysfs mounted`,
    );
  }
  const found = await Promise.all(names.map((name) => readNetInterface(root, name)));
  return found.filter((i): i is NetInterface => i !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One interface, or undefined when it is gone (or unreadable) by the time it is read. */
async function readNetInterface(root: string, name: string): Promise<NetInterface | undefined> {
  const dir = join(root, name);
  try {
    const [entries, target, type, ifindex, iflink, operState] = await Promise.all([
      readdir(dir),
      readlink(dir).catch(() => ''),
      readText(join(dir, 'type')),
      readText(join(dir, 'ifindex')),
      readText(join(dir, 'iflink')),
      readText(join(dir, 'operstate')),
    ]);
    const master = entries.includes('master') ? basename(await readlink(join(dir, 'master'))) : undefined;
    const kind = classify(name, entries, target, Number(type), Number(ifindex), Number(iflink));
    return { name, kind, ifindex: Number(ifindex), ...(master === undefined ? {} : { master }), operState };
  } catch {
    return undefined;
  }
}

async function readText(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}

/**
 * sysfs has no "veth" marker (no DEVTYPE in uevent, no driver link for virtual devices), so a veth is
 * recognised as Docker names them (veth…), or as a software device whose iflink points at another
 * interface (its peer) while it has no lower device (which vlan/macvlan/ipvlan have) and is no tun/tap.
 */
function classify(name: string, entries: readonly string[], target: string, type: number, ifindex: number, iflink: number): NetInterfaceKind {
  if (type === ARPHRD_LOOPBACK) return 'loopback';
  if (entries.includes('bridge')) return 'bridge';
  const isVirtual = target === '' || target.includes('/virtual/');
  if (!isVirtual) return 'device';
  if (name.startsWith('veth')) return 'veth';
  const hasLower = entries.some((e) => e.startsWith('lower_'));
  if (type === 1 && iflink !== ifindex && iflink !== 0 && !hasLower && !entries.includes('tun_flags')) return 'veth';
  return 'virtual';
}
