import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasTmux, shellQuote, TmuxPane } from '../cli/tui-tmux-driver.js';
import { liveSkip } from './support/live-environment.js';
import { cliPath, parseSummaryLine } from './support/live-process.js';
import { createWrk, runWrk } from './support/wrk.js';
import { nginxPort, Testbed, waitForTcp } from './testbed/index.js';

/**
 * The UI under wrk saturating nginx (thousands of exchanges a second on one bridge): the status line
 * keeps counting during the load, a key opens the filter bar before the load ends, and at the end
 * every request wrk made is an exchange, with nothing dropped. (That the UI gets turns of the event
 * loop between slices of packet processing, whatever the load, is shown by frame-backlog.test.ts:
 * here, without the slicing, the screen stood still for seconds at a time but did move.)
 */
test('live --tui under wrk load: the screen moves, keys work, every exchange is counted', { skip: liveSkip({ tmux: hasTmux }), timeout: 240_000 }, async () => {
  const testbed = await Testbed.start();
  const errFile = join(tmpdir(), `hopscope-tui-load-${process.pid}.err`);
  const seconds = 12;
  let pane: TmuxPane | undefined;
  try {
    const network = await testbed.createNetwork('tuiload');
    const web = await testbed.runNginx('tuiload-web', { files: { 'api.json': JSON.stringify({ items: [1, 2, 3] }) } }, { network: network.name });
    await waitForTcp(web.ip, nginxPort);
    const wrk = await createWrk(testbed, 'tuiload-wrk', network.name, `http://${web.ip}:${nginxPort}/api.json`, { seconds, connections: 32 });
    pane = TmuxPane.start(`node ${shellQuote(cliPath)} live --tui -i ${network.bridge} 2> ${shellQuote(errFile)}`, { width: 160, height: 30, name: 'load' });
    await pane.waitFor((s) => s.includes(network.bridge), `capture on ${network.bridge}`, 30_000);

    let loadDone = false;
    const load = runWrk(testbed, wrk, seconds).finally(() => {
      loadDone = true;
    });
    const packets = (screen: string) => Number(/· ([\d,]+) pkts/.exec(screen)?.[1].replace(/,/g, '') ?? -1);
    // The packet count on screen grows at least twice while wrk still runs.
    const counts = new Set<number>();
    while (!loadDone && counts.size < 3) {
      const count = packets(pane.screen());
      if (count > 0) counts.add(count);
      await TmuxPane.settle(200);
    }
    assert.ok(counts.size >= 3, `the status line showed only ${[...counts].join(', ')} packets while wrk ran`);
    // A key is taken while the load goes on.
    pane.keys(['/']);
    while (!loadDone && !/^\/( |$)/m.test(pane.screen())) await TmuxPane.settle(50);
    assert.ok(!loadDone, 'the filter bar opened only after the load ended');
    pane.keys(['Escape']);
    const result = await load;
    await TmuxPane.settle(1000);
    pane.keys(['q']);
    await pane.waitFor(/exit-0/, 'a clean exit', 60_000);
    const summary = parseSummaryLine(readFileSync(errFile, 'utf8'));
    assert.ok(summary, readFileSync(errFile, 'utf8'));
    assert.equal(summary.kernelDrops, 0);
    assert.equal(summary.queueDrops, 0);
    assert.ok(summary.exchanges >= result.requests, `${summary.exchanges} exchanges for ${result.requests} wrk requests`);
  } finally {
    pane?.kill();
    await testbed.teardown();
  }
});
