import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import type { Frame } from '../../../src/model/frame.js';
import { openLiveCapture } from '../../../src/source/live/index.js';
import { needsLive, run, textOf, waitFor } from './live-helpers.js';

// Test-owned names: a veth pair with one end in a namespace of our own, so traffic sent to the
// far end's address leaves through the near end, where we capture it.
const tag = String(process.pid % 100000);
const namespace = `hs-live-${tag}`;
const near = `hsl${tag}a`;
const far = `hsl${tag}b`;
const subnet = 1 + (process.pid % 250);
const farAddress = `169.254.${subnet}.2`;

function cleanUp(): void {
  try {
    run('ip', ['link', 'del', near]);
  } catch {
    // already gone: the test deletes it
  }
  try {
    run('ip', ['netns', 'del', namespace]);
  } catch {
    // never created
  }
}

async function sendUdp(text: string): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => socket.send(text, 9, farAddress, (error) => (error ? reject(error) : resolve())));
  socket.close();
}

describe('adding and removing devices while capturing', { skip: needsLive }, () => {
  before(() => {
    cleanUp();
    run('ip', ['netns', 'add', namespace]);
    run('ip', ['link', 'add', near, 'type', 'veth', 'peer', 'name', far]);
    run('ip', ['link', 'set', far, 'netns', namespace]);
    run('ip', ['addr', 'add', `169.254.${subnet}.1/30`, 'dev', near]);
    run('ip', ['link', 'set', near, 'up']);
    run('ip', ['-n', namespace, 'addr', 'add', `${farAddress}/30`, 'dev', far]);
    run('ip', ['-n', namespace, 'link', 'set', far, 'up']);
  });
  after(cleanUp);

  it("captures on a device added at runtime and reports 'device-closed' when it disappears", async () => {
    const frames: Frame[] = [];
    const closed: Array<[string, string, number]> = [];
    const capture = openLiveCapture({ devices: ['lo'], filter: 'udp port 9 or arp' }, {
      frames: (batch) => frames.push(...batch),
      deviceClosed: (name, reason, id) => closed.push([name, reason, id]),
    });
    const added = capture.addDevice(near);
    assert.equal(added.id, 1);
    assert.equal(added.name, near);
    assert.equal(added.linkType, 1);
    assert.equal(capture.interfaces[1], added);

    const seen = (text: string) => frames.some((f) => f.interfaceId === 1 && textOf(f.data).includes(text));
    for (let i = 0; i < 3; i++) await sendUdp(`hopscope-veth-${i}`);
    await waitFor(() => seen('hopscope-veth-2'), 5000, 'UDP datagrams on the veth');
    assert.ok(frames.some((f) => f.interfaceId === 1 && f.data[12] === 0x08 && f.data[13] === 0x06), 'ARP seen too');
    assert.ok(!frames.some((f) => f.interfaceId === 0), 'nothing of that on lo');

    run('ip', ['link', 'del', near]);
    await waitFor(() => closed.length > 0, 5000, 'device-closed event');
    assert.equal(closed[0][0], near);
    assert.equal(closed[0][2], 1);
    assert.ok(closed[0][1].length > 0, 'a reason');

    // lo goes on; removing it explicitly reports 'removed' after its last frames.
    assert.equal(capture.removeDevice('lo'), true);
    assert.equal(capture.removeDevice('lo'), false, 'already being removed');
    await waitFor(() => closed.length > 1, 5000, 'removed event');
    assert.deepEqual(closed[1], ['lo', 'removed', 0]);

    // A device can come back; it gets a new interface id.
    const again = capture.addDevice('lo');
    assert.equal(again.id, 2);
    const stats = capture.stats();
    assert.deepEqual(stats.map((s) => [s.interfaceId, s.name, s.open]), [[0, 'lo', false], [1, near, false], [2, 'lo', true]]);
    assert.equal(stats[1].closedReason, closed[0][1]);
    assert.ok(stats[1].delivered >= 3 && stats[1].captured === stats[1].delivered);
    await capture.stop();
    assert.equal(closed.length, 2, 'stop() closes quietly');
    assert.equal(capture.stats()[2].closedReason, 'stopped');
  });
});
