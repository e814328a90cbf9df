import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { canonicalAddress, firstHostAddress } from '../../src/containers/address-text.js';
import { containerRef, hostRef } from '../../src/containers/container-refs.js';
import { formatRfc3339, parseRfc3339, timestampFromNanoDigits } from '../../src/containers/docker-time.js';
import { IpTimeline } from '../../src/containers/ip-timeline.js';
import {
  LEDGER_FORMAT,
  type LedgerMeta,
  loadContainersFile,
  parseContainersDocument,
  saveLedger,
  timelineFromIntervals,
  timelineToLedger,
} from '../../src/containers/ledger.js';
import { HopscopeError } from '../../src/model/errors.js';
import { ownCaptures } from '../support/paths.js';

const demoInspect = join(ownCaptures, 'demo.containers.json');
const tmp = () => mkdtempSync(join(tmpdir(), 'hopscope-ledger-'));

describe('times and addresses', () => {
  it('parses Docker times exactly and writes them back with nine digits', () => {
    assert.deepEqual(parseRfc3339('2026-11-26T19:34:40.064794291Z'), { sec: 1795721680, nsec: 64794291 });
    assert.deepEqual(parseRfc3339('2026-11-26T19:34:41.86949439Z'), { sec: 1795721681, nsec: 869494390 });
    assert.deepEqual(parseRfc3339('2026-11-26T20:34:41+01:00'), { sec: 1795721681, nsec: 0 });
    assert.equal(parseRfc3339('0001-01-01T00:00:00Z'), undefined, "Go's zero time means never");
    assert.equal(parseRfc3339('yesterday'), undefined);
    assert.equal(formatRfc3339({ sec: 1795721680, nsec: 64794291 }), '2026-11-26T19:34:40.064794291Z');
    assert.deepEqual(timestampFromNanoDigits('1795721680064794291'), { sec: 1795721680, nsec: 64794291 });
  });

  it('writes addresses as the packets carry them', () => {
    assert.equal(canonicalAddress('172.17.0.2/16'), '172.17.0.2');
    assert.equal(canonicalAddress('FD00:0:0:0::0002/64'), 'fd00::2');
    assert.equal(canonicalAddress('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(canonicalAddress('::ffff:10.0.0.1'), '::ffff:10.0.0.1');
    assert.equal(canonicalAddress(''), undefined);
    assert.equal(firstHostAddress('172.31.9.0/24'), '172.31.9.1');
    assert.equal(firstHostAddress('10.8.0.0/13'), '10.8.0.1');
    assert.equal(firstHostAddress('fd00:9:0:0::/64'), 'fd00:9::1');
    assert.equal(firstHostAddress('172.31.9.0'), undefined);
    assert.equal(canonicalAddress('not-an-ip'), undefined);
  });
});

describe('docker inspect import', () => {
  it('names the demo containers from captures/demo.containers.json, on both of the client’s networks', async () => {
    const loaded = await loadContainersFile(demoInspect);
    assert.equal(loaded.source, 'docker-inspect');
    const during = { sec: 1795721700, nsec: 0 }; // after every demo container started
    const expected: Record<string, string> = {
      '172.31.240.2': 'demo-inventory',
      '172.31.240.3': 'demo-users',
      '172.31.240.4': 'demo-orders',
      '172.31.240.5': 'demo-gateway',
      '172.31.240.6': 'demo-client',
      '172.17.0.2': 'demo-web',
      '172.17.0.3': 'demo-client',
    };
    for (const [ip, name] of Object.entries(expected)) {
      const ref = loaded.timeline.resolve(ip, during);
      assert.equal(ref?.name, name, ip);
      assert.equal(ref?.kind, 'container');
      assert.equal(ref?.image, 'hopscope-testbed:1');
      assert.match(ref?.id ?? '', /^[0-9a-f]{64}$/);
    }
    assert.equal(loaded.timeline.resolve('172.31.240.6', during)?.network, 'demo-net');
    assert.equal(loaded.timeline.resolve('172.17.0.3', during)?.network, 'bridge');
    assert.deepEqual(loaded.timeline.resolve('172.17.0.1', during), { kind: 'host', name: 'host' });
    assert.deepEqual(loaded.timeline.resolve('172.31.240.1', during), { kind: 'host', name: 'host' });
    assert.equal(loaded.timeline.resolve('172.31.240.9', during), undefined);
    // Before the client started (19:34:43.820798589) its address was not yet its own.
    assert.equal(loaded.timeline.resolve('172.17.0.3', parseRfc3339('2026-11-26T19:34:43.820798588Z')!), undefined);
    assert.equal(loaded.timeline.resolve('172.17.0.3', parseRfc3339('2026-11-26T19:34:43.820798589Z')!)?.name, 'demo-client');
  });

  it('reads `docker network inspect` output: names, addresses (IPv4 and IPv6) and gateways, unbounded in time', () => {
    const doc = parseContainersDocument(
      [
        {
          Name: 'shop',
          Id: 'n1',
          Driver: 'bridge',
          Scope: 'local',
          IPAM: { Driver: 'default', Config: [{ Subnet: '172.30.0.0/24', Gateway: '172.30.0.1' }, { Subnet: 'fd00:30::/64', Gateway: 'fd00:30::1' }] },
          Containers: {
            abc123: { Name: 'shop-api-1', EndpointID: 'e', MacAddress: 'm', IPv4Address: '172.30.0.2/24', IPv6Address: 'fd00:30::2/64' },
          },
        },
      ],
      'nets.json',
    );
    assert.equal(doc.source, 'docker-network-inspect');
    const tl = timelineFromIntervals(doc.intervals);
    const any = { sec: 0, nsec: 0 };
    assert.deepEqual(tl.resolve('172.30.0.2', any), { kind: 'container', id: 'abc123', name: 'shop-api-1', network: 'shop' });
    assert.equal(tl.resolve('fd00:30::2', any)?.name, 'shop-api-1');
    assert.equal(tl.resolve('fd00:30::1', any)?.kind, 'host');
  });

  it('takes compose labels, and rejects what is not a containers document with a message naming the file', () => {
    const doc = parseContainersDocument(
      {
        Id: 'f'.repeat(64),
        Name: '/shop-api-1',
        State: { Running: true, StartedAt: '2026-01-01T00:00:00Z' },
        Config: { Image: 'shop/api:2', Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'api' } },
        NetworkSettings: { Networks: { shop_default: { IPAddress: '172.20.0.5', Gateway: '172.20.0.1', GlobalIPv6Address: '' } } },
      },
      'one.json',
    );
    const ref = timelineFromIntervals(doc.intervals).resolve('172.20.0.5', { sec: 1800000000, nsec: 0 });
    assert.deepEqual(ref, {
      kind: 'container',
      id: 'f'.repeat(64),
      name: 'shop-api-1',
      image: 'shop/api:2',
      network: 'shop_default',
      composeProject: 'shop',
      composeService: 'api',
    });
    for (const bad of [[], {}, [1, 2], { format: 'other' }, 'text', null]) {
      assert.throws(
        () => parseContainersDocument(bad, 'bad.json'),
        (error: unknown) => error instanceof HopscopeError && error.code === 'file-unreadable' && error.message.startsWith('bad.json: '),
      );
    }
  });

  it('reports a missing file and a file that is not JSON as HopscopeErrors', async () => {
    const dir = tmp();
    await assert.rejects(loadContainersFile(join(dir, 'absent.json')), (e: unknown) => e instanceof HopscopeError && e.code === 'file-not-found');
    writeFileSync(join(dir, 'junk.json'), '{ not json');
    await assert.rejects(loadContainersFile(join(dir, 'junk.json')), (e: unknown) => e instanceof HopscopeError && e.code === 'file-unreadable');
  });
});

describe('ledger', () => {
  it('round-trips a timeline with reused addresses, hosts and nanosecond times through a file', async () => {
    const tl = new IpTimeline();
    const a = containerRef({ id: 'a'.repeat(64), name: 'alpha', image: 'img:1', network: 'net', labels: { 'com.docker.compose.project': 'p', 'com.docker.compose.service': 's' } });
    const b = containerRef({ id: 'b'.repeat(64), name: 'beta', network: 'net' });
    tl.open('10.1.0.1', hostRef());
    tl.open('10.1.0.2', a, { sec: 1795721680, nsec: 64794291 });
    tl.close('10.1.0.2', a, { sec: 1795721690, nsec: 1 });
    tl.open('10.1.0.2', b, { sec: 1795721690, nsec: 2 });
    tl.open('fd00:1::2', a, { sec: 1795721680, nsec: 64794291 });
    const file = join(tmp(), 'ledger.json');
    await saveLedger(file, tl, { source: 'docker', savedAt: '2026-11-26T19:40:00.000000000Z' });

    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(saved.format, LEDGER_FORMAT);
    assert.equal(saved.version, 1);
    assert.deepEqual(saved.meta, { source: 'docker', savedAt: '2026-11-26T19:40:00.000000000Z' });
    assert.deepEqual((saved.intervals as unknown[])[1], { ip: '10.1.0.2', owner: 1, from: '2026-11-26T19:34:40.064794291Z', to: '2026-11-26T19:34:50.000000001Z' });

    const loaded = await loadContainersFile(file);
    assert.equal(loaded.source, 'ledger');
    assert.deepEqual(loaded.timeline.intervals(), tl.intervals());
    assert.deepEqual(timelineToLedger(loaded.timeline, saved.meta as LedgerMeta), saved);
    assert.equal(loaded.timeline.resolve('10.1.0.2', { sec: 1795721690, nsec: 1 }), undefined);
    assert.equal(loaded.timeline.resolve('10.1.0.2', { sec: 1795721690, nsec: 2 })?.name, 'beta');
  });

  it('refuses a newer ledger version and skips intervals it cannot read', () => {
    assert.throws(() => parseContainersDocument({ format: LEDGER_FORMAT, version: 2, owners: [], intervals: [] }, 'v2.json'), /version 2/);
    const doc = parseContainersDocument(
      {
        format: LEDGER_FORMAT,
        version: 1,
        owners: [{ kind: 'container', name: 'ok' }, { kind: 'nonsense' }],
        intervals: [
          { ip: '10.0.0.2', owner: 0, from: null, to: null },
          { ip: '10.0.0.3', owner: 1, from: null, to: null },
          { ip: '10.0.0.4', owner: 7, from: null, to: null },
          { ip: '10.0.0.5', owner: 0, from: 'garbage', to: null },
          'junk',
        ],
      },
      'x.json',
    );
    assert.deepEqual(doc.intervals, [{ ip: '10.0.0.2', ref: { kind: 'container', name: 'ok' } }]);
  });
});
