/**
 * A stand-in for the Docker Engine API on a unix socket, for live-naming tests that need no dockerd:
 * /info, /version, /networks, /containers/json, /containers/{id}/json and a held-open /events stream
 * the test writes to. It can go away (the socket closes, the events stream ends) and come back.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { formatRfc3339, timestampFromSeconds } from '../../src/containers/docker-time.js';

export interface FakeContainer {
  id: string;
  name: string;
  image: string;
  network: string;
  ip: string;
  gateway: string;
  labels?: Record<string, string>;
  /** Wall-clock seconds. */
  startedAt: number;
}

export interface FakeNetwork {
  name: string;
  subnet: string;
  gateway: string;
}

/** RFC 3339 with nanoseconds for wall-clock seconds (the daemon's clock is this machine's). */
export const rfc3339 = (seconds: number): string => formatRfc3339(timestampFromSeconds(seconds));

export class FakeDocker {
  /** Containers listed as running (and inspectable); inspect also knows `known` ones not yet listed. */
  readonly running = new Map<string, FakeContainer>();
  readonly known = new Map<string, FakeContainer>();
  readonly networks: FakeNetwork[] = [];
  /** Paths asked for, in order (without the /v1.xx prefix). */
  readonly requests: string[] = [];
  private server: Server | undefined = undefined;
  private readonly sockets = new Set<Socket>();
  private readonly streams = new Set<ServerResponse>();

  constructor(readonly socketPath: string) {}

  get host(): string {
    return `unix://${this.socketPath}`;
  }

  get eventStreams(): number {
    return this.streams.size;
  }

  listen(): Promise<void> {
    const server = createServer((req, res) => this.handle(req.url ?? '/', res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => resolve());
    });
  }

  /** The daemon goes away: every connection (the events stream too) is cut and the socket removed. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    for (const socket of this.sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A container starts: listed from now on, and a 'start' event (daemon time: now). */
  start(container: FakeContainer): void {
    this.known.set(container.id, container);
    this.running.set(container.id, container);
    this.event({ Type: 'container', Action: 'start', status: 'start', id: container.id, Actor: { ID: container.id, Attributes: { name: container.name } } });
  }

  event(fields: Record<string, unknown>): void {
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    // timeNano as a bare integer, as dockerd writes it.
    const line = JSON.stringify({ ...fields, scope: 'local', time: Number(nowNs / 1_000_000_000n), timeNano: '@@' }).replace('"@@"', nowNs.toString());
    for (const stream of this.streams) stream.write(`${line}\n`);
  }

  private handle(url: string, res: ServerResponse): void {
    const path = url.replace(/^\/v\d+\.\d+/, '').split('?')[0];
    this.requests.push(path);
    const json = (value: unknown, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (path === '/_ping') return void res.end('OK');
    if (path === '/info') return json({ SystemTime: rfc3339(Date.now() / 1000), ServerVersion: 'fake-1.0', OperatingSystem: 'test' });
    if (path === '/version') return json({ ApiVersion: '1.41', Version: 'fake-1.0' });
    if (path === '/networks') {
      return json(this.networks.map((n) => ({ Name: n.name, Id: n.name, Driver: 'bridge', IPAM: { Config: [{ Subnet: n.subnet, Gateway: n.gateway }] } })));
    }
    if (path === '/containers/json') return json([...this.running.values()].map((c) => ({ Id: c.id, Names: [`/${c.name}`] })));
    const inspect = /^\/containers\/([^/]+)\/json$/.exec(path);
    if (inspect) {
      const c = this.known.get(inspect[1]);
      if (c === undefined) return json({ message: `No such container: ${inspect[1]}` }, 404);
      return json({
        Id: c.id,
        Name: `/${c.name}`,
        State: { Running: this.running.has(c.id), StartedAt: rfc3339(c.startedAt), FinishedAt: '0001-01-01T00:00:00Z' },
        Config: { Image: c.image, Labels: c.labels ?? {} },
        NetworkSettings: { Networks: { [c.network]: { IPAddress: c.ip, Gateway: c.gateway, GlobalIPv6Address: '', IPv6Gateway: '' } } },
      });
    }
    if (path === '/events') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      this.streams.add(res);
      res.once('close', () => this.streams.delete(res));
      return;
    }
    json({ message: `page not found: ${path}` }, 404);
  }
}
