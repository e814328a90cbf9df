import { gzipSync } from 'node:zlib';
import {
  DATE_LENGTH, OK_BODY_WEIGHTS, REQUEST_WEIGHTS, allResponses, requestTemplates, responseCatalogue, sharedBodies,
  type MessageTemplate, type RequestTemplate, type ResponseCatalogue,
} from './http-templates.js';
import { PcapWriter } from './pcap-writer.js';
import { Prng } from './prng.js';
import { ACK, FIN, PSH, dataHeader, writeSegment, writeSyn, type Side } from './tcp-frames.js';
import { ipv4, macOf, makePairs, type Pair } from './topology.js';

/**
 * Simulates keep-alive HTTP/1.1 between client→server pairs and writes it as a pcap. Each pair is
 * one connection slot: requests and responses alternate (one packet each, as GRO delivers them),
 * separated by latencies and think times from a seeded PRNG; after its quota of requests a
 * connection closes (FIN) and the slot opens a new one (handshake). Slots interleave in capture
 * time through a min-heap, so the file is in timestamp order.
 */

export interface TrafficParams {
  /** Exactly this many request/response exchanges are written. */
  exchanges: number;
  /** Concurrent client→server pairs (each one connection at a time). */
  pairs: number;
  seed: number;
  /** Capture start, seconds since the epoch. */
  startSeconds: number;
}

export interface TrafficCounts {
  packets: number;
  /** Captured frame bytes (sum of packet lengths). */
  frameBytes: number;
  fileBytes: number;
  exchanges: number;
  getRequests: number;
  postRequests: number;
  gzipResponses: number;
  chunkedResponses: number;
  /** Connections with a captured handshake / closed with FIN in the capture. */
  handshakes: number;
  closes: number;
  connections: number;
  firstSeconds: number;
  lastSeconds: number;
}

const enum Phase { Syn, SynAck, HandshakeAck, Request, Response, ClientFin, ServerFin, LastAck, Done }

const MIN_LATENCY_US = 200;
const MAX_LATENCY_US = 50_000;

/** One connection slot: a client→server pair and the state of its current connection. */
interface Slot {
  id: number;
  client: Side;
  server: Side;
  toServer: Buffer;
  toClient: Buffer;
  requests: RequestTemplate[];
  responses: ResponseCatalogue;
  phase: Phase;
  nextUs: number;
  /** Requests left on the current connection. */
  remaining: number;
  pending: MessageTemplate | undefined;
  nextPort: number;
}

const HEX = Buffer.from('0123456789abcdef');

function writeHex8(b: Buffer, off: number, v: number): void {
  for (let i = 7; i >= 0; i--) {
    b[off + i] = HEX[v & 15];
    v >>>= 4;
  }
}

/** The Date header value for capture second `sec`, cached because it changes once a second. */
class DateCache {
  private sec = -1;
  private bytes = Buffer.alloc(DATE_LENGTH);

  get(sec: number): Buffer {
    if (sec !== this.sec) {
      this.sec = sec;
      this.bytes = Buffer.from(new Date(sec * 1000).toUTCString(), 'latin1');
    }
    return this.bytes;
  }
}

/** Min-heap of slots by next event time (ties by slot id, for determinism). */
class SlotHeap {
  private readonly items: Slot[] = [];

  get size(): number {
    return this.items.length;
  }

  top(): Slot {
    return this.items[0];
  }

  push(s: Slot): void {
    this.items.push(s);
    this.up(this.items.length - 1);
  }

  /** Call after changing the top slot's time. */
  fixTop(): void {
    this.down(0);
  }

  popTop(): void {
    const last = this.items.pop() as Slot;
    if (this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
  }

  private less(a: Slot, b: Slot): boolean {
    return a.nextUs < b.nextUs || (a.nextUs === b.nextUs && a.id < b.id);
  }

  private up(i: number): void {
    const it = this.items;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(it[i], it[p])) break;
      [it[i], it[p]] = [it[p], it[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const it = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < it.length && this.less(it[l], it[m])) m = l;
      if (r < it.length && this.less(it[r], it[m])) m = r;
      if (m === i) return;
      [it[i], it[m]] = [it[m], it[i]];
      i = m;
    }
  }
}

