import { isIPv4, isIPv6 } from 'node:net';
import { formatIpv6 } from '../decode/address-format.js';

/**
 * The text decode/ gives a packet's address, for an address as Docker, Podman or a saved ledger writes it
 * ("172.17.0.2", "172.17.0.2/16", "FD00:0:0::2/64"): the timeline keys on the same strings the packets
 * carry, so lookups are one Map.get. undefined for an empty or malformed address.
 */
export function canonicalAddress(text: string): string | undefined {
  const slash = text.indexOf('/');
  const bare = (slash < 0 ? text : text.slice(0, slash)).trim();
  if (bare.length === 0) return undefined;
  if (isIPv4(bare)) return bare.split('.').map(Number).join('.');
  const zone = bare.indexOf('%');
  const v6 = zone < 0 ? bare : bare.slice(0, zone);
  if (!isIPv6(v6)) return undefined;
  return formatIpv6(ipv6Bytes(v6), 0);
}

/**
 * The first host address of a subnet ("172.31.9.0/24" → "172.31.9.1", "fd00:9::/64" → "fd00:9::1"): the
 * gateway Docker gives a bridge network whose IPAM config names none. undefined when not a subnet.
 */
export function firstHostAddress(subnet: string): string | undefined {
  const slash = subnet.indexOf('/');
  if (slash < 0) return undefined;
  const base = subnet.slice(0, slash).trim();
  const prefix = Number(subnet.slice(slash + 1));
  const v4 = isIPv4(base);
  if (!v4 && !isIPv6(base)) return undefined;
  const bytes = v4 ? Uint8Array.from(base.split('.').map(Number)) : ipv6Bytes(base);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix >= bytes.length * 8 - 1) return undefined;
  for (let bit = prefix; bit < bytes.length * 8; bit++) bytes[bit >> 3] &= ~(0x80 >> (bit & 7));
  bytes[bytes.length - 1] |= 1;
  return v4 ? Array.from(bytes).join('.') : formatIpv6(bytes, 0);
}

/** The 16 bytes of a valid IPv6 address text (node:net has validated it). */
function ipv6Bytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let head = text;
  let tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) > 0) {
    tailV4 = text.slice(lastColon + 1).split('.').map(Number);
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = left.length > 0 ? left.split(':') : [];
  const rightGroups = right === undefined || right.length === 0 ? [] : right.split(':');
  const groups = [...leftGroups, ...new Array<string>(8 - leftGroups.length - rightGroups.length).fill('0'), ...rightGroups];
  for (let i = 0; i < 8; i++) {
    const value = parseInt(groups[i], 16);
    out[2 * i] = value >> 8;
    out[2 * i + 1] = value & 0xff;
  }
  if (tailV4.length === 4) out.set(tailV4, 12);
  return out;
}
