import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IpTimeline } from '../../src/containers/ip-timeline.js';
import { containerRef, hostRef } from '../../src/containers/container-refs.js';
import type { Timestamp } from '../../src/model/time.js';

const t = (sec: number, nsec = 0): Timestamp => ({ sec, nsec });
const a = containerRef({ id: 'aaa', name: 'alpha', network: 'net' });
const b = containerRef({ id: 'bbb', name: 'beta', network: 'net' });
const c = containerRef({ id: 'ccc', name: 'gamma', network: 'net' });

describe('IpTimeline', () => {
  it('resolves by address and time: a reused address names each owner in its own interval [from, to)', () => {
    const tl = new IpTimeline();
    tl.open('10.0.0.2', a, t(100));
    tl.close('10.0.0.2', a, t(200, 5));
    tl.open('10.0.0.2', b, t(300));
    assert.equal(tl.resolve('10.0.0.2', t(99, 999_999_999)), undefined);
    assert.equal(tl.resolve('10.0.0.2', t(100)), a);
    assert.equal(tl.resolve('10.0.0.2', t(200, 4)), a);
    assert.equal(tl.resolve('10.0.0.2', t(200, 5)), undefined, 'to is exclusive, to the nanosecond');
    assert.equal(tl.resolve('10.0.0.2', t(299)), undefined);
    assert.equal(tl.resolve('10.0.0.2', t(300)), b);
    assert.equal(tl.resolve('10.0.0.2', t(9e9)), b);
    assert.equal(tl.resolve('10.0.0.3', t(300)), undefined);
  });

  it('a new owner ends the previous one at its start; re-opening the same owner is a no-op', () => {
    const tl = new IpTimeline();
    tl.open('10.0.0.2', a, t(100));
    tl.open('10.0.0.2', a, t(150));
    tl.open('10.0.0.2', b, t(200));
    assert.equal(tl.resolve('10.0.0.2', t(120)), a, 're-opening a at 150 kept its start at 100');
    assert.equal(tl.resolve('10.0.0.2', t(199)), a);
    assert.equal(tl.resolve('10.0.0.2', t(200)), b);
    // A late close of a (its die event processed after b started) changes nothing.
    tl.close('10.0.0.2', a, t(250));
    assert.equal(tl.resolve('10.0.0.2', t(260)), b);
    assert.deepEqual(
      tl.intervals().map((i) => [i.ref.name, i.from?.sec, i.to?.sec]),
      [
        ['alpha', 100, 200],
        ['beta', 200, undefined],
      ],
    );
  });

  it('a retroactive open fills only up to the next known owner', () => {
    const tl = new IpTimeline();
    tl.open('10.0.0.2', b, t(300));
    tl.open('10.0.0.2', a, t(100));
    assert.equal(tl.resolve('10.0.0.2', t(250)), a);
    assert.equal(tl.resolve('10.0.0.2', t(300)), b);
    // The same owner learnt earlier extends its interval backwards.
    tl.open('10.0.0.2', a, t(50));
    assert.equal(tl.resolve('10.0.0.2', t(60)), a);
    assert.equal(tl.intervals().length, 2);
  });

  it('unbounded intervals, host refs, and owners at a time', () => {
    const tl = new IpTimeline();
    tl.open('172.17.0.1', hostRef());
    tl.open('172.17.0.2', a, t(10));
    tl.close('172.17.0.2', a, t(20));
    tl.open('172.17.0.3', c, t(15));
    assert.deepEqual(tl.resolve('172.17.0.1', t(-5)), { kind: 'host', name: 'host' });
    assert.deepEqual(
      tl.ownersAt(t(16)).map((i) => `${i.ip}=${i.ref.name}`),
      ['172.17.0.1=host', '172.17.0.2=alpha', '172.17.0.3=gamma'],
    );
    assert.deepEqual(
      tl.ownersAt().map((i) => `${i.ip}=${i.ref.name}`),
      ['172.17.0.1=host', '172.17.0.3=gamma'],
    );
  });

  it('record() is idempotent, so repeated snapshots of the same timeline merge cleanly', () => {
    const tl = new IpTimeline();
    tl.record({ ip: '10.0.0.2', ref: a, from: t(100) });
    tl.record({ ip: '10.0.0.2', ref: a, from: t(100), to: t(200) });
    tl.record({ ip: '10.0.0.2', ref: a, from: t(100), to: t(200) });
    tl.record({ ip: '10.0.0.2', ref: b, from: t(200) });
    assert.deepEqual(
      tl.intervals().map((i) => [i.ref.name, i.from?.sec, i.to?.sec]),
      [
        ['alpha', 100, 200],
        ['beta', 200, undefined],
      ],
    );
  });

  it('stays bounded: a horizon prunes old closed intervals and a cap limits intervals per address', () => {
    const tl = new IpTimeline({ horizonSeconds: 60, maxIntervalsPerAddress: 4 });
    for (let i = 0; i < 1000; i++) {
      const ip = `10.0.${i % 10}.2`;
      const owner = containerRef({ id: `id${i}`, name: `c${i}`, network: 'net' });
      tl.open(ip, owner, t(1000 + i));
      tl.close(ip, owner, t(1000 + i, 500));
    }
    const all = tl.intervals();
    assert.ok(all.length <= 40, `kept ${all.length} intervals`);
    for (const interval of all) assert.ok((interval.to?.sec ?? Infinity) >= 1999 - 60 - 8, 'nothing far beyond the horizon');
    assert.equal(tl.resolve('10.0.9.2', t(1999, 100)), all.find((i) => i.ref.name === 'c999')?.ref);

    const capped = new IpTimeline({ maxIntervalsPerAddress: 3 });
    for (let i = 0; i < 10; i++) capped.open('10.0.0.2', containerRef({ id: `x${i}`, name: `x${i}` }), t(i));
    assert.deepEqual(capped.intervals().map((i) => i.ref.name), ['x7', 'x8', 'x9']);
    assert.equal(capped.resolve('10.0.0.2', t(2)), undefined);
  });

  it('binary search agrees with a linear scan on many intervals', () => {
    const tl = new IpTimeline({ maxIntervalsPerAddress: 1000 });
    const owners = Array.from({ length: 50 }, (_, i) => containerRef({ id: `o${i}`, name: `o${i}` }));
    for (let i = 0; i < 50; i++) {
      tl.open('fd00::2', owners[i], t(i * 10, 7));
      if (i % 3 === 0) tl.close('fd00::2', owners[i], t(i * 10 + 4));
    }
    // Reference: the same intervals, scanned linearly.
    const ref = owners.map((owner, i) => ({
      owner,
      from: t(i * 10, 7),
      to: i % 3 === 0 ? t(i * 10 + 4) : i < 49 ? t((i + 1) * 10, 7) : undefined,
    }));
    const le = (x: Timestamp, y: Timestamp) => x.sec < y.sec || (x.sec === y.sec && x.nsec <= y.nsec);
    for (let s = -5; s < 520; s++) {
      for (const n of [0, 7, 999_999_999]) {
        const at = t(s, n);
        const hit = ref.find((r) => le(r.from, at) && (r.to === undefined || !le(r.to, at)));
        assert.equal(tl.resolve('fd00::2', at), hit?.owner, `at ${s}.${n}`);
      }
    }
  });
});
