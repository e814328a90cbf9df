import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DockerResolver, type DockerResolverStatus } from '../../src/containers/docker-resolver.js';
import { timestampFromSeconds } from '../../src/containers/docker-time.js';
import type { ContainerRef } from '../../src/model/container.js';
import type { Timestamp } from '../../src/model/time.js';
import { skipUnless } from '../support/paths.js';
import { PrivateDockerd } from '../e2e/testbed/private-dockerd.js';
import {
  docker,
  hostToolMounts,
  labelArgs,
  stopContainers,
  Testbed,
  type ContainerHandle,
  type NetworkHandle,
} from '../e2e/testbed/index.js';

const installed = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
const hasDockerAndRoot = process.getuid?.() === 0 && installed('docker') && installed('dockerd');
const skip = skipUnless(hasDockerAndRoot, 'needs root, docker and dockerd');

/** Wall clock as a capture timestamp: live capture stamps packets with the same (kernel) clock. */
const now = (): Timestamp => timestampFromSeconds(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function nextStatus(resolver: DockerResolver, accept: (status: DockerResolverStatus) => boolean, timeoutMs = 30_000): Promise<DockerResolverStatus> {
  return new Promise((resolve, reject) => {
    if (accept(resolver.status)) return resolve(resolver.status);
    const timer = setTimeout(() => {
      resolver.off('status', listener);
      reject(new Error(`status stayed ${resolver.status.text}`));
    }, timeoutMs);
    const listener = (status: DockerResolverStatus) => {
      if (!accept(status)) return;
      clearTimeout(timer);
      resolver.off('status', listener);
      resolve(status);
    };
    resolver.on('status', listener);
  });
}

describe('DockerResolver without a daemon', () => {
  it('reports a missing socket, answers lookups with undefined, and keeps retrying quietly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hopscope-nosock-'));
    const resolver = new DockerResolver({ host: `unix://${join(dir, 'docker.sock')}`, retryInitialMs: 20, retryMaxMs: 40 });
    const seen: string[] = [];
    resolver.on('status', (s: DockerResolverStatus) => seen.push(s.state));
    const status = await resolver.start();
    assert.equal(status.state, 'unavailable');
    assert.equal(status.text, `unavailable: no Docker socket at unix://${join(dir, 'docker.sock')}`);
    assert.equal(resolver.resolve('172.17.0.2', now()), undefined);
    await sleep(200);
    assert.equal(resolver.status.state, 'unavailable', 'retries do not flap the status');
    resolver.stop();
    assert.equal(resolver.status.state, 'stopped');
    assert.deepEqual([...new Set(seen)], ['unavailable', 'stopped']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports a path that is not a socket, and an address form it cannot use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hopscope-nosock-'));
    writeFileSync(join(dir, 'file'), 'not a socket');
    const resolver = new DockerResolver({ host: join(dir, 'file'), retryInitialMs: 1000 });
    const status = await resolver.start();
    resolver.stop();
    assert.equal(status.state, 'unavailable');
    assert.match(status.reason ?? '', /refused|file/);
    const ssh = new DockerResolver({ host: 'ssh://user@example.invalid' });
    assert.match((await ssh.start()).text, /^unavailable: DOCKER_HOST ssh:\/\/user@example\.invalid is not a unix:\/\/ or tcp:\/\/ address$/);
    ssh.stop();
    rmSync(dir, { recursive: true, force: true });
  });
});

/** A container started with the docker CLI directly (the testbed has no --ip), labelled as the run's. */
async function runWithIp(testbed: Testbed, suffix: string, network: string, ip: string): Promise<string> {
  const mounts = hostToolMounts().flatMap((m) => ['--volume', `${m.host}:${m.container}:ro`]);
  const name = testbed.nameOf(suffix);
  await docker(['run', '-d', '--name', name, '--network', network, '--ip', ip, ...labelArgs(testbed.runId), ...mounts, testbed.image, 'sleep', '600']);
  return name;
}

async function createNetworkWithSubnet(testbed: Testbed, suffix: string): Promise<NetworkHandle> {
  for (let attempt = 0; ; attempt++) {
    const third = 100 + Math.floor(Math.random() * 130);
    try {
      return await testbed.createNetwork(suffix, `172.31.${third}.0/24`);
    } catch (error) {
      if (attempt > 10) throw error;
    }
  }
}

