import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasTmux, shellQuote, TmuxPane } from '../cli/tui-tmux-driver.js';
import { liveSkip } from './support/live-environment.js';
import { cliPath, parseSummaryLine } from './support/live-process.js';
import { netFilter } from './support/own-subnets.js';
import { startShop } from './support/shop.js';
import { startContainer, Testbed, waitForExit } from './testbed/index.js';

/**
 * `hopscope live --tui` in a real terminal against real containers: the shop's client calls its
 * gateway (which calls alpha and beta) and nginx; the UI lists those exchanges by container name,
 * filters them by server name, and quitting prints the live summary line after the UI is gone.
 * A BPF filter keeps other tests' traffic on this host out.
 */
test('live --tui: exchanges between the testbed containers, filtered by server, summary after quit', { skip: liveSkip({ tmux: hasTmux }), timeout: 240_000 }, async () => {
  const testbed = await Testbed.start();
  const errFile = join(tmpdir(), `hopscope-tui-live-${process.pid}.err`);
  let pane: TmuxPane | undefined;
  try {
    const shop = await startShop(testbed, 'tui', { count: 60, intervalMs: 40 });
    const filter = netFilter([shop.network.subnet, `${shop.static.ip}/32`]);
    pane = TmuxPane.start(`node ${shellQuote(cliPath)} live --tui ${shellQuote(filter)} 2> ${shellQuote(errFile)}`, { width: 200, height: 45, name: 'live' });
    await TmuxPane.settle(1000);
    // The status line lists the devices open: the shop's bridge among them means capture runs there.
    await pane.waitFor((s) => s.includes(shop.network.bridge) && /\blive\b/.test(s), `capture on ${shop.network.bridge}`, 30_000);
    shop.client = await startContainer(shop.client);
    assert.equal(await waitForExit(shop.client.id, 120_000), 0, 'the client got an answer to every request');

    // Names are long (hopscope-test-<pid>-<hex>-tui-…): the list shows their start, so look for the role at the end in the containers view.
    const gateway = shop.gateway.name;
    pane.keys(['t']);
    let screen = await pane.waitFor((s) => /REQS/.test(s) && s.includes('tui-alpha') && s.includes('tui-beta'), 'pairs between the shop containers');
    assert.match(screen, /tui-client\s+\S*tui-gateway/, screen);
    pane.keys(['Escape']);
    await TmuxPane.settle();

    pane.keys(['/']);
    await TmuxPane.settle();
    pane.type(`server="${gateway}"`);
    await TmuxPane.settle();
    pane.keys(['Enter']);
    screen = await pane.waitFor(/\((\d+) shown\)/, 'the filter applied');
    const shown = Number(/\((\d+) shown\)/.exec(screen)![1]);
    // Of the client's six kinds of request, four go to the gateway: 40 of 60.
    assert.equal(shown, 40, screen);
    pane.keys(['t']);
    screen = await pane.waitFor(/REQS/, 'the containers view over the filter');
    assert.doesNotMatch(screen, /tui-alpha|tui-beta|tui-static/, 'only pairs with the gateway as server');
    pane.keys(['Escape']);
    await TmuxPane.settle();

    pane.keys(['q']);
    screen = await pane.waitFor(/exit-\d+/, 'the exit', 30_000);
    assert.match(screen, /exit-0/);
    const stderr = readFileSync(errFile, 'utf8');
    const summary = parseSummaryLine(stderr);
    assert.ok(summary, `the summary line on stderr: ${stderr}`);
    assert.ok(summary.exchanges >= 60 + 40, `${summary.exchanges} exchanges (60 client requests, 40 gateway calls at least)`);
  } finally {
    pane?.kill();
    await testbed.teardown();
  }
});
