import type { DockerResolverStatus } from '../containers/docker-resolver.js';
import { HopscopeError } from '../model/errors.js';
import type { Exchange } from '../model/exchange.js';
import type { Frame } from '../model/frame.js';
import { captureInterfaces } from '../source/docker-interfaces.js';
import { InterfaceWatcher, type InterfaceChanges } from '../source/interface-watcher.js';
import { loadAddon, openLiveCapture, type DeviceStats, type LiveCapture, type LiveInterface } from '../source/live/index.js';
import type { ExchangePredicate } from '../store/filter.js';
import type { LiveArgs } from './live-args.js';
import { FrameBacklog } from './frame-backlog.js';
import { createLiveOutput, type LiveOutput } from './live-output.js';
import { LiveNaming } from './live-naming.js';
import { LiveRecorder } from './live-recorder.js';
import { createPipeline, type Pipeline } from './pipeline.js';
import { hopscopeVersion } from './version.js';

/**
 * After this long without a batch from any device, frames held back for interface merging are passed
 * on: every device flushes a partly filled batch within ~20 ms of its first packet, so nothing older
 * is still on its way. Wall-clock time, on purpose: it only decides when to stop waiting for packets
 * that have not arrived; every timestamp in the output is still capture time.
 */
const QUIET_RELEASE_MS = 100;
/** How often bridges that failed to open are tried again (the watcher's period by default). */
const RETRY_MS = 1000;
/**
 * dockerd creates a new network's bridge and sets it up a moment later, so the watcher can find a
 * bridge that cannot be opened yet ("That device is not up"). Such a bridge is retried quietly; only
 * one that still cannot be opened after this long is worth a warning. Wall-clock time: an edge
 * watching the host, not the data path.
 */
const NEW_BRIDGE_GRACE_MS = 5000;

/** With the UI, the longest stretch of packet processing before it may draw or take a key. */
const UI_SLICE_MS = 25;
/** Captured bytes waiting for the UI's pipeline, as the addon's own queue bounds them (64 MiB). */
const UI_BACKLOG_BYTES = 64 * 1024 * 1024;

export const NO_BRIDGES_MESSAGE =
  'no Docker bridges to capture on (docker0, br-*): start Docker, or choose interfaces with -i NAME (hopscope interfaces lists them)';

export interface LiveSessionOptions {
  /** Notes and the final summary line (stderr). */
  log: (line: string) => void;
  /** Poll period of the interface watcher (no -i). */
  watchIntervalMs?: number;
  /** The Docker API for container names (DOCKER_HOST form); default DOCKER_HOST, else /var/run/docker.sock. */
  dockerHost?: string;
  /**
   * The terminal UI: every exchange (named, unfiltered: the UI filters) goes here instead of to an
   * output, with its bodies kept up to the pipeline's maxBody (the UI's store bounds them).
   */
  deliver?: (exchange: Exchange) => void;
}

/** What a running live session can tell its status line. */
export interface LiveSnapshot {
  /** Counters of every device of the run (kernel counters read now). */
  devices: DeviceStats[];
  /** Devices open now. */
  open: string[];
  /** Container naming (undefined with --no-containers). */
  resolver: DockerResolverStatus | undefined;
  exchanges: number;
  /** Frames dropped in JavaScript because the UI's backlog was full (see FrameBacklog). */
  backlogDrops: number;
  /** run() has finished. */
  finished: boolean;
}

/** The line printed when a live capture ends. */
export function liveSummaryLine(devices: readonly DeviceStats[], exchanges: number, backlogDrops = 0): string {
  let packets = 0;
  let kernelDrops = 0;
  let queueDrops = backlogDrops;
  for (const d of devices) {
    packets += d.delivered;
    if (d.kernelStats) kernelDrops += d.kernelDrops;
    queueDrops += d.queueDrops;
  }
  const names = new Set(devices.map((d) => d.name)).size;
  return `hopscope: ${packets} packets on ${names} interfaces, ${kernelDrops} dropped by the kernel, ${queueDrops} dropped in queue, ${exchanges} exchanges`;
}

/**
 * Opens a live capture as `args` say: the devices (given, or every Docker bridge, watched for new
 * ones), the pipeline, the outputs. Throws HopscopeError when it cannot start ('live-unavailable',
 * 'permission', 'no-such-device', 'bad-filter', 'output-unwritable'…); nothing keeps running then.
 */
