/**
 * Who talks to whom in the generated capture: a few services behind nginx or node on a Docker
 * bridge network (172.18.0.0/16), and client containers using common HTTP client libraries.
 */

export type ServerFlavor = 'nginx' | 'express';
export type ClientFlavor = 'axios' | 'undici' | 'go' | 'python-requests';

export interface Service {
  name: string;
  /** Last octet of 172.18.0.x. */
  host: number;
  /** 80 and 8080 so tshark dissects HTTP without "decode as" (hopscope detects by content anyway). */
  port: number;
  flavor: ServerFlavor;
  /** Path noun of its REST API. */
  resource: string;
}

export const SERVICES: readonly Service[] = [
  { name: 'gateway', host: 2, port: 8080, flavor: 'express', resource: 'sessions' },
  { name: 'orders', host: 3, port: 80, flavor: 'nginx', resource: 'orders' },
  { name: 'users', host: 4, port: 8080, flavor: 'express', resource: 'users' },
  { name: 'catalog', host: 5, port: 80, flavor: 'nginx', resource: 'products' },
  { name: 'payments', host: 6, port: 8080, flavor: 'express', resource: 'payments' },
  { name: 'inventory', host: 7, port: 80, flavor: 'nginx', resource: 'stock' },
  { name: 'search', host: 8, port: 8080, flavor: 'express', resource: 'queries' },
  { name: 'auth', host: 9, port: 80, flavor: 'nginx', resource: 'tokens' },
];

export const CLIENT_FLAVORS: readonly ClientFlavor[] = ['axios', 'undici', 'go', 'python-requests'];

/** First client address (172.18.0.20) and how many client containers there are. */
const FIRST_CLIENT_HOST = 20;
const CLIENT_HOSTS = 100;

export interface Pair {
  clientHost: number;
  clientFlavor: ClientFlavor;
  service: Service;
}

/**
 * `count` distinct client→server pairs: client i % 100 talks to services spaced so that the
 * same client never gets the same service twice (for up to 8 pairs per client).
 */
export function makePairs(count: number): Pair[] {
  const pairs: Pair[] = [];
  for (let i = 0; i < count; i++) {
    const client = i % CLIENT_HOSTS;
    const round = Math.floor(i / CLIENT_HOSTS);
    if (round >= SERVICES.length) throw new Error(`at most ${CLIENT_HOSTS * SERVICES.length} pairs`);
    pairs.push({
      clientHost: FIRST_CLIENT_HOST + client,
      clientFlavor: CLIENT_FLAVORS[client % CLIENT_FLAVORS.length],
      service: SERVICES[(client + round * 7) % SERVICES.length],
    });
  }
  return pairs;
}

export function ipv4(host: number): number {
  return ((172 << 24) | (18 << 16) | host) >>> 0;
}

/** Docker derives container MACs from their IPv4 address: 02:42:ac:12:00:xx. */
export function macOf(host: number): Buffer {
  return Buffer.from([0x02, 0x42, 172, 18, 0, host]);
}
