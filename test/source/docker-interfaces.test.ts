import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HopscopeError } from '../../src/model/errors.js';
import {
  captureInterfaces,
  discoverCapturePlan,
  formatCapturePlan,
  isDockerBridgeName,
  planCapture,
  type CapturePlanEntry,
} from '../../src/source/docker-interfaces.js';
import { InterfaceWatcher, watchInterfaces, type InterfaceChanges } from '../../src/source/interface-watcher.js';
import { listNetInterfaces } from '../../src/source/net-interfaces.js';
import { skipUnless } from '../support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'hopscope-ifaces-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// ---------- a fake sysfs, laid out like the real one ----------

interface FakeInterface {
  name: string;
  ifindex: number;
  iflink?: number;
  type?: number;
  operstate?: string;
  bridge?: boolean;
  master?: string;
  lower?: string;
  hardware?: boolean;
}

/** Writes /sys/class/net-like symlinks into devices/{virtual,pci}/net/<name> directories; returns the class dir. */
function fakeSysfs(name: string, interfaces: FakeInterface[]): string {
  const root = join(dir, name);
  const classDir = join(root, 'class', 'net');
  mkdirSync(classDir, { recursive: true });
  for (const i of interfaces) {
    const parent = i.hardware === true ? 'devices/pci0000:00/0000:00:03.0/net' : 'devices/virtual/net';
    const devDir = join(root, parent, i.name);
    mkdirSync(devDir, { recursive: true });
    writeFileSync(join(devDir, 'type'), `${i.type ?? 1}\n`);
    writeFileSync(join(devDir, 'ifindex'), `${i.ifindex}\n`);
    writeFileSync(join(devDir, 'iflink'), `${i.iflink ?? i.ifindex}\n`);
    writeFileSync(join(devDir, 'operstate'), `${i.operstate ?? 'up'}\n`);
    if (i.bridge === true) mkdirSync(join(devDir, 'bridge'));
    if (i.master !== undefined) symlinkSync(`../${i.master}`, join(devDir, 'master'));
    if (i.lower !== undefined) symlinkSync(`../${i.lower}`, join(devDir, `lower_${i.lower}`));
    symlinkSync(join('..', '..', parent, i.name), join(classDir, i.name));
  }
  return classDir;
}

const dockerHost: FakeInterface[] = [
  { name: 'lo', ifindex: 1, type: 772, operstate: 'unknown' },
  { name: 'eth0', ifindex: 2, hardware: true },
  { name: 'docker0', ifindex: 3, bridge: true },
  { name: 'br-3f2a9c0d1e2b', ifindex: 4, bridge: true, operstate: 'down' },
  { name: 'virbr0', ifindex: 5, bridge: true },
  { name: 'veth12ab', ifindex: 6, iflink: 5, master: 'docker0' },
  { name: 'veth99ff', ifindex: 7, iflink: 2, master: 'br-3f2a9c0d1e2b' },
  { name: 'vnet0', ifindex: 8, iflink: 3, master: 'virbr0' },
  { name: 'eth0.100', ifindex: 9, iflink: 2, lower: 'eth0' },
  { name: 'dummy0', ifindex: 10 },
  { name: 'vethlone', ifindex: 11, iflink: 4 },
];

