import type { ContainerHandle } from './container.js';
import type { NetworkHandle } from './network.js';
import type { NginxSite } from './nginx-site.js';
import { servicePort, type ClientRequest, type HopServiceConfig } from './service-config.js';
import type { Testbed } from './testbed.js';
import { waitForTcp } from './wait.js';

/**
 * The demo: a small shop on a user network, a web server on docker0, and a client that talks to both.
 *
 *   client ─▶ gateway ─┬▶ users                  (user network demo-net)
 *      │               └▶ orders ─▶ inventory
 *      └────────────────▶ web                    (default network, docker0)
 *
 * gateway, users and orders are testbed hop services (node); inventory and web are nginx.
 */
export const demoServiceNames = ['inventory', 'users', 'orders', 'gateway', 'web'] as const;
export type DemoServiceName = (typeof demoServiceNames)[number];

export interface DemoTopology {
  network: NetworkHandle;
  services: Record<DemoServiceName, ContainerHandle>;
  /** Created and connected to both networks but not started: start it once capture runs. */
  client: ContainerHandle;
}

export interface DemoOptions {
  /** Requests the client makes; default 100. */
  count?: number;
  /** Pause between the client's requests; default 120 ms. */
  intervalMs?: number;
  /** Subnet of the user network, so addresses stay the same between recordings; default 172.31.240.0/24. */
  subnet?: string;
}

const url = (ip: string, path: string) => `http://${ip}:${servicePort}${path}`;

function inventorySite(): NginxSite {
  const items = Array.from({ length: 40 }, (_, id) => ({ id, sku: `SKU-${1000 + id}`, name: `widget ${id}`, stock: (id * 7) % 23 }));
  return {
    files: {
      'items.json': JSON.stringify({ items }, null, 1),
      'items/7.json': JSON.stringify(items[7]),
      'items/8.json': JSON.stringify(items[8]),
    },
  };
}

function webSite(): NginxSite {
  const lines = Array.from({ length: 600 }, (_, i) => `export const label${i} = 'demo label number ${i}';`);
  return {
    files: {
      'index.html': '<!doctype html>\n<html><head><title>demo</title><script src="/static/app.js"></script></head><body>hopscope demo</body></html>\n',
      'static/app.js': `${lines.join('\n')}\n`,
    },
  };
}

function usersConfig(name: string): HopServiceConfig {
  return {
    name,
    routes: [
      { path: '/users/42', body: { id: 42, name: 'Ada', email: 'ada@example.test', roles: ['admin', 'buyer'] }, gzip: true, padBytes: 600 },
      { path: '/users/slow', delayMs: 200, body: { id: 7, name: 'Slow Sam' } },
      { path: '/users/*', status: 404, body: { error: 'no such user' } },
    ],
  };
}

function ordersConfig(name: string, inventoryIp: string): HopServiceConfig {
  return {
    name,
    routes: [
      // A new connection to inventory for every listing (Connection: close), answered chunked.
      {
        path: '/orders',
        method: 'GET',
        calls: [{ url: url(inventoryIp, '/items.json'), headers: { 'accept-encoding': 'gzip' }, keepAlive: false }],
        statusFromCalls: true,
        chunked: true,
        gzip: true,
      },
      { path: '/orders', method: 'POST', calls: [{ url: url(inventoryIp, '/items/7.json') }], status: 201, body: { order: 1001, state: 'created' } },
      { path: '/orders/fail', status: 500, body: { error: 'database unavailable' } },
      { path: '/orders/ghost', calls: [{ url: url(inventoryIp, '/items/999.json') }], statusFromCalls: true },
    ],
  };
}

function gatewayConfig(name: string, usersIp: string, ordersIp: string): HopServiceConfig {
  const gzip = { 'accept-encoding': 'gzip' };
  return {
    name,
    routes: [
      {
        path: '/api/profile',
        mode: 'parallel',
        calls: [{ url: url(usersIp, '/users/42'), headers: gzip }, { url: url(ordersIp, '/orders'), headers: gzip }],
        statusFromCalls: true,
        gzip: true,
      },
      { path: '/api/slow', calls: [{ url: url(usersIp, '/users/slow') }], statusFromCalls: true },
      {
        path: '/api/orders',
        method: 'POST',
        mode: 'sequential',
        calls: [
          { url: url(usersIp, '/users/42') },
          { url: url(ordersIp, '/orders'), method: 'POST', body: { user: 42, item: 7, quantity: 2 }, gzipBody: true },
        ],
        status: 201,
      },
      { path: '/api/checkout', calls: [{ url: url(ordersIp, '/orders/fail') }], statusFromCalls: true },
      { path: '/api/ghost', calls: [{ url: url(ordersIp, '/orders/ghost') }], statusFromCalls: true },
    ],
  };
}

/** The client's cycle of requests: the shop through the gateway, and the web server directly. */
export function demoClientRequests(gatewayIp: string, webIp: string): ClientRequest[] {
  const gw = (path: string) => url(gatewayIp, path);
  return [
    { url: gw('/api/profile'), gzip: true },
    { url: url(webIp, '/') },
    { url: gw('/api/profile') },
    { url: gw('/api/orders'), method: 'POST', body: { item: 7, quantity: 2 } },
    { url: url(webIp, '/static/app.js'), gzip: true },
    { url: gw('/api/slow') },
    { url: gw('/api/checkout') },
    { url: gw('/api/profile'), gzip: true },
    { url: gw('/api/nope') },
    { url: url(webIp, '/missing') },
    { url: gw('/api/ghost') },
  ];
}

async function createDemoNetwork(testbed: Testbed, subnet: string): Promise<NetworkHandle> {
  try {
    return await testbed.createNetwork('net', subnet);
  } catch {
    // The subnet is taken on this host: let Docker choose (addresses then differ from the committed demo).
    return testbed.createNetwork('net');
  }
}

/** Starts the demo's services, waits until each answers, and creates (without starting) the client. */
export async function setUpDemo(testbed: Testbed, options: DemoOptions = {}): Promise<DemoTopology> {
  const network = await createDemoNetwork(testbed, options.subnet ?? '172.31.240.0/24');
  const on = { network: network.name };
  const name = (service: string) => testbed.nameOf(service);
  // Started in this order so that addresses are the same in every recording.
  const inventory = await testbed.runNginx('inventory', inventorySite(), on);
  const users = await testbed.runHopService('users', usersConfig(name('users')), on);
  const orders = await testbed.runHopService('orders', ordersConfig(name('orders'), inventory.ip), on);
  const gateway = await testbed.runHopService('gateway', gatewayConfig(name('gateway'), users.ip, orders.ip), on);
  const web = await testbed.runNginx('web', webSite(), { network: 'bridge' });
  const services = { inventory, users, orders, gateway, web };
  for (const service of Object.values(services)) await waitForTcp(service.ip, servicePort);

  const client = await testbed.runClientLoop(
    'client',
    {
      name: name('client'),
      count: options.count ?? 100,
      intervalMs: options.intervalMs ?? 120,
      newConnectionEvery: 7,
      requests: demoClientRequests(gateway.ip, web.ip),
    },
    { network: network.name, extraNetworks: ['bridge'], start: false },
  );
  return { network, services, client };
}

/** Every container of the demo, client included, by name. */
export function demoContainers(topology: DemoTopology): ContainerHandle[] {
  return [...demoServiceNames.map((service) => topology.services[service]), topology.client];
}

