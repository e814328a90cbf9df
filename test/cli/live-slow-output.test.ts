import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jsonLines, LiveProcess, needsLive, sleep, subnetFor, SUMMARY_LINE, TestNetwork } from './live-harness.js';

const CAPTURING = /^hopscope: capturing on /m;
const BODY = 'b'.repeat(200_000);

/** A consumer that does not read stdout: capture goes on, lines are left out and counted, memory stays bounded. */
describe('hopscope live with a stuck stdout', { skip: needsLive }, () => {
  const net = new TestNetwork('s', subnetFor(4));
  before(async () => {
    net.create();
    await net.startServer(8080);
  });
  after(() => net.destroy());

  it('leaves out (and counts) exchanges once 16 MiB wait for stdout, and still counts every exchange', async () => {
    const live = new LiveProcess(['live', '-i', net.hostEnd, '--jsonl'], { readStdout: false });
    try {
      await live.waitForStderr(CAPTURING);
      // 100 lines of ~200 KB: about 20 MB for a pipe nobody reads.
      const requests = 100;
      for (let i = 0; i < requests; i++) assert.equal((await net.request(8080, 'POST', `/big/${i}`, BODY)).status, 201);
      await sleep(500);
      live.child.kill('SIGINT');
      live.resumeStdout();
      const result = await live.done();
      assert.equal(result.code, 0, result.stderr);
      const summary = SUMMARY_LINE.exec(result.stderr);
      assert.ok(summary, result.stderr);
      assert.equal(Number(summary[5]), requests, 'the pipeline saw every exchange');
      assert.equal(Number(summary[3]) + Number(summary[4]), 0, 'no packet was lost');
      const dropped = /^hopscope: warning: (\d+) exchanges were not written: the output could not keep up/m.exec(result.stderr);
      assert.ok(dropped, result.stderr);
      const written = jsonLines(result.stdout);
      assert.ok(Number(dropped[1]) > 0);
      assert.equal(written.length + Number(dropped[1]), requests);
      // What was written is whole lines, each a complete exchange.
      assert.ok(written.every((e) => e.request.postData.text === BODY && e.response.status === 201));
    } finally {
      live.kill();
    }
  });

  it('a second Ctrl-C exits at once while the first is still flushing', async () => {
    const live = new LiveProcess(['live', '-i', net.hostEnd, '--jsonl'], { readStdout: false });
    try {
      await live.waitForStderr(CAPTURING);
      // 2 MB of lines, more than a pipe's or socket pair's buffer: with nobody reading, the clean stop cannot finish.
      for (let i = 0; i < 10; i++) await net.request(8080, 'POST', `/stuck/${i}`, BODY);
      await sleep(300);
      live.child.kill('SIGINT');
      await sleep(500);
      assert.equal(live.child.exitCode, null, 'still flushing to the stuck stdout');
      const result = await live.stop('SIGINT');
      assert.equal(result.code, 130);
      assert.match(result.stderr, /^hopscope: SIGINT again: exiting without flushing$/m);
      assert.doesNotMatch(result.stderr, SUMMARY_LINE);
    } finally {
      live.kill();
    }
  });
});
