import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ownCaptures } from '../support/paths.js';
import { runCapture } from '../support/run-capture.js';

/**
 * The demo capture was recorded from real containers whose services logged every request they served
 * (captures/demo.logs.jsonl). hopscope must find each logged request exactly once, between the right
 * addresses, with the right method, path and status, and nothing the services did not serve.
 */
interface ServedLine {
  service: string;
  peer: string;
  method: string;
  url: string;
  status: number;
}

function servedRequests(): ServedLine[] {
  return readFileSync(join(ownCaptures, 'demo.logs.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Partial<ServedLine> & { calls?: unknown })
    .filter((line): line is ServedLine & { calls: unknown } => line.peer !== undefined && line.calls !== undefined);
}

function serviceAddresses(): Map<string, string[]> {
  const inspect = JSON.parse(readFileSync(join(ownCaptures, 'demo.containers.json'), 'utf8')) as Array<{
    Name: string;
    NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
  }>;
  return new Map(inspect.map((c) => [c.Name.replace(/^\//, ''), Object.values(c.NetworkSettings.Networks).map((n) => n.IPAddress)]));
}

test('every request the demo services logged is one exchange, with the logged method, path and status', async () => {
  const served = servedRequests();
  const addresses = serviceAddresses();
  const { exchanges } = await runCapture(join(ownCaptures, 'demo.pcapng'));
  assert.equal(served.length, 247);
  assert.equal(exchanges.length, served.length, 'one exchange per served request, no more');

  const key = (client: string, serverIp: string, method: string, target: string, status: number) =>
    `${client} > ${serverIp} ${method} ${target} ${status}`;
  const ours = new Map<string, number>();
  for (const e of exchanges) {
    assert.equal(e.termination, 'complete', `exchange ${e.seq} ended ${e.termination}`);
    const k = key(`${e.connection.client.ip}:${e.connection.client.port}`, e.connection.server.ip, e.request.head.method, e.request.head.target, e.response!.head.status);
    ours.set(k, (ours.get(k) ?? 0) + 1);
  }
  for (const line of served) {
    const serverIps = addresses.get(line.service);
    assert.ok(serverIps, `no container ${line.service} in demo.containers.json`);
    const match = serverIps.map((ip) => key(line.peer, ip, line.method, line.url, line.status)).find((k) => (ours.get(k) ?? 0) > 0);
    assert.ok(match, `hopscope has no exchange for ${line.service}: ${line.peer} ${line.method} ${line.url} ${line.status}`);
    ours.set(match, ours.get(match)! - 1);
  }
});

test('exchanges come out in the order their requests started, with latency from capture time', async () => {
  const { exchanges } = await runCapture(join(ownCaptures, 'demo.pcapng'));
  for (let i = 1; i < exchanges.length; i++) {
    const a = exchanges[i - 1].request.firstByte;
    const b = exchanges[i].request.firstByte;
    assert.ok(a.sec < b.sec || (a.sec === b.sec && a.nsec <= b.nsec), `exchange ${i} starts before exchange ${i - 1}`);
    assert.equal(exchanges[i].seq, i);
  }
  // /users/slow sleeps ~200 ms in the service: the capture must show it.
  const slow = exchanges.filter((e) => e.request.head.target === '/users/slow');
  assert.ok(slow.length > 0);
  for (const e of slow) {
    const ms = (e.response!.lastByte.sec - e.request.firstByte.sec) * 1e3 + (e.response!.lastByte.nsec - e.request.firstByte.nsec) / 1e6;
    assert.ok(ms >= 200 && ms < 400, `/users/slow took ${ms} ms`);
  }
});