export function generateTraffic(path: string, params: TrafficParams): TrafficCounts {
  const prng = new Prng(params.seed);
  const bodies = sharedBodies(prng, (b) => gzipSync(b));
  const catalogues = { nginx: responseCatalogue(prng, 'nginx', bodies), express: responseCatalogue(prng, 'express', bodies) };
  for (const t of [...allResponses(catalogues.nginx), ...allResponses(catalogues.express)]) {
    if (t.bytes.length < 200 || t.bytes.length > 6144) throw new Error(`response template of ${t.bytes.length} B outside 200 B–6 KB`);
  }

  const w = new PcapWriter(path);
  const dates = new DateCache();
  const heap = new SlotHeap();
  const startUs = params.startSeconds * 1e6;
  const counts: TrafficCounts = {
    packets: 0, frameBytes: 0, fileBytes: 0, exchanges: 0, getRequests: 0, postRequests: 0, gzipResponses: 0,
    chunkedResponses: 0, handshakes: 0, closes: 0, connections: 0, firstSeconds: params.startSeconds, lastSeconds: 0,
  };

  const side = (host: number, port: number): Side => ({
    mac: macOf(host), ip: ipv4(host), port, seq: prng.u32(), ipId: prng.int(0, 0xffff),
    tsOffset: prng.u32(), lastTsval: 0,
  });

  /** Fresh connection on the slot: new ephemeral port, new initial sequence numbers. */
  const openConnection = (s: Slot): void => {
    s.client = side(s.client.mac[5], s.nextPort);
    s.server = { ...s.server, seq: prng.u32() };
    s.nextPort = s.nextPort >= 60999 ? 32768 : s.nextPort + 1;
    s.toServer = dataHeader(s.client, s.server);
    s.toClient = dataHeader(s.server, s.client);
    s.remaining = Math.round(prng.logUniform(100, 3000));
    counts.connections++;
  };

  makePairs(params.pairs).forEach((pair: Pair, id) => {
    const client = side(pair.clientHost, 0);
    const server = side(pair.service.host, pair.service.port);
    const slot: Slot = {
      id, client, server, toServer: Buffer.alloc(0), toClient: Buffer.alloc(0),
      requests: requestTemplates(prng, pair.clientFlavor, pair.service),
      responses: catalogues[pair.service.flavor],
      phase: Phase.Syn, nextUs: startUs + prng.int(0, 20_000), remaining: 0, pending: undefined,
      nextPort: prng.int(32768, 60999),
    };
    openConnection(slot);
    // Half the connections were already open when the capture started: no handshake, mid-stream.
    if (prng.chance(0.5)) {
      slot.phase = Phase.Request;
      slot.remaining = prng.int(1, slot.remaining);
    }
    heap.push(slot);
  });

  const chooseResponse = (s: Slot, method: string): MessageTemplate => {
    const gz = prng.chance(0.5) ? 1 : 0;
    const ch = prng.chance(gz ? 0.35 : 0.15) ? 1 : 0;
    const r = prng.next();
    const c = s.responses;
    if (method === 'POST') return (r < 0.98 ? c.created : c.serverError)[gz][ch];
    if (r < 0.945) return c.ok[prng.weighted(OK_BODY_WEIGHTS)][gz][ch];
    return (r < 0.995 ? c.notFound : c.serverError)[gz][ch];
  };

  const writeMessage = (t: number, s: Slot, fromClient: boolean, m: MessageTemplate): void => {
    const from = fromClient ? s.client : s.server;
    const to = fromClient ? s.server : s.client;
    const off = writeSegment(w, t, fromClient ? s.toServer : s.toClient, from, to, PSH | ACK, m.bytes.length);
    const b = w.buf;
    m.bytes.copy(b, off);
    for (const f of m.hexFields) writeHex8(b, off + f, prng.u32());
    if (m.dateOffset >= 0) dates.get(Math.floor(t / 1e6)).copy(b, off + m.dateOffset);
  };

  const think = (): number => Math.round(prng.logUniform(50, 20_000));

  while (heap.size > 0) {
    const s = heap.top();
    const t = s.nextUs;
    switch (s.phase) {
      case Phase.Syn:
        writeSyn(w, t, s.toServer, s.client, s.server, false);
        counts.handshakes++;
        s.phase = Phase.SynAck;
        s.nextUs = t + prng.int(30, 150);
        break;
      case Phase.SynAck:
        writeSyn(w, t, s.toClient, s.server, s.client, true);
        s.phase = Phase.HandshakeAck;
        s.nextUs = t + prng.int(10, 40);
        break;
      case Phase.HandshakeAck:
        writeSegment(w, t, s.toServer, s.client, s.server, ACK, 0);
        s.phase = Phase.Request;
        s.nextUs = t + prng.int(20, 200);
        break;
      case Phase.Request: {
        if (counts.exchanges >= params.exchanges) {
          // Quota reached: leave the connection open, as a capture that stops mid-traffic does.
          s.phase = Phase.Done;
          break;
        }
        const req = s.requests[prng.weighted(REQUEST_WEIGHTS)];
        writeMessage(t, s, true, req);
        counts.exchanges++;
        if (req.method === 'GET') counts.getRequests++;
        else counts.postRequests++;
        s.pending = chooseResponse(s, req.method);
        s.phase = Phase.Response;
        s.nextUs = t + Math.round(prng.logUniform(MIN_LATENCY_US, MAX_LATENCY_US));
        break;
      }
      case Phase.Response: {
        const res = s.pending as MessageTemplate;
        writeMessage(t, s, false, res);
        if (res.gzip) counts.gzipResponses++;
        if (res.chunked) counts.chunkedResponses++;
        s.pending = undefined;
        s.remaining--;
        s.phase = s.remaining > 0 ? Phase.Request : Phase.ClientFin;
        s.nextUs = t + think();
        break;
      }
      case Phase.ClientFin:
        writeSegment(w, t, s.toServer, s.client, s.server, FIN | ACK, 0);
        s.phase = Phase.ServerFin;
        s.nextUs = t + prng.int(30, 200);
        break;
      case Phase.ServerFin:
        writeSegment(w, t, s.toClient, s.server, s.client, FIN | ACK, 0);
        s.phase = Phase.LastAck;
        s.nextUs = t + prng.int(10, 40);
        break;
      case Phase.LastAck:
        writeSegment(w, t, s.toServer, s.client, s.server, ACK, 0);
        counts.closes++;
        openConnection(s);
        s.phase = Phase.Syn;
        s.nextUs = t + prng.int(1000, 50_000);
        break;
      case Phase.Done:
        break;
    }
    if (s.phase === Phase.Done) heap.popTop();
    else heap.fixTop();
    counts.lastSeconds = t / 1e6;
  }

  w.close();
  counts.packets = w.packets;
  counts.frameBytes = w.frameBytes;
  counts.fileBytes = w.fileBytes;
  return counts;
}