export async function startLive(args: LiveArgs, keep: ExchangePredicate, options: LiveSessionOptions): Promise<LiveSession> {
  loadAddon();
  // Names first, so that the first exchanges and the start of a -w file have them; bounded, never fatal.
  const naming = args.containers
    ? await LiveNaming.start({ log: options.log, quiet: args.quiet, ...(options.dockerHost === undefined ? {} : { host: options.dockerHost }) })
    : undefined;
  try {
    const session = await openSession(args, keep, options, naming);
    // Only once capture runs: a run that cannot start (no permission: the demo instead) says nothing about Docker.
    naming?.announce();
    return session;
  } catch (error) {
    naming?.stop();
    throw error;
  }
}

async function openSession(args: LiveArgs, keep: ExchangePredicate, options: LiveSessionOptions, naming: LiveNaming | undefined): Promise<LiveSession> {
  let watcher: InterfaceWatcher | undefined;
  let devices = args.interfaces;
  // The watcher's handler is set once the session exists; its first poll comes a period after start().
  let onChange: (changes: InterfaceChanges) => void = () => {};
  if (devices.length === 0) {
    watcher = new InterfaceWatcher((changes) => onChange(changes), {
      ...(options.watchIntervalMs === undefined ? {} : { intervalMs: options.watchIntervalMs }),
      onError: () => {
        // sysfs unreadable for a moment: the next poll tries again.
      },
    });
    devices = captureInterfaces(await watcher.start());
    if (devices.length === 0) {
      watcher.stop();
      throw new HopscopeError('no-such-device', NO_BRIDGES_MESSAGE);
    }
  }
  try {
    const session = new LiveSession(args, devices, keep, options, watcher, naming);
    onChange = (changes) => session.interfacesChanged(changes);
    return session;
  } catch (error) {
    watcher?.stop();
    throw error;
  }
}

/** One run of `hopscope live`, from open devices to the summary line. */
export class LiveSession {
  private readonly capture: LiveCapture;
  private readonly pipeline: Pipeline;
  /** Undefined when exchanges go to options.deliver (the UI). */
  private readonly output: LiveOutput | undefined;
  private readonly recorder: LiveRecorder | undefined;
  /** With the UI: batches processed in slices, so that it draws and takes keys under heavy traffic. */
  private readonly backlog: FrameBacklog | undefined;
  /** Names of devices open now (a closed one leaves on its deviceClosed event or on removal). */
  private readonly open = new Set<string>();
  private exchanges = 0;
  private framesSinceTick = 0;
  private stopping = false;
  /** The pipeline has ended: a late batch only goes to the -w file. */
  private finished = false;
  private failure: Error | undefined;
  private requestStop: () => void = () => {};
  private readonly stopRequested = new Promise<void>((resolve) => {
    this.requestStop = resolve;
  });
  private readonly quietTimer: NodeJS.Timeout;
  private readonly retryTimer: NodeJS.Timeout | undefined;
  /** Docker bridges that exist but failed to open (set down): retried. */
  private readonly unopened = new Set<string>();
  /** Bridges that appeared while running and failed to open: since when, not warned about yet. */
  private readonly newUnopened = new Map<string, number>();

