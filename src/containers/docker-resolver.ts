import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type Docker from 'dockerode';
import type { ContainerRef, Resolver } from '../model/container.js';
import type { Timestamp } from '../model/time.js';
import { dockerClient, dockerEndpoint, dockerFailureReason, endpointText, type DockerEndpoint } from './docker-endpoint.js';
import { ADDRESS_EVENT_FILTERS, LineSplitter, parseEventLine, type AddressEvent } from './docker-events.js';
import { containerFinishedAt, inspectContainer, synchronize, takeSnapshot, type DockerSnapshot } from './docker-snapshot.js';
import { toDockerSince } from './docker-time.js';
import { containerAddresses, hostClaims, networkGateways } from './inspect-import.js';
import { IpTimeline, type IpTimelineOptions } from './ip-timeline.js';
import type { LedgerMeta } from './ledger.js';

export type DockerResolverState = 'connecting' | 'connected' | 'unavailable' | 'reconnecting' | 'stopped';

/**
 * What the resolver can do right now. `text` is the one-line form for a status bar:
 * "connected", "unavailable: <reason>", "reconnecting: <reason>".
 */
export interface DockerResolverStatus {
  state: DockerResolverState;
  /** Why it is not connected (absent when connected). */
  reason?: string;
  endpoint: string;
  text: string;
  /** Times the state was loaded from the engine (1 after the first success, +1 per reconnection). */
  loads: number;
}

export interface DockerResolverOptions {
  /** "unix:///path", a socket path or "tcp://host:port"; default DOCKER_HOST, else /var/run/docker.sock. */
  host?: string;
  /** Per-request timeout for list/inspect/info; default 10 s. The events stream has none. */
  requestTimeoutMs?: number;
  /** Reconnection backoff: first wait, doubled per failure up to the maximum. Defaults 250 ms and 10 s. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Timeline bounds; the resolver's default horizon is one hour of event time. */
  timeline?: IpTimelineOptions;
}

/**
 * The live container resolver: the Engine API over its socket (Docker, or Podman's compatible API).
 * It loads every running container's addresses, then follows the events stream (container start/die/
 * stop/destroy/rename, network connect/disconnect/create) and records each change at the event's own
 * time (the daemon's wall clock in ns, the same clock as live capture timestamps), so a reused address
 * names the right container for each packet.
 *
 * Lookups are synchronous reads of the timeline and never fail; all I/O is asynchronous and nothing
 * keeps the process alive (timers and the events socket are unref'd). When the socket is missing,
 * refused or goes away, lookups keep answering from what is known, the status says why, and the
 * resolver retries with backoff, reloading the whole state when the engine answers again.
 *
 * Emits 'status' (DockerResolverStatus) on every state change.
 */
export class DockerResolver extends EventEmitter implements Resolver {
  readonly timeline: IpTimeline;
  private readonly endpoint: DockerEndpoint | undefined;
  private readonly endpointLabel: string;
  private current: DockerResolverStatus;
  private generation = 0;
  private retryMs: number;
  private timer: NodeJS.Timeout | undefined = undefined;
  private stream: IncomingMessage | undefined = undefined;
  private api: Docker | undefined = undefined;
  private queue: Promise<void> = Promise.resolve();
  private engine: DockerSnapshot['engine'] | undefined = undefined;
  private firstAttempt: Promise<void> | undefined = undefined;

  constructor(private readonly options: DockerResolverOptions = {}) {
    super();
    this.timeline = new IpTimeline({ horizonSeconds: 3600, ...options.timeline });
    this.endpoint = dockerEndpoint(options.host);
    this.endpointLabel = this.endpoint === undefined ? String(options.host ?? process.env.DOCKER_HOST) : endpointText(this.endpoint);
    this.retryMs = options.retryInitialMs ?? 250;
    this.current = this.makeStatus('connecting', undefined, 0);
  }

  resolve(ip: string, ts: Timestamp): ContainerRef | undefined {
    return this.timeline.resolve(ip, ts);
  }

  get status(): DockerResolverStatus {
    return this.current;
  }