describe('DockerResolver with the host dockerd', { skip, timeout: 180_000 }, () => {
  let testbed: Testbed;
  let resolver: DockerResolver;
  let network: NetworkHandle;
  let early: ContainerHandle;

  before(async () => {
    testbed = await Testbed.start();
    network = await createNetworkWithSubnet(testbed, 'names');
    // Running before the resolver starts: known from the initial load, not from events.
    early = await testbed.run('early', { network: network.name, cmd: ['sleep', '600'] });
    resolver = new DockerResolver();
    const status = await resolver.start();
    assert.equal(status.state, 'connected', status.text);
  });

  after(async () => {
    resolver?.stop();
    await testbed?.teardown();
  });

  it('names containers on a user network (loaded) and on docker0 and two networks at once (from events)', async () => {
    const ref = (ip: string) => resolver.resolve(ip, now());
    const fromLoad = ref(early.ip);
    assert.equal(fromLoad?.name, early.name);
    assert.equal(fromLoad?.id, early.id);
    assert.equal(fromLoad?.network, network.name);
    assert.equal(fromLoad?.image, testbed.image);
    // Created with --subnet only: the IPAM config names no gateway, the bridge holds the first address.
    assert.deepEqual(ref(network.subnet.replace(/\.0\/24$/, '.1')), { kind: 'host', name: 'host' });

    const web = await testbed.run('web', { network: 'bridge', cmd: ['sleep', '600'] });
    const both = await testbed.run('both', { network: network.name, extraNetworks: ['bridge'], cmd: ['sleep', '600'] });
    await waitFor('web and both to be named', () => ref(web.ip) !== undefined && ref(both.ips.bridge) !== undefined && ref(both.ips[network.name]));
    assert.deepEqual(ref(web.ip), { kind: 'container', id: web.id, name: web.name, image: testbed.image, network: 'bridge' } satisfies ContainerRef);
    assert.equal(ref(both.ips.bridge)?.name, both.name);
    assert.equal(ref(both.ips.bridge)?.network, 'bridge');
    assert.equal(ref(both.ips[network.name])?.name, both.name);
    assert.equal(ref(both.ips[network.name])?.network, network.name);
    const bridge = await testbed.defaultNetwork();
    assert.deepEqual(ref(bridge.gateway), { kind: 'host', name: 'host' });

    // Disconnecting one network ends that address only.
    const beforeDisconnect = now();
    await docker(['network', 'disconnect', 'bridge', both.name]);
    await waitFor('the docker0 address to be released', () => ref(both.ips.bridge) === undefined);
    assert.equal(ref(both.ips[network.name])?.name, both.name);
    assert.equal(resolver.resolve(both.ips.bridge, beforeDisconnect)?.name, both.name, 'history is kept');
  });

  it('names IPv6 addresses on an IPv6 network, as the packets write them', async () => {
    const name = testbed.nameOf('v6net');
    const hex = (process.pid % 0xffff).toString(16);
    await docker(['network', 'create', '--ipv6', '--subnet', `fd00:${hex}:7::/64`, ...labelArgs(testbed.runId), name]);
    const six = await testbed.run('six', { network: name, cmd: ['sleep', '600'] });
    const [inspected] = JSON.parse(await docker(['container', 'inspect', six.id])) as Array<{
      NetworkSettings: { Networks: Record<string, { GlobalIPv6Address: string }> };
    }>;
    const v6 = inspected.NetworkSettings.Networks[name].GlobalIPv6Address;
    assert.match(v6, /^fd00:/);
    await waitFor('the IPv6 address to be named', () => resolver.resolve(v6, now()));
    assert.equal(resolver.resolve(v6, now())?.name, six.name);
    assert.equal(resolver.resolve(six.ip, now())?.name, six.name, 'and its IPv4 address on the same network');
    assert.deepEqual(resolver.resolve(`fd00:${hex}:7::1`, now()), { kind: 'host', name: 'host' });
  });

  it('gives a reused address to each container at its own time', async () => {
    const ip = network.subnet.replace(/\.0\/24$/, '.77');
    const first = await runWithIp(testbed, 'reuse-a', network.name, ip);
    await waitFor('the first owner', () => resolver.resolve(ip, now())?.name === first);
    const duringFirst = now();
    await stopContainers([first], 0);
    await waitFor('the first owner to be gone', () => resolver.resolve(ip, now()) === undefined);
    await docker(['rm', first]);
    const between = now();
    const second = await runWithIp(testbed, 'reuse-b', network.name, ip);
    await waitFor('the second owner', () => resolver.resolve(ip, now())?.name === second);
    const duringSecond = now();
    assert.equal(resolver.resolve(ip, duringFirst)?.name, first);
    assert.equal(resolver.resolve(ip, between), undefined);
    assert.equal(resolver.resolve(ip, duringSecond)?.name, second);
    const history = resolver.timeline.intervals().filter((i) => i.ip === ip);
    assert.deepEqual(history.map((i) => i.ref.name), [first, second]);
    assert.ok(history[0].to !== undefined && history[1].to === undefined);
  });
});

