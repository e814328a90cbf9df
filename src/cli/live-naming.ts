import { DockerResolver, type DockerResolverOptions, type DockerResolverStatus } from '../containers/docker-resolver.js';
import type { Exchange } from '../model/exchange.js';
import { NamingHold, type NamingHoldOptions } from './live-naming-hold.js';
import { NamingStatusLines } from './live-naming-status.js';

/**
 * How long `hopscope live` waits for Docker's first answer before it starts capturing anyway. A local
 * socket answers in milliseconds; a daemon that hangs must not keep capture from starting.
 */
export const FIRST_ANSWER_MS = 2000;

export interface LiveNamingOptions {
  log: (line: string) => void;
  /** No line when naming starts fine (problems and recoveries are still said). */
  quiet?: boolean;
  /** DOCKER_HOST form; default DOCKER_HOST, else /var/run/docker.sock. */
  host?: string;
  firstAnswerMs?: number;
  resolver?: Omit<DockerResolverOptions, 'host'>;
  hold?: NamingHoldOptions;
}

/**
 * Container naming for one live capture: the Docker resolver (snapshot + events, reconnecting on its
 * own), a stderr line for its state at the start and whenever naming stops or resumes, and the short
 * hold that gives a just-started container's exchanges their name (live-naming-hold.ts).
 */
export class LiveNaming {
  private readonly lines = new NamingStatusLines();
  private hold: NamingHold | undefined = undefined;

  private constructor(
    readonly resolver: DockerResolver,
    private readonly options: LiveNamingOptions,
  ) {}

  /**
   * Starts the resolver and waits for its first answer (at most firstAnswerMs). Never throws: without
   * Docker, capture goes on with addresses. Says nothing until announce().
   */
  static async start(options: LiveNamingOptions): Promise<LiveNaming> {
    const resolver = new DockerResolver({ retryMaxMs: 2000, ...options.resolver, ...(options.host === undefined ? {} : { host: options.host }) });
    const naming = new LiveNaming(resolver, options);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.firstAnswerMs ?? FIRST_ANSWER_MS);
    });
    await Promise.race([resolver.start(), waited]);
    clearTimeout(timer);
    return naming;
  }

  /** Logs the state now (once capture has started) and every change from then on. */
  announce(): void {
    this.report(this.resolver.status);
    this.resolver.on('status', (status: DockerResolverStatus) => this.report(status));
  }

  /** The exchange callback with the hold in front of it. */
  sink(next: (exchange: Exchange) => void): (exchange: Exchange) => void {
    const resolver = this.resolver;
    const active = () => resolver.status.state === 'connected' || resolver.status.state === 'connecting';
    const hold = new NamingHold(resolver, active, next, this.options.hold);
    this.hold = hold;
    return (exchange) => hold.push(exchange);
  }

  /**
   * The end of the capture. Held exchanges get the rest of their wait, and the events received by then
   * are applied (at most `maxSettleMs` more), then every held exchange is named and released.
   */
  async finish(maxSettleMs = 1000): Promise<void> {
    const hold = this.hold;
    if (hold !== undefined && hold.held > 0 && this.resolver.status.state === 'connected') {
      await sleep(hold.waitLeft);
      await Promise.race([this.resolver.settled(), sleep(maxSettleMs)]);
    }
    hold?.flush();
    hold?.stop();
  }

  /** Stops following Docker (the timeline stays readable). */
  stop(): void {
    this.hold?.stop();
    this.resolver.stop();
  }

  private report(status: DockerResolverStatus): void {
    const first = status.loads <= 1 && status.state === 'connected';
    const line = this.lines.next(status);
    if (line !== undefined && !(first && this.options.quiet === true && line.includes('naming containers from'))) this.options.log(line);
  }
}

/** A bounded wait (ref'd: at the end of a capture it may be all that keeps the process alive). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