describe('capture plan from sysfs', () => {
  it('classifies interfaces', async () => {
    const found = await listNetInterfaces(fakeSysfs('classify', dockerHost));
    assert.deepEqual(
      found.map((i) => [i.name, i.kind, i.master ?? '-', i.operState]),
      [
        ['br-3f2a9c0d1e2b', 'bridge', '-', 'down'],
        ['docker0', 'bridge', '-', 'up'],
        ['dummy0', 'virtual', '-', 'up'],
        ['eth0', 'device', '-', 'up'],
        ['eth0.100', 'virtual', '-', 'up'],
        ['lo', 'loopback', '-', 'unknown'],
        ['veth12ab', 'veth', 'docker0', 'up'],
        ['veth99ff', 'veth', 'br-3f2a9c0d1e2b', 'up'],
        ['vethlone', 'veth', '-', 'up'],
        ['virbr0', 'bridge', '-', 'up'],
        // Not named veth…, but a software device paired with another and without a lower device.
        ['vnet0', 'veth', 'virbr0', 'up'],
      ],
    );
  });

  it('captures Docker bridges and says why everything else is skipped', async () => {
    const plan = await discoverCapturePlan(fakeSysfs('plan', dockerHost));
    assert.deepEqual(captureInterfaces(plan), ['br-3f2a9c0d1e2b', 'docker0']);
    assert.deepEqual(formatCapturePlan(plan), [
      'br-3f2a9c0d1e2b  bridge    capture  Docker network bridge (down: no container attached yet)',
      "docker0          bridge    capture  Docker's default bridge",
      'virbr0           bridge    skip     bridge not made by Docker (Docker names its bridges docker0 and br-*)',
      'veth12ab         veth      skip     member of docker0 (the bridge sees its traffic)',
      'veth99ff         veth      skip     member of br-3f2a9c0d1e2b (the bridge sees its traffic)',
      'vethlone         veth      skip     veth not attached to a bridge',
      'vnet0            veth      skip     member of virbr0, which is not a Docker bridge',
      'eth0             device    skip     not a Docker bridge',
      'dummy0           virtual   skip     not a Docker bridge',
      'eth0.100         virtual   skip     not a Docker bridge',
      'lo               loopback  skip     loopback: traffic of the host itself, not between containers',
    ]);
    assert.deepEqual(
      plan.find((e) => e.name === 'veth12ab'),
      { name: 'veth12ab', kind: 'veth', decision: 'skip', reason: 'member of docker0 (the bridge sees its traffic)', master: 'docker0', operState: 'up' },
    );
  });

  it('names Docker bridges', () => {
    assert.equal(isDockerBridgeName('docker0'), true);
    assert.equal(isDockerBridgeName('br-3f2a9c0d1e2b'), true);
    assert.equal(isDockerBridgeName('docker1'), false);
    assert.equal(isDockerBridgeName('virbr0'), false);
    // A non-bridge named br-… is still not captured.
    assert.deepEqual(
      planCapture([{ name: 'br-x', kind: 'device', ifindex: 1, operState: 'up' }]).map((e) => e.decision),
      ['skip'],
    );
    assert.deepEqual(formatCapturePlan([]), []);
  });

  it('fails with a clear error without sysfs', async () => {
    await assert.rejects(listNetInterfaces(join(dir, 'nowhere')), (e: unknown) => {
      assert.ok(e instanceof HopscopeError);
      assert.equal(e.code, 'file-unreadable');
      assert.match(e.message, /cannot list network interfaces .*sysfs/);
      return true;
    });
  });

  it('the watcher reports bridges and veths that appear, change and vanish', async () => {
    const root = fakeSysfs('watch', dockerHost.slice(0, 4));
    const reports: InterfaceChanges[] = [];
    const errors: unknown[] = [];
    // A long interval: this test drives the scans itself with poll().
    const watcher = new InterfaceWatcher((c) => reports.push(c), { root, intervalMs: 60_000, onError: (e) => errors.push(e) });
    const baseline = await watcher.start();
    try {
      assert.deepEqual(captureInterfaces(baseline), ['br-3f2a9c0d1e2b', 'docker0']);
      assert.equal(await watcher.poll(), undefined);

      // A new network's bridge and a veth not yet enslaved (Docker enslaves it just after creating it).
      const devDir = join(root, '..', '..', 'devices', 'virtual', 'net');
      const add = (i: FakeInterface): void => {
        const d = join(devDir, i.name);
        mkdirSync(d);
        for (const [file, value] of [['type', 1], ['ifindex', i.ifindex], ['iflink', i.iflink ?? i.ifindex], ['operstate', 'up']] as const) {
          writeFileSync(join(d, file), `${value}\n`);
        }
        if (i.bridge === true) mkdirSync(join(d, 'bridge'));
        symlinkSync(join('..', '..', 'devices', 'virtual', 'net', i.name), join(root, i.name));
      };
      add({ name: 'br-000000000001', ifindex: 20, bridge: true });
      add({ name: 'veth0001', ifindex: 21, iflink: 3 });
      add({ name: 'dummy9', ifindex: 22, iflink: 22 });
      const first = await watcher.poll();
      assert.ok(first !== undefined);
      assert.deepEqual(
        first.appeared.map((e) => [e.name, e.decision]),
        [['br-000000000001', 'capture'], ['veth0001', 'skip']],
      );
      assert.deepEqual(first.vanished, []);
      assert.deepEqual(captureInterfaces(first.plan), ['br-000000000001', 'br-3f2a9c0d1e2b', 'docker0']);

      symlinkSync('../br-000000000001', join(devDir, 'veth0001', 'master'));
      const second = await watcher.poll();
      assert.deepEqual(second?.changed.map((e) => [e.name, e.reason]), [['veth0001', 'member of br-000000000001 (the bridge sees its traffic)']]);

      rmSync(join(root, 'br-000000000001'));
      rmSync(join(root, 'veth0001'));
      rmSync(join(root, 'dummy9'));
      const third = await watcher.poll();
      assert.deepEqual(third?.vanished.map((e) => e.name), ['br-000000000001', 'veth0001']);
      assert.deepEqual(third?.appeared, []);
      assert.deepEqual(reports, [first, second, third]);
      assert.equal(errors.length, 0);

      // A failing scan is reported through onError, and polling goes on.
      rmSync(root, { recursive: true });
      assert.equal(await watcher.poll(), undefined);
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof HopscopeError);
    } finally {
      watcher.stop();
    }
  });
});

