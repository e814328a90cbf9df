import {
  servicePort,
  waitForTcp,
  type ClientLoopConfig,
  type ContainerHandle,
  type NetworkHandle,
  type Testbed,
} from '../testbed/index.js';
import { clientRequests, loggedRequests, type LoggedRequest } from './logged-requests.js';

/**
 * A small topology for the live tests:
 *
 *   client ─▶ gateway ─┬▶ alpha   (user network; alpha answers gzip, several segments)
 *      │               └▶ beta    (user network; 404 for unknown paths)
 *      └────────────────▶ static  (nginx on docker0: the client is on both networks)
 *
 * The client is created but not started, so that capture can start first.
 */
export interface Shop {
  network: NetworkHandle;
  gateway: ContainerHandle;
  alpha: ContainerHandle;
  beta: ContainerHandle;
  static: ContainerHandle;
  client: ContainerHandle;
  /** Every address of the shop's containers (to pick their exchanges out of a busy host's). */
  ips: string[];
}

export interface ShopOptions {
  count?: number;
  intervalMs?: number;
  /** Default true: the client also talks to nginx on docker0. */
  useDocker0?: boolean;
}

const url = (ip: string, path: string) => `http://${ip}:${servicePort}${path}`;

export async function startShop(testbed: Testbed, suffix: string, options: ShopOptions = {}): Promise<Shop> {
  const network = await testbed.createNetwork(`${suffix}-net`);
  const on = { network: network.name };
  const alpha = await testbed.runHopService(`${suffix}-alpha`, { name: 'alpha', routes: [{ path: '/*', gzip: true, padBytes: 6000 }] }, on);
  const beta = await testbed.runHopService(
    `${suffix}-beta`,
    { name: 'beta', routes: [{ path: '/beta/ok', padBytes: 300 }, { path: '/beta/*', status: 404, body: { error: 'no such thing' } }] },
    on,
  );
  const gzip = { 'accept-encoding': 'gzip' };
  const gateway = await testbed.runHopService(
    `${suffix}-gateway`,
    {
      name: 'gateway',
      routes: [
        { path: '/api/one', calls: [{ url: url(alpha.ip, '/alpha/item'), headers: gzip }], statusFromCalls: true, gzip: true },
        {
          path: '/api/both',
          mode: 'parallel',
          calls: [{ url: url(alpha.ip, '/alpha/list') }, { url: url(beta.ip, '/beta/ok'), keepAlive: false }],
          statusFromCalls: true,
        },
        { path: '/api/missing', calls: [{ url: url(beta.ip, '/beta/gone') }], statusFromCalls: true },
        { path: '/api/echo', method: 'POST', body: { stored: true }, status: 201 },
      ],
    },
    on,
  );
  const useDocker0 = options.useDocker0 !== false;
  const items = JSON.stringify({ items: Array.from({ length: 120 }, (_, id) => ({ id, name: `item ${id}` })) });
  const staticSite = await testbed.runNginx(`${suffix}-static`, { files: { 'items.json': items, 'tiny.txt': 'ok\n' } }, { network: useDocker0 ? 'bridge' : network.name });
  for (const c of [alpha, beta, gateway, staticSite]) await waitForTcp(c.ip, servicePort);

  const requests: ClientLoopConfig['requests'] = [
    { url: url(gateway.ip, '/api/one'), gzip: true },
    { url: url(gateway.ip, '/api/both') },
    { url: url(gateway.ip, '/api/echo'), method: 'POST', body: { order: 17, lines: ['a', 'b', 'c'] } },
    { url: url(gateway.ip, '/api/missing') },
    { url: url(staticSite.ip, '/items.json'), gzip: true },
    { url: url(staticSite.ip, '/tiny.txt') },
  ];
  const client = await testbed.runClientLoop(
    `${suffix}-client`,
    { count: options.count ?? 200, intervalMs: options.intervalMs ?? 15, newConnectionEvery: 9, requests },
    { ...on, extraNetworks: useDocker0 ? ['bridge'] : [], start: false },
  );
  const ips = [alpha, beta, gateway, staticSite].map((c) => c.ip);
  return { network, gateway, alpha, beta, static: staticSite, client, ips };
}

/** The shop client's addresses, once it has started (they are assigned at start). */
export function clientIps(client: ContainerHandle): string[] {
  return Object.values(client.ips).filter((ip) => ip.length > 0);
}

/**
 * Every request made in the shop, from the logs: the client's own log for its requests (nginx logs
 * body bytes with chunk framing, the client after it, as HAR counts them), and alpha's and beta's logs
 * for the gateway's calls. Also checks that the servers the client called logged as many requests.
 */
export async function shopLogs(testbed: Testbed, shop: Shop): Promise<LoggedRequest[]> {
  const names = new Map([
    [shop.gateway.ip, 'gateway'],
    [shop.static.ip, 'static'],
  ]);
  const fromClient = clientRequests(await testbed.jsonLogs(shop.client), names);
  const served = (await testbed.jsonLogs(shop.gateway)).filter((l) => l.method).length + (await testbed.jsonLogs(shop.static)).filter((l) => l.method).length;
  if (served !== fromClient.length) throw new Error(`the client logged ${fromClient.length} requests, gateway and static ${served}`);
  return [
    ...fromClient,
    ...loggedRequests('alpha', shop.alpha.ip, await testbed.jsonLogs(shop.alpha)),
    ...loggedRequests('beta', shop.beta.ip, await testbed.jsonLogs(shop.beta)),
  ];
}