describe('DockerResolver across a dockerd restart', { skip, timeout: 240_000 }, () => {
  let testbed: Testbed;
  let daemon: PrivateDockerd;
  let resolver: DockerResolver | undefined;

  before(async () => {
    testbed = await Testbed.start();
    // Without live-restore: stopping the daemon stops its containers, whose addresses must then be released.
    daemon = new PrivateDockerd(mkdtempSync(join(tmpdir(), 'hopscope-dockerd-')), { liveRestore: false });
    await daemon.start();
    const image = await new Promise<Buffer>((resolve, reject) =>
      execFile('docker', ['save', testbed.image], { encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    await daemon.cli(['load'], image);
    await daemon.cli(['network', 'create', 'privnet']);
  });

  after(async () => {
    resolver?.stop();
    if (daemon !== undefined) {
      if (daemon.answers()) {
        const ids = (await daemon.cli(['ps', '-aq'])).split('\n').filter(Boolean);
        if (ids.length > 0) await daemon.cli(['rm', '-f', ...ids]);
        await daemon.cli(['network', 'rm', 'privnet']).catch(() => undefined);
      }
      await daemon.kill('SIGTERM');
      daemon.cleanup();
    }
  });

  async function run(name: string): Promise<string> {
    const mounts = hostToolMounts().flatMap((m) => ['--volume', `${m.host}:${m.container}:ro`]);
    await daemon.cli(['run', '-d', '--name', name, '--network', 'privnet', ...mounts, testbed.image, 'sleep', '600']);
    return daemon.cli(['inspect', '--format', '{{(index .NetworkSettings.Networks "privnet").IPAddress}}', name]);
  }

  it('says it is reconnecting while the daemon is down, then reloads and names containers again', async () => {
    const r = new DockerResolver({ host: `unix://${daemon.socket}`, retryInitialMs: 100, retryMaxMs: 500 });
    resolver = r;
    assert.equal((await r.start()).state, 'connected');
    const ip1 = await run('one');
    await waitFor('one to be named', () => r.resolve(ip1, now())?.name === 'one');
    const whileOne = now();

    const down = nextStatus(r, (s) => s.state === 'reconnecting');
    await daemon.kill('SIGTERM');
    const status = await down;
    assert.match(status.text, /^reconnecting: /);
    // Lookups keep working from what is known while the daemon is away.
    assert.equal(r.resolve(ip1, whileOne)?.name, 'one');
    await sleep(300);
    assert.equal(r.status.state, 'reconnecting');

    const up = nextStatus(r, (s) => s.state === 'connected' && s.loads === 2, 90_000);
    await daemon.start();
    await up;
    // The daemon stopped `one` on shutdown: the reload ended its interval; its history stays.
    await waitFor('one to be ended', () => r.resolve(ip1, now()) === undefined);
    assert.equal(r.resolve(ip1, whileOne)?.name, 'one');
    const ip2 = await run('two');
    await waitFor('two to be named after the restart', () => r.resolve(ip2, now())?.name === 'two');
    assert.equal(r.resolve(ip2, now())?.network, 'privnet');
  });
});
