import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CliChild, header, jsonEntries, namedKey, runCliSync, tsharkSourceNames, waitFor, type Entry } from './containers-harness.js';
import { hasTshark, liveSkip } from './support/live-environment.js';
import { servicePort, Testbed, waitForExit, waitForTcp, type ContainerHandle } from './testbed/index.js';

// One `hopscope live --jsonl -w FILE` on docker0 and a user network's bridge, with the host's dockerd
// naming: servers on docker0 (web0), on the user network (webn) and on both (dual, which also calls the
// other two: a client on two networks); a client on each network, started once capture runs. Then the
// file is read back with no Docker to ask, and by tshark.

/** Requests per client; each client alternates between two servers. */
const COUNT = 6;

interface Expected {
  name: string;
  id: string;
  network: string;
}

describe('hopscope live names both ends by their containers', { skip: liveSkip({ tshark: hasTshark }), timeout: 240_000 }, () => {
  let testbed: Testbed | undefined;
  let dir: string;
  let file: string;
  let live: { stdout: string; stderr: string; code: number | null };
  let entries: Entry[];
  /** Address → the container (and network) that holds it. */
  const owners = new Map<string, Expected>();
  let c0: ContainerHandle;
  let cn: ContainerHandle;
  let dual: ContainerHandle;
  let networkName: string;

  before(async () => {
    testbed = await Testbed.start();
    dir = mkdtempSync(join(tmpdir(), 'hopscope-names-e2e-'));
    file = join(dir, 'names.pcapng');
    const net = await testbed.createNetwork('names');
    networkName = net.name;
    const web0 = await testbed.runHopService('web0', { name: 'web0', routes: [{ path: '/*' }] }, { network: 'bridge' });
    const webn = await testbed.runHopService('webn', { name: 'webn', routes: [{ path: '/*' }] }, { network: net.name });
    const calls = [{ url: `http://${web0.ip}:${servicePort}/from-dual` }, { url: `http://${webn.ip}:${servicePort}/from-dual` }];
    dual = await testbed.runHopService('dual', { name: 'dual', routes: [{ path: '/*', calls }] }, { network: net.name, extraNetworks: ['bridge'] });
    const servers = [web0.ip, webn.ip, dual.ips.bridge, dual.ips[net.name]];
    for (const ip of servers) await waitForTcp(ip, servicePort, 20_000);

    const filter = servers.map((ip) => `host ${ip}`).join(' or ');
    const child = new CliChild(['live', '-i', 'docker0', '-i', net.bridge, '--jsonl', '-w', file, filter]);
    try {
      await child.capturing(['docker0', net.bridge]);
      const url = (ip: string, path: string) => ({ url: `http://${ip}:${servicePort}${path}` });
      [c0, cn] = await Promise.all([
        testbed.runClientLoop('c0', { count: COUNT, intervalMs: 30, requests: [url(web0.ip, '/c0-web0'), url(dual.ips.bridge, '/c0-dual')] }, { network: 'bridge' }),
        testbed.runClientLoop('cn', { count: COUNT, intervalMs: 30, requests: [url(webn.ip, '/cn-webn'), url(dual.ips[net.name], '/cn-dual')] }, { network: net.name }),
      ]);
      assert.equal(await waitForExit(c0.id, 60_000), 0, 'c0 got every answer');
      assert.equal(await waitForExit(cn.id, 60_000), 0, 'cn got every answer');
      // Each client request, plus dual's two calls for each request it got.
      const expected = 2 * COUNT + 2 * COUNT;
      await child.waitFor(`${expected} JSON lines`, () => child.entries().length >= expected, 30_000);
      live = await child.stop();
    } finally {
      child.kill();
    }
    entries = jsonEntries(live.stdout);
    const own = (c: ContainerHandle, network: string) => owners.set(c.ips[network], { name: c.name, id: c.id, network });
    own(web0, 'bridge');
    own(webn, net.name);
    own(dual, 'bridge');
    own(dual, net.name);
    own(c0, 'bridge');
    own(cn, net.name);
  });

  after(async () => {
    await testbed?.teardown();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('says it names containers from Docker, and ends cleanly', () => {
    assert.equal(live.code, 0, live.stderr);
    assert.match(live.stderr, /^hopscope: naming containers from Docker at unix:\/\/\S+$/m);
    assert.doesNotMatch(live.stderr, /Docker unavailable|lost Docker/);
  });

  it('names every exchange: docker0, the user network, and a container on both', () => {
    assert.equal(entries.length, 4 * COUNT, live.stdout);
    for (const entry of entries) {
      const client = owners.get(entry._clientIPAddress);
      const server = owners.get(entry.serverIPAddress);
      assert.ok(client && server, `${entry._clientIPAddress} → ${entry.serverIPAddress} are this test's containers`);
      const what = `${entry.request.method} ${entry.request.url} from ${entry._clientIPAddress}`;
      assert.deepEqual(
        entry._clientContainer && { name: entry._clientContainer.name, id: entry._clientContainer.id, network: entry._clientContainer.network },
        client,
        `client of ${what}`,
      );
      assert.deepEqual(
        entry._serverContainer && { name: entry._serverContainer.name, id: entry._serverContainer.id, network: entry._serverContainer.network },
        server,
        `server of ${what}`,
      );
      assert.equal(entry._clientContainer?.kind, 'container');
      assert.equal(entry._clientContainer?.image, testbed!.image);
    }
    // The container on two networks is named on each, with the network its packets used.
    const dualAs = (role: 'client' | 'server', network: string) =>
      entries.filter((e) => (role === 'client' ? e._clientContainer : e._serverContainer)?.name === dual.name && (role === 'client' ? e._clientContainer : e._serverContainer)?.network === network).length;
    assert.equal(dualAs('server', 'bridge'), COUNT / 2);
    assert.equal(dualAs('server', networkName), COUNT / 2);
    assert.equal(dualAs('client', 'bridge'), COUNT, 'dual → web0 over docker0');
    assert.equal(dualAs('client', networkName), COUNT, 'dual → webn over the user network');
    const ids = entries.map((e) => header(e, 'x-request-id')).filter((id) => id?.startsWith('c0-') || id?.startsWith('cn-'));
    assert.equal(new Set(ids).size, 2 * COUNT, 'every client request once');
  });

  it('reads the -w file back with the same names, without Docker', () => {
    const read = runCliSync(['read', file, '--jsonl'], { DOCKER_HOST: `unix://${join(dir, 'no-such-docker.sock')}` });
    assert.equal(read.code, 0, read.stderr);
    const offline = jsonEntries(read.stdout).filter((e) => owners.has(e._clientIPAddress) || owners.has(e.serverIPAddress));
    assert.deepEqual(offline.map(namedKey).sort(), entries.map(namedKey).sort());
    assert.ok(offline.every((e) => e._clientContainer !== undefined && e._serverContainer !== undefined));
  });

  it('carries name-resolution records that tshark shows', () => {
    const names = tsharkSourceNames(file);
    for (const [ip, owner] of owners) {
      const shown = names.get(ip);
      if (shown === undefined) continue; // web0 and webn only answer
      assert.deepEqual([...shown], [owner.name], `tshark names ${ip}`);
    }
    for (const client of [c0, cn]) assert.ok(names.has(client.ip), `tshark saw requests from ${client.name}`);
    assert.ok(names.has(dual.ips.bridge) && names.has(dual.ips[networkName]));
    // In one pass, a record counts from where it is in the file: dual ran before capture started (its
    // record precedes every packet); a client's first packets may come before Docker's event did.
    const onePass = tsharkSourceNames(file, false);
    assert.deepEqual([...(onePass.get(dual.ips.bridge) ?? [])], [dual.name]);
    for (const client of [c0, cn]) assert.ok(onePass.get(client.ip)?.has(client.name), `one pass names ${client.name} too`);
  });
});
