// A configurable HTTP service for the Docker testbed. Plain JavaScript, no dependencies, run by the
// host's node inside a container (or on the host). Per incoming request it calls a list of downstream
// services, sequentially or in parallel, answers (optionally gzip-encoded, optionally slow), and logs one
// JSON line per incoming request with the calls it made: the ground truth that end-to-end tests compare
// with what hopscope decoded from the wire.
//
// Configuration, either
//   HOP_CONFIG = JSON { name, port, routes: [Route], headerPrefix? }   (full control, used by the demo), or
//   SERVICE_NAME, PORT, DOWNSTREAM="url1,url2", MODE=sequential|parallel, GZIP=1, DELAY_MS, STATUS
//                                                       (one catch-all route, for simple tests).
// Route = { path: "/exact" | "/prefix*", method?: "GET", calls?: [Call], mode?: "sequential"|"parallel",
//           status?: number, statusFromCalls?: boolean, delayMs?: number, gzip?: boolean,
//           chunked?: boolean, body?: any, padBytes?: number }
// Call  = { url, method?: "GET", headers?: {}, body?: any (sent as JSON), gzipBody?: boolean,
//           keepAlive?: boolean (default true; false opens a new connection with Connection: close) }
// headerPrefix (default none) puts the propagated traceparent and x-request-id under prefixed header
// names (read and sent): the logs are the same, but hopscope sees no trace headers on the wire.
// Unmatched requests get a 404 JSON body. With statusFromCalls the answer is the highest downstream
// status, and a 5xx or a failed call becomes 502.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { gzipSync, gunzipSync } from 'node:zlib';

const config = loadConfig(process.env);
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
let served = 0;

// IPv4 peers of a dual-stack socket show as ::ffff:a.b.c.d; log them as the wire shows them.
const plainIp = (address) => (address?.startsWith('::ffff:') ? address.slice(7) : address);

function loadConfig(env) {
  if (env.HOP_CONFIG) {
    const parsed = JSON.parse(env.HOP_CONFIG);
    return { name: parsed.name ?? 'service', port: Number(parsed.port ?? 8080), routes: parsed.routes ?? [], headerPrefix: parsed.headerPrefix ?? '' };
  }
  const calls = (env.DOWNSTREAM ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url.length > 0)
    .map((url) => ({ url }));
  const route = {
    path: '/*',
    calls,
    mode: env.MODE === 'parallel' ? 'parallel' : 'sequential',
    gzip: env.GZIP === '1',
    delayMs: Number(env.DELAY_MS ?? 0),
    statusFromCalls: calls.length > 0,
  };
  if (env.STATUS) route.status = Number(env.STATUS);
  return { name: env.SERVICE_NAME ?? 'service', port: Number(env.PORT ?? 8080), routes: [route], headerPrefix: '' };
}

function findRoute(method, path) {
  for (const route of config.routes) {
    if (route.method && route.method !== method) continue;
    if (route.path.endsWith('*') ? path.startsWith(route.path.slice(0, -1)) : path === route.path) return route;
  }
  return undefined;
}

