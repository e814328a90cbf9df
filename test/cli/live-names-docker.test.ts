import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CliChild, jsonEntries, namedKey, runCliSync, sleep, type Entry } from '../e2e/containers-harness.js';
import { FakeDocker, type FakeContainer } from './live-names-fake-docker.js';
import { needsLive, subnetFor, TestNetwork } from './live-harness.js';

// `hopscope live` on a test-owned veth (an HTTP server in a network namespace, this process as the
// client from the host end) with a stand-in Docker API on a unix socket (DOCKER_HOST): the server's
// address is a compose service's container, the host end is the network's gateway. No dockerd needed,
// and the test decides when Docker answers, what it says, and when it goes away.

const PORT = 8080;

describe('hopscope live names exchanges from the Docker API', { skip: needsLive, timeout: 120_000 }, () => {
  const net = new TestNetwork('n', subnetFor(3));
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-live-names-'));
  let fake: FakeDocker;
  let web: FakeContainer;
  const children: CliChild[] = [];

  const live = (args: string[], env: NodeJS.ProcessEnv = { DOCKER_HOST: fake.host }) => {
    const child = new CliChild(['live', '-i', net.hostEnd, ...args], env);
    children.push(child);
    return child;
  };

  before(async () => {
    net.create();
    await net.startServer(PORT);
  });
  after(() => {
    net.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    fake = new FakeDocker(join(dir, `docker-${children.length}.sock`));
    fake.networks.push({ name: 'shopnet', subnet: `${net.hostAddress.replace(/\.\d+$/, '.0')}/30`, gateway: net.hostAddress });
    web = {
      id: 'f00dfeed'.repeat(8),
      name: 'shop-web-1',
      image: 'shop/web:2',
      network: 'shopnet',
      ip: net.farAddress,
      gateway: net.hostAddress,
      labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
      startedAt: Date.now() / 1000 - 60,
    };
  });
  afterEach(async () => {
    for (const child of children) child.kill();
    await fake.close();
  });

  const named = (entry: Entry) => [entry._clientContainer?.name, entry._serverContainer?.name];

  it('--jsonl names both ends; a container Docker reports late, lost and back; the -w file reads back the same without Docker', async () => {
    await fake.listen();
    const file = join(dir, 'names.pcapng');
    const child = live(['--jsonl', '-w', file]);
    await child.waitForStderr(new RegExp(`^hopscope: naming containers from Docker at ${fake.host}$`, 'm'));
    await child.waitForStderr(/^hopscope: capturing on /m);

    // The server's container has started, but Docker's event comes only after its first exchange is
    // over: the exchange waits a moment and goes out named.
    assert.equal((await net.request(PORT, 'GET', '/late')).status, 200);
    await sleep(150);
    web.startedAt = Date.now() / 1000 - 5;
    fake.start(web);
    await child.waitFor('the first line', () => child.entries().length === 1, 10_000);
    assert.equal((await net.request(PORT, 'GET', '/known')).status, 200);
    await child.waitFor('the second line', () => child.entries().length === 2, 10_000);

    await fake.close();
    await child.waitForStderr(/^hopscope: lost Docker \(.+\): containers known so far keep their names, new ones show addresses; names come back when it does$/m);
    assert.equal((await net.request(PORT, 'GET', '/during')).status, 200);
    await child.waitFor('the third line', () => child.entries().length === 3, 10_000);

    await fake.listen();
    await child.waitForStderr(new RegExp(`^hopscope: Docker is back at ${fake.host}: naming containers again$`, 'm'));
    assert.equal((await net.request(PORT, 'GET', '/after')).status, 200);
    await child.waitFor('the fourth line', () => child.entries().length === 4, 10_000);
    const result = await child.stop();
    assert.equal(result.code, 0, result.stderr);

    const entries = jsonEntries(result.stdout);
    assert.deepEqual(
      entries.map((e) => `${new URL(e.request.url).pathname} ${named(e).join(' → ')}`),
      ['/late host → shop-web-1', '/known host → shop-web-1', '/during host → shop-web-1', '/after host → shop-web-1'],
    );
    assert.deepEqual(entries[1]._serverContainer, {
      kind: 'container',
      id: web.id,
      name: 'shop-web-1',
      image: 'shop/web:2',
      network: 'shopnet',
      composeProject: 'shop',
      composeService: 'web',
    });
    assert.deepEqual(entries[1]._clientContainer, { kind: 'host', name: 'host' });

    const read = runCliSync(['read', file, '--jsonl'], { DOCKER_HOST: `unix://${join(dir, 'none.sock')}` });
    assert.equal(read.code, 0, read.stderr);
    assert.deepEqual(jsonEntries(read.stdout).map(namedKey).sort(), entries.map(namedKey).sort());
    const summary = runCliSync(['read', file, '--summary', '--by', 'service', '--json'], { DOCKER_HOST: `unix://${join(dir, 'none.sock')}` });
    const rows = (JSON.parse(summary.stdout) as { pairs: Array<{ client: string; server: string; requests: number }> }).pairs;
    assert.deepEqual(rows.map((r) => [r.client, r.server, r.requests]), [['host', 'web', 4]]);
  });

  it('the table, --summary --by service and --har show the names', async () => {
    fake.running.set(web.id, web);
    fake.known.set(web.id, web);
    await fake.listen();
    const harFile = join(dir, 'live.har');
    const runs = [live([]), live(['--summary', '--by', 'service']), live(['--har', harFile])];
    for (const child of runs) await child.waitForStderr(/^hopscope: capturing on /m);
    assert.equal((await net.request(PORT, 'GET', '/shown')).status, 200);
    await sleep(1500); // a line waits for no one here: both ends are named
    const [table, summary, har] = await Promise.all(runs.map((child) => child.stop()));
    for (const result of [table, summary, har]) assert.equal(result.code, 0, result.stderr);
    assert.match(table.stdout, /^\S+ +host +shop-web-1:8080 +GET +\/shown +200/m);
    assert.match(summary.stdout, /^host +web:8080 +1 /m);
    const entries = (JSON.parse(readFileSync(harFile, 'utf8')) as { log: { entries: Entry[] } }).log.entries;
    assert.equal(entries.length, 1);
    assert.equal(entries[0]._serverContainer?.name, 'shop-web-1');
    assert.equal(entries[0]._clientContainer?.name, 'host');
  });

  it('without Docker at the start: says why, shows addresses, and names once it answers', async () => {
    fake.running.set(web.id, web);
    fake.known.set(web.id, web);
    const child = live(['--jsonl']);
    await child.waitForStderr(new RegExp(`^hopscope: Docker unavailable \\(no Docker socket at ${fake.host}\\): showing addresses; names come back when it does$`, 'm'));
    await child.waitForStderr(/^hopscope: capturing on /m);
    assert.equal((await net.request(PORT, 'GET', '/bare')).status, 200);
    await child.waitFor('a line', () => child.entries().length === 1, 10_000);
    await fake.listen();
    await child.waitForStderr(new RegExp(`^hopscope: naming containers from Docker at ${fake.host}$`, 'm'), 15_000);
    assert.equal((await net.request(PORT, 'GET', '/named')).status, 200);
    await child.waitFor('a second line', () => child.entries().length === 2, 10_000);
    const result = await child.stop();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(jsonEntries(result.stdout).map((e) => `${new URL(e.request.url).pathname} ${named(e).join(' → ')}`), [
      '/bare  → ',
      '/named host → shop-web-1',
    ]);
  });

  it('--no-containers asks no Docker and shows addresses', async () => {
    fake.running.set(web.id, web);
    fake.known.set(web.id, web);
    await fake.listen();
    const child = live(['--jsonl', '--no-containers']);
    await child.waitForStderr(/^hopscope: capturing on /m);
    assert.equal((await net.request(PORT, 'GET', '/plain')).status, 200);
    await child.waitFor('a line', () => child.entries().length === 1, 10_000);
    const result = await child.stop();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(fake.requests, []);
    assert.doesNotMatch(result.stderr, /Docker/);
    const [entry] = jsonEntries(result.stdout);
    assert.equal(entry._serverContainer, undefined);
    assert.equal(entry._clientContainer, undefined);
  });
});
