import { discoverCapturePlan, type CapturePlanEntry } from './docker-interfaces.js';
import { SYS_CLASS_NET, type NetInterfaceKind } from './net-interfaces.js';

/** What changed between two scans, among the kinds watched; `plan` is the whole plan now. */
export interface InterfaceChanges {
  appeared: CapturePlanEntry[];
  vanished: CapturePlanEntry[];
  /** Same name, another kind, decision or master (a veth enslaved after it was created). */
  changed: CapturePlanEntry[];
  plan: CapturePlanEntry[];
}

export interface InterfaceWatcherOptions {
  /** Poll period (default 1000 ms). */
  intervalMs?: number;
  /** sysfs directory to read (default /sys/class/net); tests point it elsewhere. */
  root?: string;
  /** Kinds whose changes are reported (default bridges and veths). */
  kinds?: readonly NetInterfaceKind[];
  /** A scan that failed (sysfs unreadable); polling goes on. Library code never logs by itself. */
  onError?: (error: unknown) => void;
}

/**
 * Polls /sys/class/net and reports bridges and veths that appeared, vanished or changed, so live
 * capture can open a new Docker network's bridge and close a removed one. Polling is on wall-clock
 * time: this is an edge watching the host, not the data path. The timer is unref'd, so a watcher never
 * keeps the process alive on its own; scans never overlap.
 */
export class InterfaceWatcher {
  private current: CapturePlanEntry[] = [];
  private timer: NodeJS.Timeout | undefined = undefined;
  private stopped = true;
  private scanning: Promise<InterfaceChanges | undefined> = Promise.resolve(undefined);
  private readonly intervalMs: number;
  private readonly root: string;
  private readonly kinds: ReadonlySet<NetInterfaceKind>;
  private readonly tick = (): void => {
    this.timer = undefined;
    void this.poll().finally(() => this.schedule());
  };

  constructor(
    private readonly onChange: (changes: InterfaceChanges) => void,
    private readonly options: InterfaceWatcherOptions = {},
  ) {
    this.intervalMs = Math.max(10, options.intervalMs ?? 1000);
    this.root = options.root ?? SYS_CLASS_NET;
    this.kinds = new Set(options.kinds ?? ['bridge', 'veth']);
  }

  /** The plan as of the last scan. */
  get plan(): readonly CapturePlanEntry[] {
    return this.current;
  }

  /**
   * Takes the first scan (the baseline, not reported as changes) and starts polling. Rejects when
   * that first scan fails (HopscopeError: sysfs unreadable).
   */
  async start(): Promise<CapturePlanEntry[]> {
    this.current = await discoverCapturePlan(this.root);
    this.stopped = false;
    this.schedule();
    return this.current;
  }

  /** Scans now; calls onChange and returns the changes when something changed, else undefined. */
  poll(): Promise<InterfaceChanges | undefined> {
    this.scanning = this.scanning.then(() => this.scan());
    return this.scanning;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped || this.timer !== undefined) return;
    this.timer = setTimeout(this.tick, this.intervalMs);
    this.timer.unref();
  }

  private async scan(): Promise<InterfaceChanges | undefined> {
    let plan: CapturePlanEntry[];
    try {
      plan = await discoverCapturePlan(this.root);
    } catch (error) {
      this.options.onError?.(error);
      return undefined;
    }
    const changes = diffPlans(this.current, plan, this.kinds);
    this.current = plan;
    if (changes === undefined) return undefined;
    this.onChange(changes);
    return changes;
  }
}

/** Starts a watcher; resolves once the baseline scan is done. */
export async function watchInterfaces(
  onChange: (changes: InterfaceChanges) => void,
  options: InterfaceWatcherOptions = {},
): Promise<InterfaceWatcher> {
  const watcher = new InterfaceWatcher(onChange, options);
  await watcher.start();
  return watcher;
}

/** Differences among the watched kinds, or undefined when there are none. */
export function diffPlans(
  before: readonly CapturePlanEntry[],
  after: readonly CapturePlanEntry[],
  kinds: ReadonlySet<NetInterfaceKind>,
): InterfaceChanges | undefined {
  const old = new Map(before.map((e) => [e.name, e]));
  const now = new Map(after.map((e) => [e.name, e]));
  const watched = (e: CapturePlanEntry): boolean => kinds.has(e.kind);
  const appeared: CapturePlanEntry[] = [];
  const changed: CapturePlanEntry[] = [];
  for (const e of after) {
    const was = old.get(e.name);
    if (was === undefined) {
      if (watched(e)) appeared.push(e);
    } else if ((watched(e) || watched(was)) && (was.kind !== e.kind || was.decision !== e.decision || was.master !== e.master)) {
      changed.push(e);
    }
  }
  const vanished = before.filter((e) => !now.has(e.name) && watched(e));
  if (appeared.length === 0 && vanished.length === 0 && changed.length === 0) return undefined;
  return { appeared, vanished, changed, plan: [...after] };
}