  /** Engine facts for a ledger's meta (known once connected). */
  get meta(): LedgerMeta {
    return { source: 'docker', engine: this.engine ?? { endpoint: this.endpointLabel } };
  }

  /**
   * Starts connecting. Resolves (never rejects) once the first attempt has finished: connected, or
   * unavailable with a reason (retries then continue in the background).
   */
  start(): Promise<DockerResolverStatus> {
    this.firstAttempt ??= this.connect(this.generation);
    return this.firstAttempt.then(() => this.current);
  }

  /** Stops listening and retrying. The timeline stays readable. */
  stop(): void {
    this.generation++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.stream?.destroy();
    this.stream = undefined;
    this.setStatus('stopped', undefined);
  }

  /** Resolves when every event received so far has been applied (tests, and a final --save). */
  settled(): Promise<void> {
    return this.queue;
  }

  private async connect(generation: number): Promise<void> {
    const endpoint = this.endpoint;
    if (endpoint === undefined) {
      this.setStatus('unavailable', `DOCKER_HOST ${this.endpointLabel} is not a unix:// or tcp:// address`);
      return;
    }
    try {
      const api = await dockerClient(endpoint, this.options.requestTimeoutMs ?? 10_000);
      const events = await dockerClient(endpoint, 0);
      const snapshot = await takeSnapshot(api, endpointText(endpoint));
      if (generation !== this.generation) return;
      await synchronize(this.timeline, snapshot, (id) => containerFinishedAt(api, id));
      if (generation !== this.generation) return;
      // Events since the snapshot began: whatever changed while we listed is replayed, and re-applying
      // what the snapshot already holds is a no-op.
      const filters = JSON.stringify(ADDRESS_EVENT_FILTERS);
      const stream = (await events.getEvents({ since: toDockerSince(snapshot.time) as unknown as number, filters })) as IncomingMessage;
      if (generation !== this.generation) {
        stream.destroy();
        return;
      }
      this.api = api;
      this.engine = snapshot.engine;
      this.listen(stream, generation);
      this.retryMs = this.options.retryInitialMs ?? 250;
      this.setStatus('connected', undefined, this.current.loads + 1);
    } catch (error) {
      if (generation !== this.generation) return;
      this.lost(dockerFailureReason(error, endpoint), generation);
    }
  }

  private listen(stream: IncomingMessage, generation: number): void {
    this.stream = stream;
    stream.socket?.unref();
    stream.setEncoding('utf8');
    const lines = new LineSplitter();
    stream.on('data', (chunk: string) => {
      if (generation !== this.generation) return;
      for (const line of lines.push(chunk)) {
        const event = parseEventLine(line);
        if (event !== undefined) this.enqueue(event);
      }
    });
    const ended = (why: string) => {
      if (generation !== this.generation) return;
      this.lost(why, generation);
    };
    stream.once('end', () => ended(`the Docker daemon at ${this.endpointLabel} closed the events stream`));
    stream.once('close', () => ended(`the connection to ${this.endpointLabel} closed`));
    stream.once('error', (error) => ended(this.endpoint ? dockerFailureReason(error, this.endpoint) : String(error)));
  }

