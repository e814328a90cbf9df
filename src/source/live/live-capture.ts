import { HopscopeError } from '../../model/errors.js';
import type { CaptureInterface, Frame } from '../../model/frame.js';
import { parseBatch } from './batch-parser.js';
import { liveError } from './live-errors.js';
import { loadAddon } from './load-addon.js';
import { EVENT_BATCH, EVENT_DEVICE_CLOSED, type NativeCapture, type NativeDeviceCounters, type NativeDeviceInfo } from './native-addon.js';

export interface LiveCaptureOptions {
  /** Devices to open now (more can be added later with addDevice). May be empty. */
  devices: string[];
  /** BPF filter (tcpdump syntax), applied to every device, including ones added later. */
  filter?: string;
  /** Bytes kept of each packet; default 262144 (GRO/TSO packets on veths exceed 64 KB). Max 262144. */
  snapLength?: number;
  /** Kernel ring buffer per device; default 32 MiB. */
  bufferBytes?: number;
  /** Bytes of batches waiting for JavaScript before packets are dropped (queueDrops); default 64 MiB. */
  maxQueuedBytes?: number;
  /** Size of one batch buffer; default 1 MiB. */
  batchBytes?: number;
  /** A partly filled batch is delivered this long after its first packet; default 20 ms. */
  flushIntervalMs?: number;
  /** Promiscuous mode; default true (a bridge must see traffic between its ports). */
  promiscuous?: boolean;
  /**
   * libpcap immediate mode (TPACKET_V2, one wakeup per packet); default false: TPACKET_V3 blocks the
   * kernel retires every 10 ms, which costs far fewer wakeups under load.
   */
  immediate?: boolean;
}

export interface LiveCaptureEvents {
  /**
   * One call per batch (never per packet), in capture order per device; devices interleave by batch.
   * Each frame's data is a view into the batch's own buffer, never reused: keep frames as long as needed.
   */
  frames(frames: Frame[]): void;
  /**
   * A device stopped delivering: its handle failed (a container's veth vanished: reason is libpcap's
   * text) or removeDevice() was called (reason 'removed'). Comes after the device's last frames.
   */
  deviceClosed?(name: string, reason: string, interfaceId: number): void;
  /**
   * The capture thread failed (HopscopeError 'capture-failed'; nothing more will be delivered), or a
   * frames/deviceClosed handler threw (that error as is). Without this handler such errors are thrown.
   */
  error?(error: Error): void;
}

/** A capture interface of a live capture; interfaceId is its index in `interfaces` for the whole run. */
export interface LiveInterface extends CaptureInterface {
  name: string;
  /** Timestamp precision the kernel granted: 'nano' normally, 'micro' where it refused. */
  precision: 'nano' | 'micro';
  /** libpcap's warning from activation (promiscuous mode unsupported...), if any. */
  warning?: string;
}

/**
 * One device's counters. From the addon (NativeDeviceCounters): `received`, `kernelDrops`,
 * `interfaceDrops` are pcap_stats ps_recv / ps_drop / ps_ifdrop (meaningless when `kernelStats` is
 * false; on `lo` each packet is received twice), `captured` the packets the capture thread batched,
 * `queueDrops` those dropped in user space because maxQueuedBytes of batches were waiting for
 * JavaScript, `closedReason` 'removed', 'stopped' or libpcap's error text once closed. Added here:
 * the stable `interfaceId` and `delivered`, the frames handed to events.frames.
 */
export interface DeviceStats extends NativeDeviceCounters {
  interfaceId: number;
  delivered: number;
}

export interface LiveCapture {
  /** Every device opened in this run, by interfaceId (closed ones stay). Grows with addDevice. */
  readonly interfaces: readonly LiveInterface[];
  /** Opens one more device; throws HopscopeError (see openLiveCapture) or when already open. */
  addDevice(name: string): LiveInterface;
  /** Closes an open device; its deviceClosed event ('removed') follows its last frames. False if not open. */
  removeDevice(name: string): boolean;
  /** Counters of every device of the run; kernel counters are read now for open devices. */
  stats(): DeviceStats[];
  /**
   * Stops capturing, closes every device and resolves once the last frames have been delivered.
   * Safe to call more than once (same promise). Afterwards the capture no longer holds the process.
   */
  stop(): Promise<void>;
  /** A running capture keeps the process alive, like a listening socket; unref() lets it exit. */
  unref(): void;
  ref(): void;
}

/**
 * Starts a live capture on `options.devices` (one capture thread for all of them).
 * Throws HopscopeError: 'live-unavailable' (addon not built: the message says what to install),
 * 'permission', 'no-such-device', 'bad-filter', 'capture-failed'. Nothing keeps running after a throw.
 */
export function openLiveCapture(options: LiveCaptureOptions, events: LiveCaptureEvents): LiveCapture {
  const addon = loadAddon();
  const interfaces: LiveInterface[] = [];
  const linkTypes: number[] = [];
  const delivered: number[] = [];
  const snapLength = options.snapLength ?? 262144;

  const report = (error: Error): void => {
    if (events.error === undefined) throw error;
    events.error(error);
  };
  const onEvent = (kind: number, a: unknown, b: unknown): void => {
    try {
      if (kind === EVENT_BATCH) {
        events.frames(parseBatch(a as ArrayBuffer, b as number, linkTypes, delivered));
      } else if (kind === EVENT_DEVICE_CLOSED) {
        const id = a as number;
        events.deviceClosed?.(interfaces[id].name, b as string, id);
      } else {
        report(new HopscopeError('capture-failed', `live capture failed: ${String(a)}`));
      }
    } catch (error) {
      report(error instanceof Error ? error : new Error(String(error)));
    }
  };

  let native: NativeCapture;
  try {
    native = new addon.Capture(
      {
        snapLength,
        bufferBytes: options.bufferBytes,
        maxQueuedBytes: options.maxQueuedBytes,
        batchBytes: options.batchBytes,
        flushIntervalMs: options.flushIntervalMs,
        promiscuous: options.promiscuous,
        immediate: options.immediate,
        filter: options.filter,
      },
      onEvent,
    );
  } catch (error) {
    throw error instanceof TypeError ? new HopscopeError('usage', error.message) : liveError(error, options.filter);
  }

  const addDevice = (name: string): LiveInterface => {
    let info: NativeDeviceInfo;
    try {
      info = native.addDevice(name);
    } catch (error) {
      throw liveError(error, options.filter);
    }
    const item: LiveInterface = { id: info.index, name: info.name, linkType: info.linkType, snapLength, precision: info.precision };
    if (info.warning !== undefined) item.warning = info.warning;
    interfaces[info.index] = item;
    linkTypes[info.index] = info.linkType;
    delivered[info.index] = 0;
    return item;
  };

  try {
    for (const name of options.devices) addDevice(name);
  } catch (error) {
    void native.stop();
    throw error;
  }

  return {
    interfaces,
    addDevice,
    removeDevice: (name) => native.removeDevice(name),
    stats: () =>
      native.stats().map((s) => {
        const out: DeviceStats = {
          interfaceId: s.index,
          name: s.name,
          open: s.open,
          kernelStats: s.kernelStats,
          received: s.received,
          kernelDrops: s.kernelDrops,
          interfaceDrops: s.interfaceDrops,
          captured: s.captured,
          delivered: delivered[s.index] ?? 0,
          queueDrops: s.queueDrops,
        };
        if (s.closedReason !== undefined) out.closedReason = s.closedReason;
        return out;
      }),
    stop: () => native.stop(),
    unref: () => native.unref(),
    ref: () => native.ref(),
  };
}
