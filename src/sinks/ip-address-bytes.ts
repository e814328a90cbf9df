import { isIPv4, isIPv6 } from 'node:net';

/**
 * The 4 (IPv4) or 16 (IPv6) network-order bytes of a printable address, or undefined when the text is
 * not an address. Accepts what decode/ and source/ print (dotted quads, RFC 5952, ::ffff:a.b.c.d) and
 * any other valid form; an IPv6 zone ("%eth0") is dropped, since a name record cannot carry one.
 */
export function ipAddressBytes(text: string): Uint8Array | undefined {
  if (isIPv4(text)) return ipv4Bytes(text);
  const zone = text.indexOf('%');
  const bare = zone < 0 ? text : text.slice(0, zone);
  return isIPv6(bare) ? ipv6Bytes(bare) : undefined;
}

function ipv4Bytes(text: string): Uint8Array {
  const out = new Uint8Array(4);
  const parts = text.split('.');
  for (let i = 0; i < 4; i++) out[i] = Number(parts[i]);
  return out;
}

/** `text` is known valid (node:net said so), which keeps this parser short. */
function ipv6Bytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let groups: number[];
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let head = text;
  let v4: Uint8Array | undefined;
  if (tail.includes('.')) {
    v4 = ipv4Bytes(tail);
    head = text.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::", "a::1.2.3.4" leaves "a::", "a:b:…:1.2.3.4" leaves a trailing ':' to drop.
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const width = v4 === undefined ? 8 : 6;
  const gap = head.indexOf('::');
  if (gap < 0) {
    groups = head.split(':').map((g) => parseInt(g, 16));
  } else {
    const left = head.slice(0, gap);
    const right = head.slice(gap + 2);
    const l = left === '' ? [] : left.split(':').map((g) => parseInt(g, 16));
    const r = right === '' ? [] : right.split(':').map((g) => parseInt(g, 16));
    groups = [...l, ...new Array<number>(width - l.length - r.length).fill(0), ...r];
  }
  for (let i = 0; i < width; i++) {
    out[2 * i] = groups[i] >>> 8;
    out[2 * i + 1] = groups[i] & 0xff;
  }
  if (v4 !== undefined) out.set(v4, 12);
  return out;
}