  constructor(
    private readonly args: LiveArgs,
    devices: readonly string[],
    keep: ExchangePredicate,
    private readonly options: LiveSessionOptions,
    private readonly watcher: InterfaceWatcher | undefined,
    private readonly naming: LiveNaming | undefined,
  ) {
    const ui = options.deliver;
    this.backlog = ui === undefined ? undefined : new FrameBacklog((batch) => this.process(batch), { sliceMs: UI_SLICE_MS, maxBytes: UI_BACKLOG_BYTES });
    const showsBodies = ui !== undefined || args.output === 'jsonl' || args.output === 'har';
    const pipelineOptions = showsBodies ? args.pipeline : { ...args.pipeline, maxBody: 0 };
    let output: LiveOutput | undefined;
    const deliver = (exchange: Exchange): void => {
      this.exchanges++;
      if (ui !== undefined) ui(exchange);
      // Every exchange, with whether --filter keeps it: with --traces the others still link their calls.
      else output!.write(exchange, keep(exchange));
    };
    // Named in the pipeline as each exchange completes; one still unnamed waits a moment for Docker's
    // events (the filter may select by name, so it comes after).
    const onExchange = naming === undefined ? deliver : naming.sink(deliver);
    this.pipeline = createPipeline(pipelineOptions, onExchange, {
      order: 'completion',
      dedupe: true,
      ...(naming === undefined ? {} : { resolver: naming.resolver }),
    });
    // Frames come through the event loop, never during this constructor: everything below is in
    // place before the first batch.
    // Chosen devices (-i) must all open. Docker bridges are opened one by one: one that cannot be
    // opened yet (a bridge set down) is retried while the others are captured.
    const tolerant = watcher !== undefined;
    this.capture = openLiveCapture(
      {
        devices: tolerant ? [] : [...devices],
        ...(args.captureFilter === undefined ? {} : { filter: args.captureFilter }),
        ...(args.bufferBytes === undefined ? {} : { bufferBytes: args.bufferBytes }),
      },
      {
        frames: (batch) => this.frames(batch),
        deviceClosed: (name, reason) => this.deviceClosed(name, reason),
        error: (error) => this.fail(error),
      },
    );
    try {
      if (tolerant) this.openBridges(devices);
      this.recorder = args.writePath === undefined ? undefined : new LiveRecorder(args.writePath, args.captureFilter, `hopscope ${hopscopeVersion()}`);
      this.output = output = ui === undefined ? createLiveOutput(args) : undefined;
    } catch (error) {
      void this.capture.stop();
      throw error;
    }
    for (const device of this.capture.interfaces) this.register(device);
    if (naming !== undefined) this.recorder?.mirrorNames(naming.resolver);
    this.quietTimer = setInterval(() => this.quietTick(), QUIET_RELEASE_MS);
    this.quietTimer.unref();
    this.retryTimer = tolerant ? setInterval(() => this.retryUnopened(), options.watchIntervalMs ?? RETRY_MS) : undefined;
    this.retryTimer?.unref();
  }

  /**
   * Opens each bridge. Throws what would stop every device from opening (permission, a bad filter),
   * or the first failure when none opened; others are logged and retried.
   */
  private openBridges(names: readonly string[]): void {
    const failures: HopscopeError[] = [];
    for (const name of names) {
      try {
        this.capture.addDevice(name);
      } catch (error) {
        if (!(error instanceof HopscopeError) || error.code !== 'capture-failed') throw error;
        failures.push(error);
        this.unopened.add(name);
      }
    }
    if (this.capture.interfaces.length === 0 && failures.length > 0) throw failures[0];
    for (const failure of failures) this.options.log(`hopscope: warning: ${failure.message} (retrying while capturing)`);
  }

  /** Bridges that could not be opened yet: tried again every watch period until they open or vanish. */
  private retryUnopened(): void {
    if (this.stopping) return;
    for (const name of this.unopened) {
      try {
        this.register(this.capture.addDevice(name));
      } catch (error) {
        if (error instanceof HopscopeError && error.code === 'no-such-device') this.forgetUnopened(name);
        else this.warnIfStillUnopened(name, error);
        continue;
      }
      this.forgetUnopened(name);
      if (!this.args.quiet) this.options.log(`hopscope: now also capturing on ${name}`);
    }
  }

  /** Names of the devices open now. */
  get devices(): string[] {
    return [...this.open];
  }

  /** Counters for a status line; cheap enough for a few calls a second. */
  snapshot(): LiveSnapshot {
    return {
      devices: this.capture.stats(),
      open: [...this.open],
      resolver: this.naming?.resolver.status,
      exchanges: this.exchanges,
      backlogDrops: this.backlog?.droppedFrames ?? 0,
      finished: this.finished,
    };
  }

  /** Ends the capture (Ctrl-C, SIGTERM, a test): run() then flushes everything and returns. */
  stop(): void {
    this.requestStop();
  }

