import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { skipUnless } from '../support/paths.js';
import {
  dockerLines,
  runLabel,
  servicePort,
  Testbed,
  waitForExit,
  waitForTcp,
  type ClientLogLine,
  type ClientSummary,
  type ContainerHandle,
  type HopLogLine,
  type NetworkHandle,
} from './testbed/index.js';

const installed = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
const hasDockerAndRoot = process.getuid?.() === 0 && installed('docker') && installed('dockerd');

describe('docker testbed', { skip: skipUnless(hasDockerAndRoot, 'needs root and docker'), timeout: 90_000 }, () => {
  let testbed: Testbed;
  let network: NetworkHandle;

  before(async () => {
    testbed = await Testbed.start();
    network = await testbed.createNetwork('net');
  });

  after(async () => {
    await testbed?.teardown();
  });

  it('creates a labelled user network with its own bridge', () => {
    assert.match(network.name, /^hopscope-test-\d+-[0-9a-f]{6}-net$/);
    assert.equal(network.bridge, `br-${network.id.slice(0, 12)}`);
    assert.match(network.subnet, /^\d+\.\d+\.\d+\.\d+\/\d+$/);
  });

  it('runs a service that calls another, and both log the call with its trace headers', async () => {
    const leaf = await testbed.runHopService(
      'leaf',
      { name: 'leaf', routes: [{ path: '/hello', gzip: true, body: { hello: 'world' }, padBytes: 1000 }] },
      { network: network.name },
    );
    // The simple configuration by environment: one downstream URL.
    const front = await testbed.runNode('front', 'hop-service.mjs', {
      network: network.name,
      env: { SERVICE_NAME: 'front', DOWNSTREAM: `http://${leaf.ip}:${servicePort}/hello` },
    });
    assert.notEqual(leaf.ip, front.ip);
    await waitForTcp(leaf.ip, servicePort);
    await waitForTcp(front.ip, servicePort);

    const client = await testbed.runClientLoop(
      'client',
      { count: 3, intervalMs: 50, newConnectionEvery: 2, requests: [{ url: `http://${front.ip}:${servicePort}/x` }] },
      { network: network.name },
    );
    assert.equal(await waitForExit(client.id, 30_000), 0);

    const clientLog = await testbed.jsonLogs(client);
    const requests = clientLog.filter((line) => !line.summary) as unknown as ClientLogLine[];
    const summary = clientLog.find((line) => line.summary) as unknown as ClientSummary;
    assert.deepEqual(
      requests.map((r) => [r.i, r.status, r.servedBy]),
      [
        [0, 200, 'front'],
        [1, 200, 'front'],
        [2, 200, 'front'],
      ],
    );
    assert.equal(summary.ok, 3);
    // Request 1 is sent on a new connection (every 2nd); request 2 goes back to the kept-alive one.
    assert.deepEqual(
      requests.map((r) => r.newConnection),
      [true, true, false],
    );
    assert.equal(requests[2].local, requests[0].local);

    const frontLog = (await testbed.jsonLogs(front)).filter((line) => line.method) as unknown as HopLogLine[];
    const leafLog = (await testbed.jsonLogs(leaf)).filter((line) => line.method) as unknown as HopLogLine[];
    assert.equal(frontLog.length, 3);
    assert.equal(leafLog.length, 3);
    for (let i = 0; i < 3; i++) {
      const seen = frontLog[i].seen;
      assert.equal(seen['x-request-id'], `client-${i}`);
      assert.equal(seen.traceparent, requests[i].sent.traceparent);
      assert.equal(frontLog[i].peer.split(':')[0], client.ip);
      const [call] = frontLog[i].calls;
      assert.equal(call.url, `http://${leaf.ip}:${servicePort}/hello`);
      assert.equal(call.status, 200);
      // The leaf answered the node client (no Accept-Encoding) without gzip: 1000 bytes of padding and more.
      assert.equal(call.resEncoding, null);
      assert.ok(call.resBytes > 1000);
      // The leaf saw what the front sent: same request id, same trace id, the front's new span id.
      assert.deepEqual(leafLog[i].seen, call.sent);
      assert.equal(call.sent.traceparent.slice(0, 35), seen.traceparent?.slice(0, 35));
      assert.notEqual(call.sent.traceparent, seen.traceparent);
      assert.equal(leafLog[i].peer, call.local);
    }
  });

  it('serves files with nginx from the host, gzip when asked, logging JSON lines', async () => {
    const items = JSON.stringify({ items: Array.from({ length: 50 }, (_, id) => ({ id, name: `item ${id}` })) });
    const web = await testbed.runNginx('web', { files: { 'items.json': items } }, { network: network.name });
    await waitForTcp(web.ip, servicePort);
    const client = await testbed.runClientLoop(
      'fetch',
      {
        count: 2,
        intervalMs: 10,
        requests: [{ url: `http://${web.ip}:${servicePort}/items.json`, gzip: true }, { url: `http://${web.ip}:${servicePort}/nope` }],
      },
      { network: network.name },
    );
    assert.equal(await waitForExit(client.id, 30_000), 0);
    const [first, second] = (await testbed.jsonLogs(client)) as unknown as ClientLogLine[];
    assert.equal(first.status, 200);
    assert.equal(first.resEncoding, 'gzip');
    assert.equal(first.resBodyBytes, items.length);
    assert.ok(first.resBytes < items.length);
    assert.equal(second.status, 404);
    const nginxLog = await testbed.jsonLogs(web);
    assert.deepEqual(
      nginxLog.map((line) => [line.service, line.url, line.status, (line.seen as Record<string, string>)['x-request-id']]),
      [
        [web.name, '/items.json', 200, 'fetch-0'],
        [web.name, '/nope', 404, 'fetch-1'],
      ],
    );
  });

  it('connects a container to a second network (docker0) before it starts', async () => {
    const bridge = await testbed.defaultNetwork();
    assert.equal(bridge.bridge, 'docker0');
    const both: ContainerHandle = await testbed.run('both', {
      network: network.name,
      extraNetworks: ['bridge'],
      cmd: ['/usr/bin/sleep', '30'],
    });
    assert.ok(both.ips[network.name]);
    assert.ok(both.ips.bridge);
    assert.equal(both.ip, both.ips[network.name]);
  });

  it('removes everything of the run on teardown', async () => {
    const labelled = `label=${runLabel}=${testbed.runId}`;
    assert.ok((await dockerLines(['ps', '-aq', '--filter', labelled])).length > 0);
    await testbed.teardown();
    assert.deepEqual(await dockerLines(['ps', '-aq', '--filter', labelled]), []);
    assert.deepEqual(await dockerLines(['network', 'ls', '-q', '--filter', labelled]), []);
  });
});
