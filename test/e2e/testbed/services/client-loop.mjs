// A client for the Docker testbed: makes N HTTP requests at a steady pace, cycling through a list, and
// logs one JSON line per request (what it sent, what came back, which connection it used) and a summary
// line at the end. Plain JavaScript, run by the host's node inside a container.
//
// Configuration, either
//   CLIENT_CONFIG = JSON { name?, count, intervalMs?, newConnectionEvery?, traceparent?, headerPrefix?, requests: [Req] }
//   or URL="url1,url2" (cycled), COUNT, INTERVAL_MS, NEW_CONNECTION_EVERY.
// Req = { url, method?: "GET", headers?: {}, body?: any (sent as JSON), gzip?: boolean (accept gzip) }
// headerPrefix (default none) sends x-request-id and traceparent under prefixed names (logged as usual).
// Requests share one keep-alive connection per server; every newConnectionEvery-th request instead opens a
// new connection and sends Connection: close. Exit code 0 when every request got an HTTP answer, 1 when a
// request failed at the network level.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

function loadConfig(env) {
  if (env.CLIENT_CONFIG) return JSON.parse(env.CLIENT_CONFIG);
  return {
    count: Number(env.COUNT ?? 10),
    intervalMs: Number(env.INTERVAL_MS ?? 100),
    newConnectionEvery: Number(env.NEW_CONNECTION_EVERY ?? 0),
    requests: (env.URL ?? '').split(',').filter((url) => url.length > 0).map((url) => ({ url })),
  };
}

const config = loadConfig(process.env);
const name = config.name ?? 'client';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

function once(i, spec, fresh) {
  const started = Date.now();
  const method = spec.method ?? 'GET';
  const sent = { 'x-request-id': `${name}-${i}`, traceparent: null };
  const p = config.headerPrefix ?? '';
  const headers = { ...(spec.headers ?? {}), [`${p}x-request-id`]: sent['x-request-id'] };
  if (config.traceparent !== false) {
    sent.traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    headers[`${p}traceparent`] = sent.traceparent;
  }
  if (spec.gzip) headers['accept-encoding'] = 'gzip';
  if (fresh) headers.connection = 'close';
  let payload;
  if (spec.body !== undefined) {
    payload = Buffer.from(JSON.stringify(spec.body));
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  const record = { i, client: name, method, url: spec.url, status: 0, reqBytes: payload?.length ?? 0, resBytes: 0, sent };
  return new Promise((resolve) => {
    const req = http.request(spec.url, { method, headers, agent: fresh ? false : agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        let body = raw;
        if (res.headers['content-encoding'] === 'gzip') {
          try {
            body = gunzipSync(raw);
          } catch {
            record.badGzip = true;
          }
        }
        Object.assign(record, {
          status: res.statusCode ?? 0,
          resBytes: raw.length,
          resBodyBytes: body.length,
          resEncoding: res.headers['content-encoding'] ?? null,
          servedBy: res.headers['x-served-by'] ?? res.headers.server ?? null,
          ms: Date.now() - started,
        });
        resolve(record);
      });
      res.on('error', (error) => resolve({ ...record, error: String(error), ms: Date.now() - started }));
    });
    req.on('socket', (socket) => {
      record.newConnection = fresh || !req.reusedSocket;
      const note = () => (record.local = `${socket.localAddress}:${socket.localPort}`);
      if (socket.localPort) note();
      else socket.once('connect', note);
    });
    req.on('error', (error) => resolve({ ...record, error: String(error), ms: Date.now() - started }));
    req.end(payload);
  });
}

async function main() {
  const requests = config.requests ?? [];
  if (requests.length === 0) throw new Error('client-loop: no requests configured (CLIENT_CONFIG or URL)');
  const totals = { summary: true, client: name, count: 0, ok: 0, clientErrors: 0, serverErrors: 0, failed: 0, newConnections: 0 };
  for (let i = 0; i < config.count; i++) {
    const fresh = config.newConnectionEvery > 0 && i % config.newConnectionEvery === config.newConnectionEvery - 1;
    const record = await once(i, requests[i % requests.length], fresh);
    log({ ts: new Date().toISOString(), ...record });
    totals.count++;
    if (record.newConnection) totals.newConnections++;
    if (record.error) totals.failed++;
    else if (record.status >= 500) totals.serverErrors++;
    else if (record.status >= 400) totals.clientErrors++;
    else totals.ok++;
    if (i + 1 < config.count) await sleep(config.intervalMs ?? 0);
  }
  // Close kept-alive connections now, so they end with FIN rather than at process exit.
  agent.destroy();
  log(totals);
  await sleep(200);
  process.exitCode = totals.failed > 0 ? 1 : 0;
}

main().catch((error) => {
  log({ client: name, fatal: String(error) });
  process.exitCode = 2;
});
