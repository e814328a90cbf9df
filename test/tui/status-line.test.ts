import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { createElement as h } from 'react';
import { StatusLine, statusParts } from '../../src/tui/status-line.js';
import type { TuiStatus } from '../../src/tui/status.js';
import { HELP_SECTIONS } from '../../src/tui/help-view.js';
import { plainLines, renderAt } from './tui-fixtures.js';

const live: TuiStatus = {
  source: 'live',
  interfaces: ['docker0', 'br-5f3a'],
  packets: 123456,
  kernelDrops: 7,
  queueDrops: 0,
  resolver: 'docker: connected',
  finished: false,
};

describe('StatusLine', () => {
  afterEach(cleanup); // a failed assertion must not leave a mounted App (its timer) behind
  it('shows source, kept and evicted, packets, drops, resolver and interfaces', () => {
    assert.deepEqual(statusParts({ status: live, kept: 50000, evicted: 1234, paused: false }), [
      'live',
      '50,000 kept, 1,234 evicted',
      '123,456 pkts',
      'drops 7 kernel 0 queue',
      'docker: connected',
      'docker0,br-5f3a',
      '? help',
    ]);
  });

  it('puts PAUSED first so a narrow terminal still shows it, and fills the width', async () => {
    const r = await renderAt(h(StatusLine, { status: live, kept: 10, evicted: 0, paused: true, width: 40 }), 40, 10);
    const [line] = plainLines(r.lastFrame());
    assert.equal(line.length, 40);
    assert.match(line, /^ PAUSED \(space resumes\)  live · 10 kept/);
    r.unmount();
  });

  it('a file says when it has been read to the end', () => {
    const file = { ...live, source: 'file x.pcap', interfaces: [], kernelDrops: 0, finished: true };
    assert.deepEqual(statusParts({ status: file, kept: 3, evicted: 0, paused: false }).slice(0, 2), ['file x.pcap (read)', '3 kept']);
  });
});

describe('help', () => {
  it('lists every key the App handles', () => {
    const keys = HELP_SECTIONS.flatMap((s) => s.keys.map(([k]) => k)).join(' ');
    for (const key of ['↑ ↓', 'PgUp PgDn', 'Home End', 'F', 'Enter', '/', 't', 'w', 'c', 'e', 'Tab', 'Esc', 's', 'space', '?', 'q']) {
      assert.ok(keys.includes(key), `help mentions ${key}`);
    }
  });
});