  /**
   * Waits until stop() (or a capture failure, or every chosen device gone), then stops capturing,
   * ends open exchanges as 'capture-end', closes the outputs and the -w file, and logs the summary
   * line. Resolves with the exit code; rejects with the failure that ended it.
   */
  async run(): Promise<number> {
    await this.stopRequested;
    this.stopping = true;
    this.watcher?.stop();
    clearInterval(this.quietTimer);
    clearInterval(this.retryTimer);
    await this.capture.stop();
    this.backlog?.flush();
    this.pipeline.finish();
    this.finished = true;
    await this.naming?.finish();
    // After the wait above: a batch the capture thread handed over just before stopping, delivered
    // meanwhile, is then both counted and in the -w file.
    const devices = this.capture.stats();
    let outputError: unknown;
    try {
      await this.output?.close();
    } catch (error) {
      outputError = error;
    }
    try {
      await this.recorder?.close(devices);
    } catch (error) {
      outputError ??= error;
    }
    this.naming?.stop();
    const log = this.options.log;
    log(liveSummaryLine(devices, this.exchanges, this.backlog?.droppedFrames));
    const duplicates = this.pipeline.stats.get('capture.duplicate');
    if (duplicates > 0) log(`hopscope: ${duplicates} packets were seen on two interfaces and counted once`);
    if (this.output !== undefined && this.output.dropped > 0) {
      log(`hopscope: warning: ${this.output.dropped} exchanges were not written: the output could not keep up (capture and the summary are complete)`);
    }
    if (this.recorder !== undefined && this.recorder.dropped > 0) {
      log(`hopscope: warning: ${this.recorder.dropped} packets were left out of ${this.recorder.path}: the disk could not keep up`);
    }
    if (this.failure !== undefined) throw this.failure;
    if (outputError !== undefined) throw outputError;
    return 0;
  }

  /** The watcher saw bridges/veths come or go (no -i): open new Docker bridges, close vanished ones. */
  interfacesChanged(changes: InterfaceChanges): void {
    if (this.stopping) return;
    for (const entry of [...changes.appeared, ...changes.changed]) {
      if (entry.decision === 'capture' && !this.open.has(entry.name) && !this.unopened.has(entry.name)) this.addDevice(entry.name);
      else if (entry.decision === 'skip' && this.open.has(entry.name)) this.removeDevice(entry.name);
    }
    for (const entry of changes.vanished) {
      this.forgetUnopened(entry.name);
      if (this.open.has(entry.name)) this.removeDevice(entry.name);
    }
  }

  private addDevice(name: string): void {
    let device: LiveInterface;
    try {
      device = this.capture.addDevice(name);
    } catch (error) {
      // Gone again before it could be opened (a network created and removed at once): nothing to say.
      if (error instanceof HopscopeError && error.code === 'no-such-device') return;
      // Most likely not set up yet by dockerd: retried quietly (warnIfStillUnopened).
      this.unopened.add(name);
      this.newUnopened.set(name, performance.now());
      return;
    }
    this.register(device);
    if (!this.args.quiet) this.options.log(`hopscope: now also capturing on ${name}`);
  }

  private forgetUnopened(name: string): void {
    this.unopened.delete(name);
    this.newUnopened.delete(name);
  }

  /** A bridge that appeared while running and still fails after the grace period is news, once. */
  private warnIfStillUnopened(name: string, error: unknown): void {
    const since = this.newUnopened.get(name);
    if (since === undefined || performance.now() - since < NEW_BRIDGE_GRACE_MS) return;
    this.newUnopened.delete(name);
    this.options.log(`hopscope: warning: ${(error as Error).message} (retrying while capturing)`);
  }

  private removeDevice(name: string): void {
    this.open.delete(name);
    this.capture.removeDevice(name);
  }

  private register(device: LiveInterface): void {
    this.open.add(device.name);
    this.pipeline.events.interface(device);
    this.recorder?.addInterface(device);
    if (device.warning !== undefined) this.options.log(`hopscope: warning: ${device.name}: ${device.warning}`);
  }

  private frames(batch: Frame[]): void {
    this.recorder?.write(batch);
    if (this.finished) return;
    if (this.backlog !== undefined) this.backlog.push(batch);
    else this.process(batch);
  }

  private process(batch: Frame[]): void {
    const events = this.pipeline.events;
    for (let i = 0; i < batch.length; i++) events.frame(batch[i]);
    this.framesSinceTick += batch.length;
  }

  private quietTick(): void {
    if (this.framesSinceTick === 0 && (this.backlog === undefined || this.backlog.waitingBatches === 0)) this.pipeline.releaseHeldFrames();
    this.framesSinceTick = 0;
  }

  private deviceClosed(name: string, reason: string): void {
    this.open.delete(name);
    if (this.stopping || reason === 'removed') return;
    // Watching Docker bridges, a removed network's bridge goes quietly (and one that failed while it
    // still exists is reopened by the retry); a device chosen with -i is news.
    if (this.watcher !== undefined) {
      this.unopened.add(name);
      return;
    }
    this.options.log(`hopscope: ${name} stopped: ${reason}`);
    if (this.open.size === 0) {
      this.options.log('hopscope: no capture device is left');
      this.requestStop();
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.requestStop();
  }
}
