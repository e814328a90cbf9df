import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { liveSkip } from './support/live-environment.js';
import { cliPath, startCli } from './support/live-process.js';
import { startProbe } from './support/probe-process.js';
import { createWrk, runWrk } from './support/wrk.js';
import { nginxPort, Testbed, waitForTcp, type ContainerHandle, type NetworkHandle } from './testbed/index.js';

// The kernel drop counter is wired end to end: a capture whose reader is paused (SIGSTOP: the whole
// process, capture thread included) while wrk fetches a 20 KB file from nginx as fast as it can must
// report drops once it resumes. 3 s of that is hundreds of MB; the kernel buffer is 32 MiB by default.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BURST_SECONDS = 3;
const FILE_BYTES = 20_000;

/** The live command's kernel buffer option, if it has one (its help names it). */
function bufferOption(): string | undefined {
  const help = spawnSync(process.execPath, [cliPath, '--help'], { encoding: 'utf8' });
  return /(--buffer-size|--buffer)\b/.exec(`${help.stdout}${help.stderr}`)?.[1];
}

describe('kernel drops', { skip: liveSkip(), timeout: 180_000 }, () => {
  let testbed: Testbed | undefined;
  let network: NetworkHandle;
  let web: ContainerHandle;
  let url: string;

  before(async () => {
    testbed = await Testbed.start();
    network = await testbed.createNetwork('drops');
    web = await testbed.runNginx('drops-web', { files: { 'big.bin': Buffer.alloc(FILE_BYTES, 0x61) } }, { network: network.name });
    await waitForTcp(web.ip, nginxPort);
    url = `http://${web.ip}:${nginxPort}/big.bin`;
  });

  after(async () => {
    await testbed?.teardown();
  });

  it('hopscope live reports kernel drops when its reader is paused during a wrk burst', async (t) => {
    const option = bufferOption();
    // Without a buffer option the default (32 MiB) is overrun all the same, only later in the burst.
    const args = ['live', '--summary', '-i', network.bridge, ...(option ? [option, '1m'] : [])];
    if (!option) t.diagnostic('hopscope live has no kernel buffer option: testing with its default buffer');
    const wrk = await createWrk(testbed!, 'drops-wrk-cli', network.name, url, { seconds: BURST_SECONDS, connections: 16 });
    const live = startCli(args);
    try {
      await live.capturing([network.bridge]);
      live.signal('SIGSTOP');
      const load = await runWrk(testbed!, wrk, BURST_SECONDS);
      live.signal('SIGCONT');
      // The burst is far more than any kernel buffer: otherwise no drop would be expected.
      assert.ok(load.requests * FILE_BYTES > 256 * 1024 * 1024, `wrk made only ${load.requests} requests`);
      await sleep(1000);
      const result = await live.stop('SIGINT', 60_000);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.summary, `no summary line in: ${result.stderr}`);
      assert.ok(result.summary.kernelDrops > 0, result.stderr);
      t.diagnostic(`wrk ${load.requests} requests; ${result.stderr.trim().split('\n').pop()}`);
    } finally {
      live.signal('SIGCONT');
      live.kill();
    }
  });

  it('the addon counts kernel drops with a tiny kernel buffer', async (t) => {
    const wrk = await createWrk(testbed!, 'drops-wrk-addon', network.name, url, { seconds: BURST_SECONDS, connections: 16 });
    const probe = await startProbe(network.bridge, 256 * 1024);
    try {
      probe.signal('SIGSTOP');
      await sleep(200);
      // Resumed half way: drops come from the paused part, and the counter is read after resuming.
      const load = runWrk(testbed!, wrk, BURST_SECONDS);
      await sleep((BURST_SECONDS * 1000) / 2);
      probe.signal('SIGCONT');
      assert.ok((await load).requests > 1000);
      const { frames, stats } = await probe.stop();
      const [device] = stats;
      assert.equal(device.name, network.bridge);
      assert.equal(device.kernelStats, true);
      assert.ok(device.kernelDrops > 0, JSON.stringify(device));
      assert.ok(frames > 0);
      t.diagnostic(`frames ${frames}, ${JSON.stringify(device)}`);
    } finally {
      probe.signal('SIGCONT');
      probe.kill();
    }
  });
});
