import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exchange } from '../../../src/model/exchange.js';
import { runCapture } from '../../support/run-capture.js';
import { servicePort, startCapture, startContainer, Testbed, waitForExit, waitForTcp, type ContainerHandle, type HopServiceConfig } from '../testbed/index.js';

/**
 * Request trees under concurrent load, for the trace stage's end-to-end test and the benchmark:
 * `clients` client loops send back to back (so about `clients` requests are in flight at the gateway),
 * the gateway fans out in parallel or calls in sequence, orders calls inventory, the leaves are slow
 * enough that requests overlap. Each hop service keeps at most 4 sockets per downstream (its agent), so
 * calls also queue for a connection, as they do in real services. Everything is captured on the
 * network's bridge and decoded by the offline pipeline.
 */
export interface TraceScenarioOptions {
  clients?: number;
  requestsPerClient?: number;
  /** Keep the capture at this path (default: a temporary file, removed). */
  captureFile?: string;
  /**
   * Services and clients propagate traceparent and x-request-id under header names with this prefix
   * (the logs, the ground truth, are unchanged): no trace headers on the wire.
   */
  headerPrefix?: string;
  /** Runs alongside the capture (a live hopscope): started before the clients, stopped after their last FINs. */
  observer?: ScenarioObserver;
}

export interface ScenarioObserver {
  start(network: { bridge: string; subnet: string }): Promise<void>;
  stop(): Promise<void>;
}

export interface TraceScenarioRun {
  exchanges: Exchange[];
  /** Every JSON line the clients and services printed (the ground truth of who called whom). */
  logs: Array<Record<string, unknown>>;
  /** Client loops that did not exit 0. */
  failedClients: number;
}

const url = (ip: string, path: string) => `http://${ip}:${servicePort}${path}`;

export async function runTraceScenario(testbed: Testbed, options: TraceScenarioOptions = {}): Promise<TraceScenarioRun> {
  const clients = options.clients ?? 16;
  const count = options.requestsPerClient ?? 30;
  const network = await testbed.createNetwork('traces');
  const on = { network: network.name };
  const prefix = options.headerPrefix === undefined ? {} : { headerPrefix: options.headerPrefix };
  const leaf = (name: string, delayMs: number): HopServiceConfig => ({ name, ...prefix, routes: [{ path: '/*', delayMs, body: { name } }] });
  const inventory = await testbed.runHopService('inventory', leaf('inventory', 15), on);
  const users = await testbed.runHopService('users', leaf('users', 10), on);
  const orders = await testbed.runHopService(
    'orders',
    { name: 'orders', ...prefix, routes: [{ path: '/orders*', calls: [{ url: url(inventory.ip, '/stock') }], delayMs: 2, statusFromCalls: true }] },
    on,
  );
  const gateway = await testbed.runHopService(
    'gateway',
    {
      name: 'gateway',
      ...prefix,
      routes: [
        { path: '/fan', mode: 'parallel', calls: [{ url: url(users.ip, '/users/1') }, { url: url(orders.ip, '/orders') }], statusFromCalls: true },
        { path: '/seq', mode: 'sequential', calls: [{ url: url(users.ip, '/users/2') }, { url: url(orders.ip, '/orders/2') }, { url: url(users.ip, '/users/3') }], statusFromCalls: true },
        { path: '/one', calls: [{ url: url(orders.ip, '/orders/one'), keepAlive: false }], statusFromCalls: true },
      ],
    },
    on,
  );
  const services: ContainerHandle[] = [inventory, users, orders, gateway];
  for (const service of services) await waitForTcp(service.ip, servicePort);

  const dir = mkdtempSync(join(tmpdir(), 'hopscope-traces-'));
  const file = options.captureFile ?? join(dir, 'traces.pcapng');
  try {
    const capture = await startCapture({ interfaces: [network.bridge], file });
    await options.observer?.start({ bridge: network.bridge, subnet: network.subnet });
    const loops: ContainerHandle[] = [];
    for (let i = 0; i < clients; i++) {
      const requests = [{ url: url(gateway.ip, '/fan') }, { url: url(gateway.ip, '/seq') }, { url: url(gateway.ip, '/one') }];
      // Each client starts at a different point of the cycle so that different routes overlap.
      const rotated = [...requests.slice(i % 3), ...requests.slice(0, i % 3)];
      loops.push(await testbed.runClientLoop(`client${i}`, { count, intervalMs: 0, newConnectionEvery: 5, requests: rotated, ...prefix }, { ...on, start: false }));
    }
    // Started together (one `docker start` each, at once), so that the loops overlap.
    await Promise.all(loops.map((loop) => startContainer(loop)));
    let failedClients = 0;
    for (const loop of loops) if ((await waitForExit(loop.id, 120_000)) !== 0) failedClients++;
    // Let the last FINs reach the capture.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await options.observer?.stop();
    await capture.stop();
    const logs: Array<Record<string, unknown>> = [];
    for (const container of [...services, ...loops]) logs.push(...(await testbed.jsonLogs(container)));
    const { exchanges } = await runCapture(file);
    return { exchanges, logs, failedClients };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
