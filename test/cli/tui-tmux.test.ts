import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertValid, harValidators } from '../sinks/support/har-schema.js';
import { ownCaptures, skipUnless } from '../support/paths.js';
import { cliPath } from './run-cli.js';
import { hasTmux, shellQuote, TmuxPane } from './tui-tmux-driver.js';

const demo = join(ownCaptures, 'demo.pcapng');
const demoNames = join(ownCaptures, 'demo.containers.json');
const isRoot = process.getuid?.() === 0;

/** Exchange rows on a screen: lines with a method and a status code. */
function rows(screen: string): Array<{ line: string; status: number }> {
  const out: Array<{ line: string; status: number }> = [];
  for (const line of screen.split('\n')) {
    const m = /\s(GET|POST|PUT|DELETE|PATCH|HEAD)\s+\/\S*\s+(\d{3})\s/.exec(line);
    if (m) out.push({ line, status: Number(m[2]) });
  }
  return out;
}

/**
 * The real program in a real terminal: `read demo.pcapng --tui` in a 160×45 tmux pane, driven by keys
 * as a user would, the screen read back after each step.
 */
test('read --tui: rows, filter, containers view, drill-down, detail, export, help, quit', { skip: skipUnless(hasTmux, 'needs tmux'), timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-tui-'));
  // stty -g before and after: quitting must give the terminal back as it was (raw mode off, echo on).
  const command = [
    `stty -g > before.stty`,
    `node ${shellQuote(cliPath)} read ${shellQuote(demo)} --containers ${shellQuote(demoNames)} --tui 2> stderr.txt`,
  ].join('; ');
  const pane = TmuxPane.start(`${command}; code=$?; stty -g > after.stty; (exit $code)`, { width: 160, height: 45, cwd: dir, name: 'read' });
  try {
    await TmuxPane.settle(800);
    let screen = await pane.waitFor(/247 kept/, 'the whole capture read');
    assert.match(screen, /demo-client\s+demo-gateway/, 'rows name both ends by container');
    assert.ok(rows(screen).length > 20, 'the list fills the screen');

    pane.keys(['/']);
    await TmuxPane.settle();
    pane.type('status>=500');
    await TmuxPane.settle();
    pane.keys(['Enter']);
    screen = await pane.waitFor(/18 shown/, 'the filter applied');
    const errors = rows(screen);
    assert.ok(errors.length > 0 && errors.every((r) => r.status >= 500), screen);

    pane.keys(['t']);
    screen = await pane.waitFor(/REQS/, 'the containers view');
    assert.match(screen, /demo-client\s+demo-gateway\s+9\b/, 'the pair with its request count');
    assert.match(screen, /demo-gateway\s+demo-orders\s+9\b/);

    pane.keys(['Enter']); // the focused (first) pair
    screen = await pane.waitFor(/client="[^"]+" and server="[^"]+" \(\d+ shown\)/, 'the drill-down filter');
    const [, client, server, shown] = /client="([^"]+)" and server="([^"]+)" \((\d+) shown\)/.exec(screen)!;
    const pair = rows(screen);
    assert.ok(pair.length > 0 && pair.every((r) => new RegExp(`${client}\\s+${server}\\s`).test(r.line)), screen);

    pane.keys(['Enter']);
    screen = await pane.waitFor(/Tab switches/, 'the detail view');
    assert.match(screen, /content-type: application\/json/i, 'headers');
    pane.keys(['Tab']);
    await TmuxPane.settle();
    screen = await pane.waitFor(/^(GET|POST) \/api\/\S+ HTTP\/1\.1$/m, 'the other message (the request line)');
    pane.keys(['Tab']);
    screen = await pane.waitFor(/^HTTP\/1\.1 \d{3}/m, 'the response again');
    pane.keys(['Escape']);
    await pane.waitFor(/TIME \(UTC\)/, 'back to the list');

    pane.keys(['e']);
    screen = await pane.waitFor(/exported to \S+\.har/, 'the export path');
    const files = readdirSync(dir).filter((f) => /^hopscope-\d{8}-\d{6}\.har$/.test(f));
    assert.equal(files.length, 1, screen);
    type Entry = { _clientContainer?: { name?: string }; _serverContainer?: { name?: string } };
    const har = JSON.parse(readFileSync(join(dir, files[0]), 'utf8')) as { log: { entries: Entry[] } };
    assertValid(harValidators().har, har);
    assert.equal(har.log.entries.length, Number(shown), 'exactly the exchanges the filter shows');
    assert.ok(har.log.entries.every((e) => e._clientContainer?.name === client && e._serverContainer?.name === server), `only ${client} → ${server}`);

    pane.keys(['?']);
    screen = await pane.waitFor(/hopscope keys/, 'the help');
    for (const key of ['/', 't', 'w', 'e', 'space', 'Tab', 'F']) assert.ok(screen.includes(`  ${key} `) || screen.includes(` ${key}  `), `help lists ${key}`);
    pane.keys(['Escape']);
    await TmuxPane.settle();
    pane.keys(['q']);
    screen = await pane.waitFor(/exit-\d+/, 'the exit');
    assert.match(screen, /exit-0/);
    assert.doesNotMatch(screen, /TIME \(UTC\)|kept/, 'the UI is gone: the terminal is back to the shell screen');
    assert.equal(readFileSync(join(dir, 'after.stty'), 'utf8'), readFileSync(join(dir, 'before.stty'), 'utf8'), 'terminal modes restored');
    // Ink shows the cursor again on stderr; nothing else may be there.
    assert.equal(readFileSync(join(dir, 'stderr.txt'), 'utf8').replace(/\x1b\[\?25[hl]/g, ''), '', 'nothing on stderr');
  } finally {
    pane.kill();
  }
});

test('read --tui: Ctrl-C quits cleanly too', { skip: skipUnless(hasTmux, 'needs tmux'), timeout: 60_000 }, async () => {
  const pane = TmuxPane.start(`node ${shellQuote(cliPath)} demo --tui`, { name: 'ctrlc' });
  try {
    await TmuxPane.settle(800);
    // demo --tui names the demo's containers without being told.
    await pane.waitFor(/demo-client\s+demo-gateway/, 'named rows');
    pane.keys(['C-c']);
    const screen = await pane.waitFor(/exit-\d+/, 'the exit');
    assert.match(screen, /exit-0/);
  } finally {
    pane.kill();
  }
});

/**
 * `hopscope` with no arguments where it cannot capture: as user nobody (no capture permission; no
 * Docker socket either) on a terminal it opens the demo, says why in the UI, and rows keep arriving
 * at the recorded pace.
 */
test('hopscope with no arguments and no capture permission: the demo replayed, the reason shown', { skip: skipUnless(hasTmux && isRoot, 'needs tmux and root (to run as nobody)'), timeout: 60_000 }, async () => {
  const pane = TmuxPane.start(`runuser -u nobody -- node ${shellQuote(cliPath)} 2> /tmp/hopscope-tui-nobody-${process.pid}.err`, { name: 'nobody', cwd: tmpdir() });
  try {
    await TmuxPane.settle(1000);
    const first = await pane.waitFor((s) => rows(s).length > 0, 'the first replayed rows');
    assert.match(first, /demo capture: (live capture needs root|no Docker bridges|the live capture addon)/, 'the reason is on screen');
    assert.match(first, /demo-client|demo-gateway/, 'named by demo.containers.json');
    const count = (s: string) => Number(/ (\d[\d,]*) kept/.exec(s)?.[1].replace(/,/g, '') ?? 0);
    const before = count(first);
    assert.ok(before < 247, 'not all at once');
    const later = await pane.waitFor((s) => count(s) > before, 'more rows over time');
    assert.ok(count(later) > before);
    pane.keys(['q']);
    const screen = await pane.waitFor(/exit-\d+/, 'the exit');
    assert.match(screen, /exit-0/);
    const stderr = readFileSync(`/tmp/hopscope-tui-nobody-${process.pid}.err`, 'utf8');
    assert.match(stderr, /showed the bundled demo capture instead/, 'the reason again on stderr after the UI');
  } finally {
    pane.kill();
  }
});

test('--tui with stdin as the capture is a usage error', { skip: skipUnless(hasTmux, 'needs tmux') }, async () => {
  const pane = TmuxPane.start(`node ${shellQuote(cliPath)} read - --tui < ${shellQuote(demo)}`, { name: 'stdin' });
  try {
    const screen = await pane.waitFor(/exit-\d+/, 'the exit');
    assert.match(screen, /stdin is the keyboard/);
    assert.match(screen, /exit-2/);
  } finally {
    pane.kill();
  }
});