function readBody(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function decode(raw, encoding) {
  if (encoding !== 'gzip' || raw.length === 0) return raw;
  try {
    return gunzipSync(raw);
  } catch {
    return raw;
  }
}

function traceHeaders(headers) {
  const p = config.headerPrefix;
  return { traceparent: headers[`${p}traceparent`] ?? null, 'x-request-id': headers[`${p}x-request-id`] ?? null };
}

// W3C trace context: keep the caller's trace id, give every outgoing call a new span id.
function childTraceparent(seen) {
  const match = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(seen ?? '');
  const traceId = match ? match[1] : randomBytes(16).toString('hex');
  return `00-${traceId}-${randomBytes(8).toString('hex')}-${match ? match[2] : '01'}`;
}

function call(spec, seen) {
  const started = Date.now();
  const method = spec.method ?? 'GET';
  const keepAlive = spec.keepAlive !== false;
  const sent = { traceparent: childTraceparent(seen.traceparent), 'x-request-id': seen['x-request-id'] };
  const p = config.headerPrefix;
  const headers = { ...(spec.headers ?? {}), [`${p}traceparent`]: sent.traceparent };
  if (sent['x-request-id']) headers[`${p}x-request-id`] = sent['x-request-id'];
  if (!keepAlive) headers.connection = 'close';
  let payload;
  if (spec.body !== undefined) {
    payload = Buffer.from(JSON.stringify(spec.body));
    headers['content-type'] = 'application/json';
    if (spec.gzipBody) {
      payload = gzipSync(payload);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(payload.length);
  }
  const record = { method, url: spec.url, status: 0, reqBytes: payload?.length ?? 0, resBytes: 0, sent };
  return new Promise((resolve) => {
    const req = http.request(spec.url, { method, headers, agent: keepAlive ? agent : false }, (res) => {
      readBody(res).then(
        (raw) => {
          const body = decode(raw, res.headers['content-encoding']);
          record.status = res.statusCode ?? 0;
          record.resBytes = raw.length;
          record.resBodyBytes = body.length;
          record.resEncoding = res.headers['content-encoding'] ?? null;
          record.ms = Date.now() - started;
          let json = null;
          try {
            json = JSON.parse(body.toString('utf8'));
          } catch {
            // Downstream answered something other than JSON: keep only its size.
          }
          resolve({ record, json });
        },
        (error) => resolve({ record: { ...record, error: String(error), ms: Date.now() - started }, json: null }),
      );
    });
    req.on('socket', (socket) => {
      record.reused = req.reusedSocket;
      const note = () => (record.local = `${plainIp(socket.localAddress)}:${socket.localPort}`);
      if (socket.localPort) note();
      else socket.once('connect', note);
    });
    req.on('error', (error) => resolve({ record: { ...record, error: String(error), ms: Date.now() - started }, json: null }));
    req.end(payload);
  });
}

async function runCalls(route, seen) {
  const calls = route.calls ?? [];
  if (route.mode === 'parallel') return Promise.all(calls.map((spec) => call(spec, seen)));
  const results = [];
  for (const spec of calls) results.push(await call(spec, seen));
  return results;
}

function statusFor(route, results) {
  if (route.status !== undefined) return route.status;
  if (!route.statusFromCalls || results.length === 0) return 200;
  let status = 200;
  for (const { record } of results) {
    const s = record.error || record.status >= 500 ? 502 : record.status;
    if (s > status) status = s;
  }
  return status;
}

function respond(req, res, status, value, route) {
  // padBytes makes a body big enough to span several segments (and to make gzip worth it).
  const padded = route?.padBytes ? { ...value, pad: 'x'.repeat(route.padBytes) } : value;
  let body = Buffer.from(JSON.stringify(padded));
  const headers = { 'content-type': 'application/json', 'x-served-by': config.name };
  const gzip = Boolean(route?.gzip) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  if (gzip) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
    headers.vary = 'accept-encoding';
  }
  if (route?.chunked) {
    // No content-length: node sends the body chunked, in two writes so there are two chunks.
    res.writeHead(status, headers);
    const half = body.length >> 1;
    res.write(body.subarray(0, half));
    res.end(body.subarray(half));
  } else {
    headers['content-length'] = String(body.length);
    res.writeHead(status, headers);
    res.end(body);
  }
  return { bytes: body.length, gzip };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function handle(req, res) {
  const started = Date.now();
  const seq = ++served;
  const raw = await readBody(req);
  const reqBody = decode(raw, req.headers['content-encoding']);
  const seen = traceHeaders(req.headers);
  const path = (req.url ?? '/').split('?')[0];
  const route = findRoute(req.method, path);
  const results = route ? await runCalls(route, seen) : [];
  if (route?.delayMs) await sleep(route.delayMs);
  const status = route ? statusFor(route, results) : 404;
  const value = !route
    ? { error: 'not found', service: config.name, path }
    : route.body !== undefined
      ? route.body
      : { service: config.name, path, results: results.map(({ record, json }) => ({ url: record.url, status: record.status, data: json })) };
  const sent = respond(req, res, status, value, route);
  const line = {
    ts: new Date(started).toISOString(),
    service: config.name,
    seq,
    peer: `${plainIp(req.socket.remoteAddress)}:${req.socket.remotePort}`,
    method: req.method,
    url: req.url,
    httpVersion: req.httpVersion,
    status,
    reqBytes: raw.length,
    reqBodyBytes: reqBody.length,
    resBytes: sent.bytes,
    gzip: sent.gzip,
    seen,
    calls: results.map(({ record }) => record),
    ms: Date.now() - started,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    process.stdout.write(`${JSON.stringify({ service: config.name, error: String(error), url: req.url })}\n`);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"error":"internal"}');
  });
});
// Clients pace their requests; keep idle connections open long enough to be reused.
server.keepAliveTimeout = 30_000;
server.listen(config.port, () => {
  process.stdout.write(`${JSON.stringify({ service: config.name, listening: config.port })}\n`);
});

// PID 1 in a container gets no default SIGTERM action: close connections so they end with FIN.
function shutdown() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  agent.destroy();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
