import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HopscopeError } from '../../../src/model/errors.js';
import { loadAddon, openLiveCapture, PERMISSION_MESSAGE } from '../../../src/source/live/index.js';
import { repoRoot } from '../../support/paths.js';
import { needsLive, openFds } from './live-helpers.js';

function hopscopeError(code: string, pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof HopscopeError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  };
}

describe('live capture without the addon', () => {
  it("says what to install when the addon is not built", () => {
    assert.throws(() => loadAddon('/nonexistent/hopscope_pcap.node'), hopscopeError('live-unavailable', /install libpcap-dev and a C\+\+ compiler.*npm run build:native/));
  });

  it('says the same when the file is there but does not load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hopscope-addon-'));
    try {
      const bogus = join(dir, 'hopscope_pcap.node');
      writeFileSync(bogus, 'not an ELF file');
      assert.throws(() => loadAddon(bogus), hopscopeError('live-unavailable', /does not load.*npm run build:native/));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('live capture errors', { skip: needsLive }, () => {
  const noFrames = { frames() {} };

  it("maps a bad filter to 'bad-filter' with libpcap's message, leaving nothing open", () => {
    const before = openFds();
    assert.throws(
      () => openLiveCapture({ devices: ['lo'], filter: 'tcp port' }, noFrames),
      hopscopeError('bad-filter', /^bad capture filter "tcp port": .*syntax error/),
    );
    assert.throws(
      () => openLiveCapture({ devices: ['lo'], filter: 'host 999.1.1.1' }, noFrames),
      hopscopeError('bad-filter', /999\.1\.1\.1/),
    );
    assert.equal(openFds(), before);
  });

  it("maps a missing device to 'no-such-device', also when added later", async () => {
    assert.throws(
      () => openLiveCapture({ devices: ['lo', 'hs-nonexist0'] }, noFrames),
      hopscopeError('no-such-device', /^no such network device: hs-nonexist0 /),
    );
    const capture = openLiveCapture({ devices: [] }, noFrames);
    assert.throws(() => capture.addDevice('hs-nonexist1'), hopscopeError('no-such-device', /hs-nonexist1/));
    capture.addDevice('lo');
    assert.throws(() => capture.addDevice('lo'), hopscopeError('capture-failed', /already capturing/));
    await capture.stop();
    assert.throws(() => capture.addDevice('lo'), hopscopeError('capture-failed', /stopped/));
    assert.deepEqual(capture.interfaces.map((i) => i.name), ['lo']);
  });

  it("maps missing privileges to 'permission' with the fix, and a failed open lets the process exit", () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', join('test', 'source', 'live', 'fixtures', 'open-as-nobody.ts')], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 30_000,
    });
    const result = JSON.parse(output.trim()) as { code: string; message: string; uid: number };
    assert.equal(result.uid, 65534);
    assert.equal(result.code, 'permission');
    assert.equal(result.message, PERMISSION_MESSAGE);
    assert.match(result.message, /CAP_NET_RAW\+CAP_NET_ADMIN.*sudo setcap cap_net_raw,cap_net_admin=eip/);
  });

  it('rejects invalid options as usage errors', () => {
    assert.throws(() => openLiveCapture({ devices: ['lo'], snapLength: 0 }, noFrames), hopscopeError('usage', /snapLength/));
    assert.throws(() => openLiveCapture({ devices: ['lo'], batchBytes: 1.5 }, noFrames), hopscopeError('usage', /batchBytes/));
  });
});
