import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CliChild, createNetworkWithSubnet, header, jsonEntries, namedKey, runCliSync, runClientWithIp, type Entry } from './containers-harness.js';
import { liveSkip } from './support/live-environment.js';
import { docker, servicePort, Testbed, waitForExit, waitForTcp } from './testbed/index.js';

// During one `hopscope live --jsonl -w FILE`, a client container with a fixed address makes its requests
// and exits, is removed, and a second client is started with the same address (docker run --ip on a
// user network with --subnet). Each exchange must carry the name of the container that held the address
// when the request was sent, live and when the file is read back.

const COUNT = 5;

describe('hopscope live names a reused address after the container that held it then', { skip: liveSkip(), timeout: 240_000 }, () => {
  let testbed: Testbed | undefined;
  let dir: string;
  let file: string;
  let entries: Entry[];
  let stderr: string;
  let code: number | null;
  let first: string;
  let second: string;
  let ip: string;

  before(async () => {
    testbed = await Testbed.start();
    dir = mkdtempSync(join(tmpdir(), 'hopscope-reuse-e2e-'));
    file = join(dir, 'reuse.pcapng');
    const net = await createNetworkWithSubnet(testbed, 'reuse');
    ip = net.subnet.replace(/\.0\/24$/, '.77');
    const web = await testbed.runHopService('web', { name: 'web', routes: [{ path: '/*' }] }, { network: net.name });
    await waitForTcp(web.ip, servicePort, 20_000);
    const child = new CliChild(['live', '-i', net.bridge, '--jsonl', '-w', file, `host ${web.ip}`]);
    try {
      await child.capturing([net.bridge]);
      const requests = (path: string) => ({ count: COUNT, intervalMs: 20, newConnectionEvery: 2, requests: [{ url: `http://${web.ip}:${servicePort}${path}` }] });
      first = await runClientWithIp(testbed, 'first', net.name, ip, requests('/first'));
      assert.equal(await waitForExit(first, 60_000), 0, 'the first client got every answer');
      await docker(['rm', first]);
      second = await runClientWithIp(testbed, 'second', net.name, ip, requests('/second'));
      assert.equal(await waitForExit(second, 60_000), 0, 'the second client got every answer');
      await child.waitFor(`${2 * COUNT} JSON lines`, () => child.entries().length >= 2 * COUNT, 30_000);
      ({ stdout: entries, stderr, code } = await child.stop().then((r) => ({ ...r, stdout: jsonEntries(r.stdout) })));
    } finally {
      child.kill();
    }
  });

  after(async () => {
    await testbed?.teardown();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('names each exchange after the container that had the address at the time', () => {
    assert.equal(code, 0, stderr);
    assert.equal(entries.length, 2 * COUNT);
    for (const entry of entries) {
      assert.equal(entry._clientIPAddress, ip);
      const path = new URL(entry.request.url).pathname;
      const owner = path === '/first' ? first : second;
      assert.equal(entry._clientContainer?.name, owner, `${path} (${header(entry, 'x-request-id')}) was sent by ${owner}`);
    }
    assert.deepEqual(
      [...new Set(entries.map((e) => `${new URL(e.request.url).pathname} ${e._clientContainer?.name}`))].sort(),
      [`/first ${first}`, `/second ${second}`],
    );
  });

  it('reads the -w file back with the same names at the same times, without Docker', () => {
    const read = runCliSync(['read', file, '--jsonl'], { DOCKER_HOST: `unix://${join(dir, 'no-such-docker.sock')}` });
    assert.equal(read.code, 0, read.stderr);
    const offline = jsonEntries(read.stdout);
    assert.deepEqual(offline.map(namedKey).sort(), entries.map(namedKey).sort());
  });
});