  /** Connection lost or refused: keep the timeline, say why, retry after a growing pause. */
  private lost(reason: string, generation: number): void {
    if (generation !== this.generation) return;
    this.generation++;
    this.stream?.destroy();
    this.stream = undefined;
    this.api = undefined;
    this.setStatus(this.current.loads > 0 ? 'reconnecting' : 'unavailable', reason);
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.options.retryMaxMs ?? 10_000);
    const next = this.generation;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect(next);
    }, wait);
    this.timer.unref();
  }

  /** Events are applied one after another, in stream order, even when one needs an inspection. */
  private enqueue(event: AddressEvent): void {
    const api = this.api;
    if (api === undefined) return;
    this.queue = this.queue.then(() => this.apply(api, event)).catch(() => {
      // An inspection failed (the daemon went away mid-event): the reload after reconnecting covers it.
    });
  }

  private async apply(api: Docker, event: AddressEvent): Promise<void> {
    const timeline = this.timeline;
    switch (event.what) {
      case 'container-start':
      case 'network-connect':
      case 'container-rename': {
        const found = containerAddresses(await inspectContainer(api, event.container), event.time);
        for (const claim of found.claims) {
          // A connect that does not name its network (Podman < 4.4) re-learns every address: known ones are no-ops.
          if (event.what === 'network-connect' && event.network !== undefined && claim.ref.network !== event.network) continue;
          // The process may run (and send) a moment before Docker emits 'start': its StartedAt is earlier.
          const from = event.what === 'container-start' && claim.from !== undefined && before(claim.from, event.time) ? claim.from : event.time;
          if (event.what === 'container-rename') {
            const old = timeline.resolve(claim.ip, event.time);
            if (old !== undefined && old.id === claim.ref.id && old.name !== claim.ref.name) timeline.close(claim.ip, old, event.time);
          }
          timeline.open(claim.ip, claim.ref, from);
        }
        for (const claim of hostClaims(found.gateways)) timeline.open(claim.ip, claim.ref);
        return;
      }
      case 'container-end':
      case 'network-disconnect': {
        // A disconnect that does not name its network (Podman < 4.4): the container's addresses that its
        // inspection no longer lists are the ones it lost.
        const kept =
          event.what === 'network-disconnect' && event.network === undefined
            ? new Set(containerAddresses(await inspectContainer(api, event.container)).claims.map((c) => `${c.ip}@${c.ref.network ?? ''}`))
            : undefined;
        for (const interval of timeline.openIntervals()) {
          if (interval.ref.id !== event.container) continue;
          if (event.what === 'network-disconnect' && event.network !== undefined && interval.ref.network !== event.network) continue;
          if (kept?.has(`${interval.ip}@${interval.ref.network ?? ''}`)) continue;
          timeline.close(interval.ip, interval.ref, event.time);
        }
        return;
      }
      case 'network-create': {
        const inspected = await api.getNetwork(event.network).inspect().catch(() => undefined);
        for (const claim of hostClaims(networkGateways(inspected))) timeline.open(claim.ip, claim.ref);
        return;
      }
    }
  }

  private setStatus(state: DockerResolverState, reason: string | undefined, loads = this.current.loads): void {
    const next = this.makeStatus(state, reason, loads);
    if (next.text === this.current.text && next.loads === this.current.loads) return;
    this.current = next;
    this.emit('status', next);
  }

  private makeStatus(state: DockerResolverState, reason: string | undefined, loads: number): DockerResolverStatus {
    const status: DockerResolverStatus = { state, endpoint: this.endpointLabel, text: reason === undefined ? state : `${state}: ${reason}`, loads };
    if (reason !== undefined) status.reason = reason;
    return status;
  }
}

function before(a: Timestamp, b: Timestamp): boolean {
  return a.sec < b.sec || (a.sec === b.sec && a.nsec < b.nsec);
}

/** Result of a one-shot read of the engine (`hopscope containers`). */
export type DockerTimelineResult =
  | { ok: true; timeline: IpTimeline; meta: LedgerMeta }
  | { ok: false; reason: string; endpoint: string };

/**
 * Reads the engine once (no events, no retries): the current address → container table for
 * `hopscope containers`, and the timeline `--save` writes.
 */
export async function readDockerTimeline(options: Pick<DockerResolverOptions, 'host' | 'requestTimeoutMs'> = {}): Promise<DockerTimelineResult> {
  const endpoint = dockerEndpoint(options.host);
  if (endpoint === undefined) {
    const label = String(options.host ?? process.env.DOCKER_HOST);
    return { ok: false, reason: `DOCKER_HOST ${label} is not a unix:// or tcp:// address`, endpoint: label };
  }
  try {
    const api = await dockerClient(endpoint, options.requestTimeoutMs ?? 10_000);
    const snapshot = await takeSnapshot(api, endpointText(endpoint));
    const timeline = new IpTimeline();
    await synchronize(timeline, snapshot, async () => undefined);
    return { ok: true, timeline, meta: { source: 'docker', engine: snapshot.engine } };
  } catch (error) {
    return { ok: false, reason: dockerFailureReason(error, endpoint), endpoint: endpointText(endpoint) };
  }
}
