import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { jsonLines, LiveProcess, needsLive, run, sleep, subnetFor, SUMMARY_LINE, TestNetwork, tryRun, OWN_TRAFFIC } from './live-harness.js';

/** Bridges named like Docker's (br-…), made by this test file: br-hstest<pid><letter><n>. */
const bridgeName = (letter: string): string => `br-hstest${process.pid % 10000}${letter}`;

/**
 * Docker networks come and go while `hopscope live` runs (in CI the Docker end-to-end tests create
 * and remove theirs next to this one). dockerd creates a network's bridge and sets it up a moment
 * later, so the watcher can find a new bridge that libpcap cannot open yet ("That device is not up").
 */
describe('hopscope live while bridges come and go', { skip: needsLive }, () => {
  const steady = new TestNetwork('s', subnetFor(5), bridgeName('s'));
  const churned = bridgeName('c');
  after(() => {
    steady.destroy();
    tryRun('ip', ['link', 'del', churned]);
  });

  it('a new bridge not up yet is opened quietly once it is up; capture on the others goes on through the churn', async () => {
    steady.create();
    await steady.startServer(8080);
    const live = new LiveProcess(['live', '--jsonl', '--no-containers', ...OWN_TRAFFIC]);
    const ours = () => jsonLines(live.stdout).filter((e) => e.serverIPAddress === steady.farAddress);
    try {
      await live.waitForStderr(/^hopscope: capturing on .* and new Docker bridges as they appear/m);
      await steady.request(8080, 'GET', '/before');
      await live.waitFor(() => ours().length >= 1, 10_000, 'the first exchange');

      // Created down, as dockerd does before it sets a new network's bridge up: the watcher (1 s period)
      // sees it at least twice while libpcap still refuses it.
      run('ip', ['link', 'add', churned, 'type', 'bridge']);
      await sleep(2500);
      await steady.request(8080, 'GET', '/while-down');
      run('ip', ['link', 'set', churned, 'up']);
      await live.waitForStderr(new RegExp(`^hopscope: now also capturing on ${churned}$`, 'm'));

      // More networks come and go (up at once, or a moment later) while the steady bridge is busy.
      for (let i = 0; i < 3; i++) {
        run('ip', ['link', 'del', churned]);
        await steady.request(8080, 'GET', `/gone-${i}`);
        await sleep(1200);
        run('ip', ['link', 'add', churned, 'type', 'bridge']);
        if (i % 2 === 0) run('ip', ['link', 'set', churned, 'up']);
        await sleep(1200);
        await steady.request(8080, 'GET', `/back-${i}`);
        if (i % 2 === 1) run('ip', ['link', 'set', churned, 'up']);
      }
      await live.waitFor(() => ours().length >= 8, 10_000, 'every exchange of the steady bridge');

      const result = await live.stop();
      assert.equal(result.code, 0, result.stderr);
      const paths = ours().map((e) => new URL(e.request.url).pathname).sort();
      assert.deepEqual(paths, ['/back-0', '/back-1', '/back-2', '/before', '/gone-0', '/gone-1', '/gone-2', '/while-down']);
      // A bridge that was not up yet for a moment, or that vanished, is no news.
      assert.doesNotMatch(result.stderr, new RegExp(`(warning|stopped).*${churned}`), result.stderr);
      assert.match(result.stderr, SUMMARY_LINE);
    } finally {
      live.kill();
    }
  });
});
