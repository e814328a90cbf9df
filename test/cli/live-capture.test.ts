import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './run-cli.js';
import { exchangeKeys, jsonLines, LiveProcess, needsLive, subnetFor, SUMMARY_LINE, TestNetwork } from './live-harness.js';

const CAPTURING = /^hopscope: capturing on /m;

/** Block types of a little-endian pcapng file, in order. */
function pcapngBlockTypes(bytes: Buffer): number[] {
  const types: number[] = [];
  for (let off = 0; off + 12 <= bytes.length; off += bytes.readUInt32LE(off + 4)) types.push(bytes.readUInt32LE(off));
  return types;
}

/**
 * `hopscope live -i <veth>` on a veth pair of our own: the far end in a network namespace running
 * HTTP servers, the near end in the host namespace, where the test process is the client.
 */
describe('hopscope live on a test-owned veth', { skip: needsLive }, () => {
  const net = new TestNetwork('c', subnetFor(0));
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-live-'));

  before(async () => {
    net.create();
    await net.startServer(8080);
    await net.startServer(8081);
  });
  after(() => {
    net.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--jsonl shows each request exactly once with method, path and status; -w saves what read and tshark agree on', async () => {
    const file = join(dir, 'veth.pcapng');
    const live = new LiveProcess(['live', '-i', net.hostEnd, '--jsonl', '-w', file]);
    try {
      await live.waitForStderr(CAPTURING);
      const answers = [
        await net.request(8080, 'GET', '/alpha'),
        await net.request(8080, 'POST', '/beta', 'x'.repeat(3000)),
        await net.request(8081, 'GET', '/gamma?q=1'),
      ];
      assert.deepEqual(answers.map((a) => a.status), [200, 201, 200]);
      // Lines come as exchanges complete: wait for the third rather than for a fixed time.
      await live.waitFor(() => live.stdout.split('\n').filter(Boolean).length >= 3, 10_000, 'three JSON lines');
      const result = await live.stop();
      assert.equal(result.code, 0, result.stderr);
      const entries = jsonLines(result.stdout);
      assert.deepEqual(exchangeKeys(entries), ['GET /alpha 200', 'GET /gamma 200', 'POST /beta 201']);
      const beta = entries.find((e) => e.request.method === 'POST')!;
      assert.equal(beta.request.postData.text, 'x'.repeat(3000));
      assert.equal(beta.response.content.text, 'hello /beta');
      assert.equal(beta.serverIPAddress, net.farAddress);
      assert.equal(beta._clientIPAddress, net.hostAddress);
      assert.ok(entries.every((e) => e._termination === 'complete'));

      const summary = SUMMARY_LINE.exec(result.stderr);
      assert.ok(summary, `summary line in: ${result.stderr}`);
      const [, packets, interfaces, kernelDrops, queueDrops, exchanges] = summary.map(Number);
      assert.equal(interfaces, 1);
      assert.equal(exchanges, 3);
      assert.equal(kernelDrops + queueDrops, 0);
      assert.ok(packets >= 3 * 6, `${packets} packets for three connections`);

      // The file: tshark reads every packet with its nanosecond timestamp and the device's name …
      const tshark = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.interface_name', '-e', 'http.request.method'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const rows = tshark.trim().split('\n').map((line) => line.split('\t'));
      assert.equal(rows.length, packets, 'every captured packet is in the file');
      assert.ok(rows.every((r) => r[1] === net.hostEnd));
      assert.ok(rows.every((r) => /^\d+\.\d{9}$/.test(r[0])), 'nanosecond timestamps');
      assert.deepEqual(rows.map((r) => r[2]).filter(Boolean).sort(), ['GET', 'GET', 'POST']);
      // … one interface block, and a statistics block at the end with the kernel's counters.
      const blocks = pcapngBlockTypes(readFileSync(file));
      assert.equal(blocks.filter((t) => t === 1).length, 1, 'one IDB');
      assert.equal(blocks.at(-1), 5, 'an ISB last');
      // … and `hopscope read` finds the same exchanges with the same timings.
      const reread = await runCli(['read', file, '--jsonl']);
      assert.equal(reread.code, 0, reread.stderr);
      const again = jsonLines(reread.stdout);
      const pick = (e: Record<string, any>) => [e.startedDateTime, e.request.method, e.request.url, e.response.status, e.time, e._termination];
      const byStart = (a: Record<string, any>, b: Record<string, any>) => (a.startedDateTime < b.startedDateTime ? -1 : 1);
      assert.deepEqual([...again].sort(byStart).map(pick), [...entries].sort(byStart).map(pick));
    } finally {
      live.kill();
    }
  });

  it('SIGINT ends an open request as capture-end, completes the HAR file and prints the summary line', async () => {
    const har = join(dir, 'interrupted.har');
    const live = new LiveProcess(['live', '-i', net.hostEnd, '--har', har]);
    try {
      await live.waitForStderr(CAPTURING);
      assert.equal((await net.request(8080, 'GET', '/done')).status, 200);
      // /slow is never answered: the request stays open until hopscope stops.
      const slow = net.request(8080, 'GET', '/slow').catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const result = await live.stop('SIGINT');
      void slow;
      assert.equal(result.code, 0, result.stderr);
      const summary = SUMMARY_LINE.exec(result.stderr);
      assert.ok(summary, `summary line in: ${result.stderr}`);
      assert.equal(Number(summary[5]), 2);
      const log = JSON.parse(readFileSync(har, 'utf8')).log;
      assert.equal(log.version, '1.2');
      const byPath = new Map<string, Record<string, any>>(log.entries.map((e: Record<string, any>) => [new URL(e.request.url).pathname, e]));
      assert.deepEqual([...byPath.keys()].sort(), ['/done', '/slow']);
      assert.equal(byPath.get('/done')!._termination, 'complete');
      assert.equal(byPath.get('/slow')!._termination, 'capture-end');
      assert.equal(byPath.get('/slow')!.response.status, 0);
    } finally {
      live.kill();
    }
  });

  it('SIGTERM stops as cleanly as SIGINT', async () => {
    const live = new LiveProcess(['live', '-i', net.hostEnd, '--summary', '--json']);
    try {
      await live.waitForStderr(CAPTURING);
      await net.request(8081, 'GET', '/term');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const result = await live.stop('SIGTERM');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, SUMMARY_LINE);
      const summary = JSON.parse(result.stdout);
      assert.equal(JSON.stringify(summary).includes(net.farAddress), true, result.stdout);
    } finally {
      live.kill();
    }
  });

  it('a BPF capture filter restricts what is captured (quoted, or as separate words)', async () => {
    for (const filter of [['tcp port 8081'], ['tcp', 'port', '8081']]) {
      const live = new LiveProcess(['live', '-i', net.hostEnd, '--jsonl', ...filter]);
      try {
        await live.waitForStderr(/with filter "tcp port 8081"/);
        await net.request(8080, 'GET', '/filtered-out');
        await net.request(8081, 'GET', '/kept');
        await net.request(8080, 'GET', '/filtered-out-too');
        await live.waitFor(() => live.stdout.includes('/kept'), 10_000, 'the /kept exchange');
        await new Promise((resolve) => setTimeout(resolve, 300));
        const result = await live.stop();
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(exchangeKeys(jsonLines(result.stdout)), ['GET /kept 200']);
      } finally {
        live.kill();
      }
    }
  });

  it('the table (default output) prints one line per exchange as it completes', async () => {
    const live = new LiveProcess(['live', '-i', net.hostEnd]);
    try {
      await live.waitForStderr(CAPTURING);
      await net.request(8080, 'GET', '/table-row');
      await live.waitFor(() => live.stdout.includes('/table-row'), 10_000, 'the table row');
      const result = await live.stop();
      const rows = result.stdout.split('\n').filter((line) => line.includes('/table-row'));
      assert.equal(rows.length, 1);
      assert.match(rows[0], new RegExp(`${net.hostAddress.replaceAll('.', '\\.')}:\\d+ +${net.farAddress.replaceAll('.', '\\.')}:8080 +GET +/table-row +200`));
    } finally {
      live.kill();
    }
  });
});

describe('hopscope live -i when the chosen device vanishes', { skip: needsLive }, () => {
  const net = new TestNetwork('d', subnetFor(5));
  after(() => net.destroy());

  it('says so, and ends cleanly with the summary once no device is left', async () => {
    net.create();
    await net.startServer(8080);
    const live = new LiveProcess(['live', '-i', net.hostEnd, '--jsonl']);
    try {
      await live.waitForStderr(CAPTURING);
      await net.request(8080, 'GET', '/before-vanishing');
      await live.waitFor(() => live.stdout.includes('/before-vanishing'), 10_000, 'the exchange');
      net.destroy();
      const result = await live.done();
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, new RegExp(`^hopscope: ${net.hostEnd} stopped: .+$`, 'm'));
      assert.match(result.stderr, /^hopscope: no capture device is left$/m);
      assert.equal(SUMMARY_LINE.exec(result.stderr)?.[5], '1');
    } finally {
      live.kill();
    }
  });
});
