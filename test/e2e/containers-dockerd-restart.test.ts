import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CliChild, PrivateDockerd, waitFor, type Entry } from './containers-harness.js';
import { liveSkip } from './support/live-environment.js';
import { hostToolMounts, nodeBinary, servicePort, servicesMountPoint, Testbed } from './testbed/index.js';

// `hopscope live` names containers from a private dockerd (DOCKER_HOST) that the test kills (SIGKILL)
// and starts again during the capture. The daemon runs with live-restore, as a production host would
// for a daemon restart: its containers keep running and talking while it is down. The host's dockerd,
// which other tests share, is never touched.

const PATH_BEFORE = '/steady';
const PATH_AFTER = '/after-restart';

describe('hopscope live across a dockerd kill and restart', { skip: liveSkip(), timeout: 300_000 }, () => {
  let testbed: Testbed | undefined;
  let daemon: PrivateDockerd | undefined;

  before(async () => {
    testbed = await Testbed.start();
    daemon = new PrivateDockerd(mkdtempSync(join(tmpdir(), 'hopscope-dockerd-live-')));
    await daemon.start();
    const image = await new Promise<Buffer>((resolve, reject) =>
      execFile('docker', ['save', testbed!.image], { encoding: 'buffer', maxBuffer: 256 << 20 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    await daemon.cli(['load'], image);
  });

  after(async () => {
    if (daemon !== undefined) {
      // Containers outlive a dead daemon (live-restore): bring it back to remove them.
      if (!daemon.answers()) await daemon.start().catch(() => undefined);
      if (daemon.answers()) {
        const ids = (await daemon.cli(['ps', '-aq'])).split('\n').filter(Boolean);
        if (ids.length > 0) await daemon.cli(['rm', '-f', ...ids]).catch(() => undefined);
      }
      await daemon.kill('SIGTERM');
      daemon.cleanup();
    }
    await testbed?.teardown();
  });

  /** A testbed service script in the private daemon, on its default bridge; returns its address. */
  async function runService(name: string, script: string, env: Record<string, string>): Promise<string> {
    const mounts = hostToolMounts().flatMap((m) => ['--volume', `${m.host}:${m.container}:ro`]);
    const envArgs = Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
    await daemon!.cli(['run', '-d', '--name', name, ...envArgs, ...mounts, testbed!.image, nodeBinary(), `${servicesMountPoint}/${script}`]);
    return daemon!.cli(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', name]);
  }

  const client = (name: string, serverIp: string, path: string) =>
    runService(name, 'client-loop.mjs', {
      CLIENT_CONFIG: JSON.stringify({ name, count: 100_000, intervalMs: 40, newConnectionEvery: 3, requests: [{ url: `http://${serverIp}:${servicePort}${path}` }] }),
    });

  it('keeps capturing while Docker is gone, says so, and names new containers once it is back', async () => {
    const d = daemon!;
    const serverIp = await runService('hs-server', 'hop-service.mjs', { HOP_CONFIG: JSON.stringify({ name: 'server', routes: [{ path: '/*' }] }) });
    const steadyIp = await client('hs-steady', serverIp, PATH_BEFORE);

    const live = new CliChild(['live', '-i', d.bridge, '--jsonl', `host ${serverIp}`], { DOCKER_HOST: d.host });
    try {
      await live.waitForStderr(new RegExp(`^hopscope: naming containers from Docker at unix://${d.socket}$`, 'm'));
      await live.capturing([d.bridge]);
      const named = (entries: Entry[], client: string, path: string) =>
        entries.filter((e) => e._clientContainer?.name === client && e._serverContainer?.name === 'hs-server' && new URL(e.request.url).pathname === path);
      await live.waitFor('named exchanges', () => named(live.entries(), 'hs-steady', PATH_BEFORE).length >= 3);

      await d.kill('SIGKILL');
      await live.waitForStderr(/^hopscope: lost Docker \(.+\): containers known so far keep their names, new ones show addresses; names come back when it does$/m);
      const atLoss = live.entries().length;
      // Capture goes on, and containers known before keep their names.
      await live.waitFor('exchanges while Docker is down', () => named(live.entries().slice(atLoss), 'hs-steady', PATH_BEFORE).length >= 5);
      assert.ok(d.answers() === false, 'the daemon is still down');

      await d.start();
      await live.waitForStderr(new RegExp(`^hopscope: Docker is back at unix://${d.socket}: naming containers again$`, 'm'), 60_000);
      const freshIp = await client('hs-fresh', serverIp, PATH_AFTER);
      await live.waitFor('the new container named', () => named(live.entries(), 'hs-fresh', PATH_AFTER).length >= 3, 30_000);

      const result = await live.stop();
      assert.equal(result.code, 0, result.stderr);
      const entries = live.entries();
      const lines = result.stderr.split('\n').filter((line) => /Docker/.test(line));
      assert.deepEqual(
        lines.map((line) => line.replace(/ \(.*\)/, '').replaceAll(` at ${d.host}`, '')),
        [
          'hopscope: naming containers from Docker',
          'hopscope: lost Docker: containers known so far keep their names, new ones show addresses; names come back when it does',
          'hopscope: Docker is back: naming containers again',
        ],
        result.stderr,
      );
      // Every exchange of the two clients, before, during and after the outage, is named.
      for (const entry of entries) {
        const expected = entry._clientIPAddress === steadyIp ? 'hs-steady' : entry._clientIPAddress === freshIp ? 'hs-fresh' : undefined;
        assert.ok(expected, `a client of this test: ${entry._clientIPAddress}`);
        assert.equal(entry._clientContainer?.name, expected, `${entry.request.url} from ${entry._clientIPAddress}`);
        assert.equal(entry._serverContainer?.name, 'hs-server');
      }
    } finally {
      live.kill();
    }
  });
});
