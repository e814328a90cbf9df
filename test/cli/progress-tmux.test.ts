import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { join } from 'node:path';
import { ownCaptures, repoRoot, skipUnless } from '../support/paths.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const session = `hopscope-progress-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The pane's screen once it matches (or the last screen after 20 s). */
async function screenMatching(session: string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', session);
    if (pattern.test(screen) || Date.now() > deadline) return screen;
    await sleep(100);
  }
}

/**
 * The progress bar, in a real terminal: reading a capture whose input pauses half way shows bytes,
 * packets and exchanges on stderr; when the run ends the bar is gone and only the output remains.
 */
test('a progress line on the terminal while reading, cleared at the end', { skip: skipUnless(hasTmux, 'needs tmux') }, async () => {
  const demo = join(ownCaptures, 'demo.pcapng');
  const cli = join(repoRoot, 'dist', 'cli.js');
  // stdout goes to a file so the pane shows only what stderr (the terminal) gets.
  const command = `(head -c 150000 ${demo}; sleep 2; tail -c +150001 ${demo}) | node ${cli} read - --summary > /tmp/${session}.out; echo done-$?`;
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '20', command + '; sleep 30');
  try {
    // Polled, not slept: under load the program may take a while to start.
    const bar = /KiB +\d[\d,]* packets +\d[\d,]* exchanges +[\d.]+ (B|KiB|MiB)\/s/;
    const during = await screenMatching(session, bar);
    assert.match(during, bar, during);
    const after = await screenMatching(session, /done-\d+/);
    assert.match(after, /done-0/, after);
    assert.doesNotMatch(after, /packets/, 'the bar is cleared');
  } finally {
    spawnSync('tmux', ['kill-session', '-t', session]);
  }
});
