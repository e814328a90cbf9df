import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HarEntry } from '../../src/sinks/har-types.js';
import { involving, parseJsonl } from './support/har-lines.js';
import { createIpv6Network, ipv6Of } from './support/ipv6-network.js';
import { liveSkip } from './support/live-environment.js';
import { startCli, type CliProcess, type LiveResult } from './support/live-process.js';
import { netFilter, ownSubnets } from './support/own-subnets.js';
import { clientRequests, compareWithLogs, loggedRequests, type LoggedRequest } from './support/logged-requests.js';
import { servicePort, Testbed, waitForExit, waitForTcp, type ContainerHandle } from './testbed/index.js';

// `hopscope live --jsonl` with no -i, started before the networks of each test exist: it must pick up
// new bridges by itself, without a restart. Each test runs its own hopscope and checks every request
// its client and servers logged against the entries, as in live-exchanges.test.ts. The networks get
// subnets chosen beforehand, and hopscope a BPF filter for them: other tests' traffic stays out.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Captured {
  result: LiveResult;
  entries: HarEntry[];
}

/** Runs `body` while `hopscope live --jsonl <filter>` runs (no -i); body returns the addresses of its servers. */
async function whileCapturing(subnets: string[], body: (live: CliProcess) => Promise<string[]>): Promise<Captured> {
  const live = startCli(['live', '--jsonl', netFilter(subnets)]);
  try {
    await live.capturing(['docker0']);
    const ips = await body(live);
    await sleep(1000);
    const result = await live.stop('SIGINT');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.summary?.kernelDrops, 0, result.stderr);
    return { result, entries: involving(parseJsonl(result.stdout), ips) };
  } finally {
    live.kill();
  }
}

describe('hopscope live and Docker networks', { skip: liveSkip(), timeout: 240_000 }, () => {
  let testbed: Testbed;
  // Distinct for the whole file: the networks of a test stay until teardown.
  const [laterSubnet, frontSubnet, backSubnet, sixSubnet] = ownSubnets(4);
  const sixSubnet6 = `fd00:6a6f:${sixSubnet.split('.')[2]}::/64`;

  before(async () => {
    testbed = await Testbed.start();
  });

  after(async () => {
    await testbed?.teardown();
  });

  it('captures a bridge created after it started, without restarting', async () => {
    let logged: LoggedRequest[] = [];
    const subnets = [laterSubnet];
    const { entries } = await whileCapturing(subnets, async (live) => {
      const network = await testbed.createNetwork('later', subnets[0]);
      const server = await testbed.runHopService('later-svc', { name: 'later', routes: [{ path: '/*', padBytes: 2000 }] }, { network: network.name });
      await live.capturing([network.bridge], 20_000);
      await waitForTcp(server.ip, servicePort);
      const client = await testbed.runClientLoop(
        'later-client',
        { count: 30, intervalMs: 20, newConnectionEvery: 4, requests: [{ url: `http://${server.ip}:${servicePort}/late/a` }, { url: `http://${server.ip}:${servicePort}/late/b`, method: 'DELETE' }] },
        { network: network.name },
      );
      assert.equal(await waitForExit(client.id, 60_000), 0);
      logged = clientRequests(await testbed.jsonLogs(client), new Map([[server.ip, 'later']]));
      return [server.ip];
    });
    assert.equal(logged.length, 30);
    assert.deepEqual(compareWithLogs(entries, logged), []);
  });

  it('follows a container attached to two networks: each hop once, on its own bridge', async () => {
    let logged: LoggedRequest[] = [];
    let ips: string[] = [];
    const subnets = [frontSubnet, backSubnet];
    const { entries } = await whileCapturing(subnets, async (live) => {
      const front = await testbed.createNetwork('two-front', subnets[0]);
      const back = await testbed.createNetwork('two-back', subnets[1]);
      const store = await testbed.runHopService('two-store', { name: 'store', routes: [{ path: '/*', gzip: true, padBytes: 4000 }] }, { network: back.name });
      // The middle is on both networks: the client reaches it on front, it reaches the store on back.
      const middle: ContainerHandle = await testbed.runHopService(
        'two-middle',
        {
          name: 'middle',
          routes: [{ path: '/*', calls: [{ url: `http://${store.ip}:${servicePort}/stock`, headers: { 'accept-encoding': 'gzip' } }], statusFromCalls: true }],
        },
        { network: front.name, extraNetworks: [back.name] },
      );
      assert.ok(middle.ips[back.name], 'the middle has an address on the back network');
      await live.capturing([front.bridge, back.bridge], 20_000);
      await waitForTcp(middle.ip, servicePort);
      await waitForTcp(store.ip, servicePort);
      const client = await testbed.runClientLoop(
        'two-client',
        { count: 24, intervalMs: 20, newConnectionEvery: 5, requests: [{ url: `http://${middle.ip}:${servicePort}/buy` }] },
        { network: front.name },
      );
      assert.equal(await waitForExit(client.id, 60_000), 0);
      logged = [
        ...clientRequests(await testbed.jsonLogs(client), new Map([[middle.ip, 'middle']])),
        ...loggedRequests('store', store.ip, await testbed.jsonLogs(store)),
      ];
      ips = [middle.ip, store.ip];
      return ips;
    });
    assert.equal(logged.length, 48);
    assert.deepEqual(compareWithLogs(entries, logged), []);
    // The calls to the store leave the middle from its back-network address.
    const toStore = entries.filter((e) => e.serverIPAddress === ips[1]);
    assert.equal(toStore.length, 24);
    assert.ok(toStore.every((e) => e._clientIPAddress !== ips[0]));
  });

  it('decodes exchanges over IPv6 on a dual-stack network', async () => {
    let logged: LoggedRequest[] = [];
    const subnets = [sixSubnet, sixSubnet6];
    const { entries } = await whileCapturing(subnets, async (live) => {
      const network = await createIpv6Network(testbed, 'six', subnets[1], subnets[0]);
      const server = await testbed.runHopService('six-svc', { name: 'six', routes: [{ path: '/*', gzip: true, padBytes: 3000 }] }, { network: network.name });
      const server6 = await ipv6Of(server.name, network.name);
      await live.capturing([network.bridge], 20_000);
      await waitForTcp(server6, servicePort);
      const client = await testbed.runClientLoop(
        'six-client',
        { count: 20, intervalMs: 20, newConnectionEvery: 6, requests: [{ url: `http://[${server6}]:${servicePort}/v6`, gzip: true }] },
        { network: network.name },
      );
      assert.equal(await waitForExit(client.id, 60_000), 0);
      logged = clientRequests(await testbed.jsonLogs(client), new Map([[server6, 'six']]));
      return [server6];
    });
    assert.equal(logged.length, 20);
    assert.ok(logged.every((l) => l.peer.includes(':') && l.serverIp.includes(':')), 'the client used IPv6');
    assert.deepEqual(compareWithLogs(entries, logged), []);
  });
});
