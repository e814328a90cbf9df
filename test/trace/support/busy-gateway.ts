import { mulberry32 } from '../../support/mulberry32.js';
import type { HopSpec } from './hops.js';

/**
 * A gateway under load, simulated event by event (times in ms), with its true call tree: `clients`
 * loops send /fan (users and orders in parallel), /seq (users, then orders, then users) and /one
 * (orders on a new connection) back to back. Like a Node service, the gateway acts on each event
 * (a request arriving, a call returning) a little later, in the order the events came; calls to users
 * and to orders share pools of `poolSize` keep-alive connections, first come first served, so most
 * calls wait for a connection and start when another call ends, long after what triggered them.
 */
export interface BusyGateway {
  specs: HopSpec[];
  /** Parent target by child target (null for the clients' requests). */
  truth: Map<string, string | null>;
}

interface Call {
  target: string;
  to: 'users' | 'orders';
  parent: Request;
}

interface Request {
  target: string;
  route: 'fan' | 'seq' | 'one';
  client: number;
  start: number;
  outstanding: number;
  step: number;
}

interface Pool {
  free: Array<{ id: string; index: number }>;
  queue: Call[];
}

export function busyGateway(options: { clients?: number; requestsPerClient?: number; poolSize?: number; seed?: number } = {}): BusyGateway {
  const clients = options.clients ?? 16;
  const perClient = options.requestsPerClient ?? 30;
  const random = mulberry32(options.seed ?? 7);
  const specs: HopSpec[] = [];
  const truth = new Map<string, string | null>();
  const events: Array<{ at: number; run: (now: number) => void }> = [];
  const at = (time: number, run: (now: number) => void) => {
    let i = events.length;
    while (i > 0 && events[i - 1].at > time) i--;
    events.splice(i, 0, { at: time, run });
  };
  /** The gateway acts on an event after a short, varying delay (event loop). */
  const lag = () => 0.1 + random() * 0.02;
  let ids = 0;
  let connections = 0;
  const pools: Record<'users' | 'orders', Pool> = { users: { free: [], queue: [] }, orders: { free: [], queue: [] } };
  const poolSize = options.poolSize ?? 4;
  for (const name of ['users', 'orders'] as const) {
    for (let i = 0; i < poolSize; i++) pools[name].free.push({ id: `${name}-pool-${i}`, index: 0 });
  }

  const send = (call: Call, start: number, connection: { id: string; index: number }, fresh: boolean) => {
    const service = call.to === 'users' ? 8 + random() * 4 : 12 + random() * 4;
    const end = start + service + 0.2;
    specs.push({
      from: 'gateway',
      to: call.to,
      target: call.target,
      times: [start, start + 0.05, start + service, end],
      connectionId: connection.id,
      index: connection.index++,
      ...(fresh ? { handshake: synAt(start - 0.3) } : {}),
    });
    truth.set(call.target, call.parent.target);
    at(end, () => {
      if (!fresh) {
        const pool = pools[call.to];
        const next = pool.queue.shift();
        if (next !== undefined) send(next, end + 0.05, connection, false);
        else pool.free.push(connection);
      }
      at(end + lag(), (now) => returned(call.parent, now));
    });
  };
  const issue = (parent: Request, to: 'users' | 'orders', time: number, fresh = false) => {
    const call: Call = { target: fresh ? `/${to}/one/${ids++}` : `/${to}/${ids++}`, to, parent };
    parent.outstanding++;
    if (fresh) {
      send(call, time + 0.4, { id: `one-${connections++}`, index: 0 }, true);
      return;
    }
    const pool = pools[to];
    const connection = pool.free.shift();
    if (connection !== undefined) send(call, time + 0.1, connection, false);
    else pool.queue.push(call);
  };
  const returned = (request: Request, time: number) => {
    request.outstanding--;
    if (request.route === 'seq' && request.step < 3) {
      issue(request, request.step++ === 1 ? 'orders' : 'users', time);
      return;
    }
    if (request.outstanding === 0) answer(request, time);
  };
  const answer = (request: Request, time: number) => {
    const respStart = time + 0.3;
    specs.push({ from: 'client', to: 'gateway', target: request.target, times: [request.start, request.start + 0.1, respStart, respStart + 0.1], fromIp: `10.0.1.${request.client + 1}` });
    truth.set(request.target, null);
    const sent = sentBy.get(request.client) as number;
    if (sent < perClient) at(respStart + 0.3, (now) => arrive(request.client, now));
  };
  const routes = ['fan', 'seq', 'one'] as const;
  const sentBy = new Map<number, number>();
  const arrive = (client: number, time: number) => {
    const sent = sentBy.get(client) ?? 0;
    sentBy.set(client, sent + 1);
    const route = routes[(sent + client) % 3];
    const request: Request = { target: `/${route}/${ids++}`, route, client, start: time, outstanding: 0, step: 1 };
    at(time + 0.1 + lag(), (now) => {
      if (route === 'fan') {
        issue(request, 'users', now);
        issue(request, 'orders', now);
      } else if (route === 'seq') {
        issue(request, 'users', now);
      } else {
        issue(request, 'orders', now, true);
      }
    });
  };
  for (let client = 0; client < clients; client++) at(client * 0.7, (now) => arrive(client, now));
  for (let event = events.shift(); event !== undefined; event = events.shift()) event.run(event.at);
  return { specs, truth };
}

/** A handshake whose SYN is at `ms` (the builder's times are ms after a base). */
function synAt(ms: number): { syn: { sec: number; nsec: number } } {
  const base = 1_700_000_000;
  const ns = Math.round(ms * 1e6);
  return { syn: { sec: base + Math.floor(ns / 1e9), nsec: ns % 1e9 } };
}
