import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openLiveCapture } from '../../../src/source/live/index.js';
import { repoRoot } from '../../support/paths.js';
import { closeServer, get, needsLive, openFds, startServer } from './live-helpers.js';

describe('capture lifecycle', { skip: needsLive }, () => {
  it('stops and restarts 20 times without leaking file descriptors', async () => {
    const { server, port } = await startServer();
    try {
      // One cycle first: whatever Node opens lazily (thread pool, epoll) is open before counting.
      const warm = openLiveCapture({ devices: ['lo'] }, { frames() {} });
      await warm.stop();
      const before = openFds();
      for (let i = 0; i < 20; i++) {
        let frames = 0;
        const capture = openLiveCapture({ devices: ['lo'], filter: `tcp port ${port}` }, { frames: (batch) => (frames += batch.length) });
        await get(port, `/cycle-${i}`);
        await capture.stop();
        assert.ok(frames >= 2, `cycle ${i} delivered ${frames} frames`);
      }
      assert.equal(openFds(), before);
    } finally {
      await closeServer(server);
    }
  });

  for (const mode of ['stop', 'unref']) {
    it(`lets the process exit after ${mode}()`, () => {
      const output = execFileSync(process.execPath, ['--import', 'tsx', join('test', 'source', 'live', 'fixtures', 'exit-after.ts'), mode], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(output.trim(), `ok ${mode}`);
    });
  }

  it('keeps the process alive while running, like a listening socket', () => {
    const fixture = join('test', 'source', 'live', 'fixtures', 'exit-after.ts');
    assert.throws(
      () => execFileSync(process.execPath, ['--import', 'tsx', fixture, 'running'], { cwd: repoRoot, encoding: 'utf8', timeout: 3000 }),
      (error: NodeJS.ErrnoException & { stdout?: string }) => error.code === 'ETIMEDOUT' && error.stdout?.trim() === 'ok running',
    );
  });
});