// ---------- real interfaces (root and iproute2) ----------

const isRoot = process.getuid?.() === 0;
const hasIp = spawnSync('ip', ['-V'], { encoding: 'utf8' }).status === 0;

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `ip ${args.join(' ')}: ${r.stderr}`);
}

/** Deletes links left by an earlier, interrupted run (or by this one); a missing link is fine. */
function removeLinks(...names: string[]): void {
  for (const name of names) spawnSync('ip', ['link', 'del', name], { encoding: 'utf8' });
}

/** Polls `check` until it returns true; fails after `ms`. A bound on waiting, not a timing assertion. */
async function eventually(check: () => boolean, ms: number, what: string, refresh?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    await refresh?.();
    if (check()) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const BRIDGE = 'hsdi-br0';
const DOCKER_LIKE = 'br-hsdi0000001';
const names = [BRIDGE, DOCKER_LIKE, 'hsdi-v0', 'hsdi-v2', 'hsdi-v4'];

describe('capture plan on real interfaces', { skip: skipUnless(isRoot && hasIp, 'needs root and iproute2 (ip) to create bridges and veths') }, () => {
  it('plans Docker-like and other bridges and their veths', async () => {
    removeLinks(...names);
    try {
      ip('link', 'add', BRIDGE, 'type', 'bridge');
      ip('link', 'add', DOCKER_LIKE, 'type', 'bridge');
      ip('link', 'add', 'hsdi-v0', 'type', 'veth', 'peer', 'name', 'hsdi-v1');
      ip('link', 'add', 'hsdi-v2', 'type', 'veth', 'peer', 'name', 'hsdi-v3');
      ip('link', 'set', 'hsdi-v0', 'master', BRIDGE);
      ip('link', 'set', 'hsdi-v2', 'master', DOCKER_LIKE);
      ip('link', 'set', DOCKER_LIKE, 'up');
      let plan = await discoverCapturePlan();
      const pick = (name: string): CapturePlanEntry | undefined => plan.find((e) => e.name === name);
      // Up but without a working port a bridge has no carrier: it is down, and captured all the same.
      assert.deepEqual(pick(DOCKER_LIKE), {
        name: DOCKER_LIKE, kind: 'bridge', decision: 'capture', reason: 'Docker network bridge (down: no container attached yet)', operState: 'down',
      });
      // A "container" attached: both ends of its veth up give the bridge a carrier.
      ip('link', 'set', 'hsdi-v3', 'up');
      ip('link', 'set', 'hsdi-v2', 'up');
      await eventually(() => pick(DOCKER_LIKE)?.operState === 'up', 10_000, 'the bridge up', async () => {
        plan = await discoverCapturePlan();
      });
      assert.equal(pick(DOCKER_LIKE)?.reason, 'Docker network bridge');
      assert.deepEqual([pick(BRIDGE)?.kind, pick(BRIDGE)?.decision], ['bridge', 'skip']);
      assert.match(pick(BRIDGE)!.reason, /not made by Docker/);
      assert.deepEqual(pick('hsdi-v0'), {
        name: 'hsdi-v0', kind: 'veth', decision: 'skip', reason: `member of ${BRIDGE}, which is not a Docker bridge`, master: BRIDGE, operState: 'down',
      });
      assert.deepEqual(pick('hsdi-v2'), {
        name: 'hsdi-v2', kind: 'veth', decision: 'skip', reason: `member of ${DOCKER_LIKE} (the bridge sees its traffic)`, master: DOCKER_LIKE, operState: 'up',
      });
      // The peer end, attached to nothing, is a veth too (not named veth…).
      assert.deepEqual([pick('hsdi-v1')?.kind, pick('hsdi-v1')?.reason], ['veth', 'veth not attached to a bridge']);
      assert.ok(captureInterfaces(plan).includes(DOCKER_LIKE));
      assert.ok(!captureInterfaces(plan).includes(BRIDGE));
      const lo = pick('lo');
      assert.deepEqual([lo?.kind, lo?.decision], ['loopback', 'skip']);
    } finally {
      removeLinks(...names);
    }
  });

  it('the watcher sees a bridge and a veth appear, get enslaved and vanish', async () => {
    removeLinks(...names);
    const reports: InterfaceChanges[] = [];
    const watcher = await watchInterfaces((c) => reports.push(c), { intervalMs: 50 });
    const seen = (pred: (c: InterfaceChanges) => boolean): boolean => reports.some(pred);
    try {
      assert.equal(watcher.plan.some((e) => e.name === DOCKER_LIKE), false);
      ip('link', 'add', DOCKER_LIKE, 'type', 'bridge');
      ip('link', 'add', 'hsdi-v4', 'type', 'veth', 'peer', 'name', 'hsdi-v5');
      await eventually(
        () => seen((c) => c.appeared.some((e) => e.name === DOCKER_LIKE && e.decision === 'capture')) && seen((c) => c.appeared.some((e) => e.name === 'hsdi-v4')),
        10_000,
        'the new bridge and veth',
      );
      ip('link', 'set', 'hsdi-v4', 'master', DOCKER_LIKE);
      await eventually(() => seen((c) => c.changed.some((e) => e.name === 'hsdi-v4' && e.master === DOCKER_LIKE)), 10_000, 'the veth enslaved');
      removeLinks('hsdi-v4', DOCKER_LIKE);
      await eventually(
        () => seen((c) => c.vanished.some((e) => e.name === DOCKER_LIKE)) && seen((c) => c.vanished.some((e) => e.name === 'hsdi-v4')),
        10_000,
        'the bridge and veth gone',
      );
      assert.equal(watcher.plan.some((e) => e.name === DOCKER_LIKE), false);
    } finally {
      watcher.stop();
      removeLinks(...names);
    }
  });
});
