import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { DockerResolver, readDockerTimeline } from '../../src/containers/index.js';
import type { TimelineInterval } from '../../src/containers/index.js';
import { skipUnless } from '../support/paths.js';
import { CliChild, runCliSync, waitFor } from './containers-harness.js';
import { clientScript, ensurePodmanImage, podman, podmanImageRef, podmanImage, PodmanService, podmanWorks, serverScript, runArgs } from './podman-harness.js';
import { hasAddon, hasCli, isRoot } from './support/live-environment.js';

// hopscope names containers through Podman's Docker-compatible API exactly as through dockerd: a private
// `podman system service` socket as DOCKER_HOST, a Podman network with a node server and a client on it.
// What differs from Docker and is exercised here: Podman filters events by its own names (a container
// exit is "died", removal "remove"), and its network connect/disconnect events carry the container as
// actor and (before 4.4) no network name.

const hasPodman = spawnSync('podman', ['--version'], { stdio: 'ignore' }).status === 0;
const skip = skipUnless(isRoot && hasPodman && podmanWorks(), 'needs root and a working podman (apt-get install podman netavark)');

interface Running {
  name: string;
  id: string;
  ip: string;
}

describe('container names through Podman’s Docker-compatible API', { skip, timeout: 120_000 }, () => {
  const service = new PodmanService();
  const tag = `hsp${process.pid}`;
  const net = `${tag}-net`;
  const net2 = `${tag}-net2`;
  const networks: string[] = [];
  let bridge = '';
  let server: Running;
  let client: Running;

  /** A container on `network` running the host's node with `script`; its address from podman itself. */
  async function run(name: string, script: string, env: string[] = []): Promise<Running> {
    const args = ['run', '-d', '--name', name, '--label', `hopscope.test=${tag}`, '--network', net, ...runArgs, '-v', '/usr:/usr:ro'];
    const id = await podman([...args, ...env.flatMap((e) => ['-e', e]), podmanImage, '/usr/bin/node', '-e', script]);
    const ip = await podman(['inspect', name, '--format', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`]);
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/, `${name} has an address on ${net}`);
    return { name, id, ip };
  }

  before(async () => {
    await service.start();
    await ensurePodmanImage();
    // No DNS: the containers are given addresses (and aardvark-dns need not be installed).
    await podman(['network', 'create', '--disable-dns', net]);
    networks.push(net);
    bridge = await podman(['network', 'inspect', net, '--format', '{{.NetworkInterface}}']);
    server = await run(`${tag}-web`, serverScript);
    client = await run(`${tag}-client`, clientScript, [`TARGET=http://${server.ip}:8080`]);
  });

  after(async () => {
    const ids = spawnSync('podman', ['ps', '-aq', '--filter', `label=hopscope.test=${tag}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await podman(['rm', '-f', '-t', '0', ...ids]).catch(() => undefined);
    for (const name of networks) await podman(['network', 'rm', '-f', name]).catch(() => undefined);
    await service.stop();
  });

  const owner = (intervals: TimelineInterval[], ip: string) => intervals.find((i) => i.ip === ip)?.ref;

  it('reads every running container with its address, name, image and network (readDockerTimeline)', async () => {
    const result = await readDockerTimeline({ host: service.host });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.meta.engine?.endpoint, service.host);
    assert.match(result.meta.engine?.serverVersion ?? '', /^\d+\.\d+/, 'Podman says its version in /info');
    const table = result.timeline.ownersAt();
    for (const c of [server, client]) {
      assert.deepEqual(owner(table, c.ip), { kind: 'container', name: c.name, id: c.id, image: podmanImageRef, network: net });
    }
    const gateway = await podman(['network', 'inspect', net, '--format', '{{range .Subnets}}{{.Gateway}}{{end}}']);
    assert.deepEqual(owner(table, gateway), { kind: 'host', name: 'host' }, 'the network gateway is the host');
    // StartedAt (RFC 3339 with nanoseconds) becomes the interval's start.
    assert.ok(table.find((i) => i.ip === server.ip)?.from !== undefined);
  });

  it('hopscope containers --json lists them with DOCKER_HOST pointing at Podman', { skip: skipUnless(hasCli, 'needs dist/cli.js (npm run build)') }, () => {
    const result = runCliSync(['containers', '--json'], { DOCKER_HOST: service.host });
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as Array<{ address: string; kind: string; name: string; network: string; image: string; id: string }>;
    for (const c of [server, client]) {
      const row = rows.find((r) => r.address === c.ip);
      assert.deepEqual(row && { kind: row.kind, name: row.name, network: row.network, image: row.image, id: row.id }, {
        kind: 'container',
        name: c.name,
        network: net,
        image: podmanImageRef,
        id: c.id.slice(0, 12),
      });
    }
  });

  it('follows Podman’s events: a container started later, connected to and disconnected from a network, stopped', async () => {
    const resolver = new DockerResolver({ host: service.host });
    try {
      const status = await resolver.start();
      assert.equal(status.state, 'connected', status.text);
      assert.equal(owner(resolver.timeline.openIntervals(), server.ip)?.name, server.name);
      const open = () => resolver.timeline.openIntervals();
      const detail = () => JSON.stringify(open().map((i) => [i.ip, i.ref.name, i.ref.network]));

      const late = await run(`${tag}-late`, 'setInterval(() => {}, 1000)');
      const ref = await waitFor('the late container named from its start event', () => owner(open(), late.ip), 20_000, detail);
      assert.deepEqual(ref, { kind: 'container', name: late.name, id: late.id, image: podmanImageRef, network: net });

      // Podman 4.3 says neither the network in a connect event nor which one a disconnect left.
      await podman(['network', 'create', '--disable-dns', net2]);
      networks.push(net2);
      await podman(['network', 'connect', net2, late.name]);
      const ip2 = await podman(['inspect', late.name, '--format', `{{(index .NetworkSettings.Networks "${net2}").IPAddress}}`]);
      const ref2 = await waitFor(`${late.name} named on ${net2} from the connect event`, () => owner(open(), ip2), 20_000, detail);
      assert.equal(ref2.network, net2);
      await podman(['network', 'disconnect', net2, late.name]);
      await waitFor(`${ip2} released by the disconnect event`, () => owner(open(), ip2) === undefined, 20_000, detail);
      assert.equal(owner(open(), late.ip)?.name, late.name, 'the address on the other network is kept');

      // Podman's exit is "died" before translation: the filter must ask for it.
      await podman(['stop', '-t', '0', late.name]);
      await waitFor(`${late.ip} released when ${late.name} stopped`, () => owner(open(), late.ip) === undefined, 20_000, detail);
      assert.equal(owner(open(), server.ip)?.name, server.name, 'the others stay named');
      assert.equal(resolver.status.state, 'connected', resolver.status.text);
    } finally {
      resolver.stop();
    }
  });

  it(
    'hopscope live -i <podman bridge> names the client started after capture began, and the server',
    { skip: skipUnless(hasAddon && hasCli, 'needs the native addon and dist/cli.js') },
    async () => {
      const live = new CliChild(['live', '-i', bridge, '--jsonl', `host ${server.ip} and tcp port 8080`], { DOCKER_HOST: service.host });
      try {
        await live.capturing([bridge]);
        const caller = await run(`${tag}-caller`, clientScript, [`TARGET=http://${server.ip}:8080`]);
        await live.waitFor('3 exchanges from the late caller', () => live.entries().filter((e) => e._clientIPAddress === caller.ip).length >= 3, 30_000);
        const result = await live.stop();
        assert.ok(result.stderr.includes(`naming containers from Docker at ${service.host}`), result.stderr);
        assert.doesNotMatch(result.stderr, /unavailable|reconnecting/, 'the Podman API answered');
        const fromCaller = live.entries().filter((e) => e._clientIPAddress === caller.ip);
        assert.ok(fromCaller.length >= 3);
        for (const entry of fromCaller) {
          assert.equal(entry.serverIPAddress, server.ip);
          assert.equal(entry.response.status, 200);
          assert.deepEqual(entry._serverContainer && { name: entry._serverContainer.name, network: entry._serverContainer.network }, { name: server.name, network: net });
          assert.deepEqual(entry._clientContainer && { name: entry._clientContainer.name, image: entry._clientContainer.image }, { name: caller.name, image: podmanImageRef });
        }
        // The client started before capture is named too (from the snapshot).
        const fromClient = live.entries().filter((e) => e._clientIPAddress === client.ip);
        assert.ok(fromClient.length > 0, 'the first client was captured');
        assert.ok(fromClient.every((e) => e._clientContainer?.name === client.name));
      } finally {
        live.kill();
      }
    },
  );
});
