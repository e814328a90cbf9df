import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from './run-cli.js';
import { exchangeKeys, jsonLines, LiveProcess, needsLive, needsRoot, subnetFor, SUMMARY_LINE, TestNetwork, OWN_TRAFFIC } from './live-harness.js';

/** Bridges named like Docker's (br-…), made by this test file: br-hstest<pid><letter>. */
const bridgeName = (letter: string): string => `br-hstest${process.pid % 10000}${letter}`;

describe('hopscope interfaces', { skip: needsRoot }, () => {
  const net = new TestNetwork('i', subnetFor(1), bridgeName('i'));
  after(() => net.destroy());

  it('lists a br-* bridge as capture and its veth as skip, with reasons', async () => {
    net.create();
    const result = await runCli(['interfaces']);
    assert.equal(result.code, 0, result.stderr);
    const line = (name: string) => result.stdout.split('\n').find((l) => l.startsWith(`${name} `));
    assert.match(line(bridgeName('i')) ?? '', /^br-hstest\d+i +bridge +capture +Docker network bridge$/);
    assert.match(line(net.hostEnd) ?? '', new RegExp(`^${net.hostEnd} +veth +skip +member of ${bridgeName('i')} \\(the bridge sees its traffic\\)$`));
    // Captured interfaces come first.
    const decisions = result.stdout.trim().split('\n').map((l) => l.split(/ +/)[2]);
    assert.deepEqual(decisions, [...decisions].sort());

    const json = await runCli(['interfaces', '--json']);
    const plan = JSON.parse(json.stdout) as Array<{ name: string; decision: string; master?: string }>;
    assert.equal(plan.find((e) => e.name === net.hostEnd)?.master, bridgeName('i'));
    assert.equal(plan.find((e) => e.name === bridgeName('i'))?.decision, 'capture');
  });
});

describe('hopscope live on Docker-like bridges', { skip: needsLive }, () => {
  const first = new TestNetwork('a', subnetFor(2), bridgeName('a'));
  const second = new TestNetwork('b', subnetFor(3), bridgeName('b'));
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-bridges-'));
  after(() => {
    first.destroy();
    second.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without -i captures every br-* bridge and one created while running, without restart', async () => {
    first.create();
    await first.startServer(8080);
    const live = new LiveProcess(['live', '--jsonl', ...OWN_TRAFFIC]);
    try {
      await live.waitForStderr(/^hopscope: capturing on .* and new Docker bridges as they appear/m);
      assert.match(live.stderr, new RegExp(`capturing on .*${bridgeName('a')}`));
      assert.doesNotMatch(live.stderr, new RegExp(`capturing on .*${first.hostEnd}`), 'veths of a bridge are not opened');
      await first.request(8080, 'GET', '/first-before');

      second.create();
      await second.startServer(8080);
      await live.waitForStderr(new RegExp(`^hopscope: now also capturing on ${bridgeName('b')}$`, 'm'));
      await second.request(8080, 'GET', '/second');
      await second.request(8080, 'POST', '/second-post', 'body');
      await first.request(8080, 'GET', '/first-after');
      const ours = () => jsonLines(live.stdout).filter((e) => [first.farAddress, second.farAddress].includes(e.serverIPAddress));
      await live.waitFor(() => ours().length >= 4, 10_000, 'four exchanges');

      // A bridge that vanishes is dropped quietly and capture goes on.
      second.destroy();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await first.request(8080, 'GET', '/first-last');
      await live.waitFor(() => ours().length >= 5, 10_000, 'the fifth exchange');

      const result = await live.stop();
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(exchangeKeys(ours()), ['GET /first-after 200', 'GET /first-before 200', 'GET /first-last 200', 'GET /second 200', 'POST /second-post 201']);
      assert.equal(ours().filter((e) => e.serverIPAddress === second.farAddress).length, 2);
      assert.doesNotMatch(result.stderr, /stopped:|warning/, 'the vanished bridge closed quietly');
      assert.match(result.stderr, SUMMARY_LINE);
    } finally {
      live.kill();
    }
  });

  it('a bridge and its veth captured together: each packet counted once, both devices in the -w file', async () => {
    first.create();
    await first.startServer(8080);
    const file = join(dir, 'two.pcapng');
    const live = new LiveProcess(['live', '-i', bridgeName('a'), '-i', first.hostEnd, '--jsonl', '-w', file]);
    try {
      await live.waitForStderr(/^hopscope: capturing on /m);
      for (const path of ['/one', '/two', '/three']) await first.request(8080, 'GET', path);
      await live.waitFor(() => jsonLines(live.stdout).length >= 3, 10_000, 'three exchanges');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const result = await live.stop();
      assert.equal(result.code, 0, result.stderr);
      const entries = jsonLines(result.stdout);
      assert.deepEqual(exchangeKeys(entries), ['GET /one 200', 'GET /three 200', 'GET /two 200']);
      assert.ok(entries.every((e) => e._termination === 'complete' && e._anomalies.length === 0), JSON.stringify(entries.map((e) => e._anomalies)));
      const summary = SUMMARY_LINE.exec(result.stderr);
      assert.ok(summary);
      assert.equal(Number(summary[2]), 2);
      assert.equal(Number(summary[5]), 3);
      // Every TCP packet was on both devices: the second copy was dropped before reassembly.
      const duplicates = /^hopscope: (\d+) packets were seen on two interfaces and counted once$/m.exec(result.stderr);
      assert.ok(duplicates, result.stderr);
      assert.ok(Number(duplicates[1]) >= 3 * 6, `${duplicates[1]} duplicates for three connections`);
      assert.ok(Number(duplicates[1]) * 2 <= Number(summary[1]));

      // Both devices are in the file; `hopscope read` finds the same three exchanges in it.
      const bytes = readFileSync(file);
      assert.ok(bytes.includes(Buffer.from(bridgeName('a'))) && bytes.includes(Buffer.from(first.hostEnd)));
      const reread = await runCli(['read', file, '--jsonl']);
      assert.equal(reread.code, 0, reread.stderr);
      assert.deepEqual(exchangeKeys(jsonLines(reread.stdout)), exchangeKeys(entries));
    } finally {
      live.kill();
      first.destroy();
    }
  });
});
