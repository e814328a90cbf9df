import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ownCaptures } from '../support/paths.js';
import type { ClientLogLine, ClientSummary, HopLogLine } from './testbed/index.js';

// The committed demo recording (scripts/make-demo-capture.sh) is three files that must agree with each
// other: a later re-recording that lost a service, a client request or a container address fails here.

interface InspectedContainer {
  Id: string;
  Name: string;
  State: { Running: boolean };
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
}

const containers = JSON.parse(readFileSync(join(ownCaptures, 'demo.containers.json'), 'utf8')) as InspectedContainer[];
const logs = readFileSync(join(ownCaptures, 'demo.logs.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Record<string, unknown>);
const requestLines = (service: string) => logs.filter((l) => l.service === service && l.method) as unknown as HopLogLine[];

describe('demo capture files', () => {
  it('is a pcapng under 1 MB', () => {
    const file = join(ownCaptures, 'demo.pcapng');
    assert.ok(statSync(file).size < 1024 * 1024);
    assert.equal(readFileSync(file).readUInt32LE(0), 0x0a0d0d0a);
  });

  it('records every container running, with an address on each of its networks', () => {
    assert.deepEqual(
      containers.map((c) => c.Name),
      ['/demo-inventory', '/demo-users', '/demo-orders', '/demo-gateway', '/demo-web', '/demo-client'],
    );
    for (const c of containers) {
      assert.equal(c.State.Running, true, c.Name);
      for (const [network, settings] of Object.entries(c.NetworkSettings.Networks)) {
        assert.match(settings.IPAddress, /^\d+\.\d+\.\d+\.\d+$/, `${c.Name} on ${network}`);
      }
    }
    const client = containers.find((c) => c.Name === '/demo-client');
    assert.deepEqual(Object.keys(client?.NetworkSettings.Networks ?? {}).sort(), ['bridge', 'demo-net']);
  });

  it('logs 100 client requests, all answered, and their mix of outcomes', () => {
    const summary = logs.find((l) => l.summary) as unknown as ClientSummary;
    const requests = logs.filter((l) => l.client === 'demo-client' && !l.summary) as unknown as ClientLogLine[];
    assert.equal(requests.length, 100);
    assert.deepEqual(
      { count: summary.count, failed: summary.failed, ok: summary.ok, clientErrors: summary.clientErrors, serverErrors: summary.serverErrors },
      { count: 100, failed: 0, ok: 64, clientErrors: 27, serverErrors: 9 },
    );
    assert.ok(requests.some((r) => r.resEncoding === 'gzip'));
    assert.ok(requests.filter((r) => r.newConnection).length > 10);
  });

  it('finds every call a node service made in the log of the service it called', () => {
    const ipOf = new Map<string, string>();
    for (const c of containers) {
      for (const settings of Object.values(c.NetworkSettings.Networks)) ipOf.set(settings.IPAddress, c.Name.slice(1));
    }
    let matched = 0;
    for (const caller of ['demo-gateway', 'demo-orders']) {
      for (const line of requestLines(caller)) {
        for (const call of line.calls) {
          const callee = ipOf.get(new URL(call.url).hostname) ?? '';
          const answered = logs.filter((l) => l.service === callee && l.peer === call.local);
          const same = answered.find((l) => (l.seen as HopLogLine['seen']).traceparent === call.sent.traceparent);
          assert.ok(same, `${caller} → ${call.url} from ${call.local} not in ${callee}'s log`);
          assert.equal(same.status, call.status);
          assert.equal((same.seen as HopLogLine['seen'])['x-request-id'], line.seen['x-request-id']);
          matched++;
        }
      }
    }
    // gateway: 28 profile × 2 + 9 slow + 9 orders × 2 + 9 checkout + 9 ghost; orders: 28 + 9 + 9.
    assert.equal(matched, 101 + 46);
  });
});
