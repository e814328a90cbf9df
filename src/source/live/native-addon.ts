/**
 * The shape of native/build/Release/hopscope_pcap.node (native/src/capture.cc), as the wrapper uses it.
 * Nothing outside src/source/live should touch these types: openLiveCapture is the public API.
 */

/** Batch record layout version this wrapper parses (native/src/batch.h). */
export const BATCH_FORMAT = 1;
/** Bytes of a record's header: six uint32 (interface, sec low, sec high, nsec, caplen, wirelen). */
export const RECORD_HEADER_BYTES = 24;

/** First argument of the capture's callback. */
export const EVENT_BATCH = 0;
export const EVENT_DEVICE_CLOSED = 1;
export const EVENT_FAILURE = 2;

export interface NativeCaptureOptions {
  snapLength?: number;
  bufferBytes?: number;
  maxQueuedBytes?: number;
  batchBytes?: number;
  flushIntervalMs?: number;
  timeoutMs?: number;
  promiscuous?: boolean;
  immediate?: boolean;
  filter?: string;
}

/**
 * (EVENT_BATCH, batch: ArrayBuffer, packets: number) — records back to back; the ArrayBuffer owns them
 * (EVENT_DEVICE_CLOSED, index: number, reason: string)
 * (EVENT_FAILURE, message: string) — the capture thread has ended
 */
export type NativeEventCallback = (kind: number, a: unknown, b: unknown) => void;

export interface NativeDeviceInfo {
  index: number;
  name: string;
  linkType: number;
  precision: 'nano' | 'micro';
  warning?: string;
}

/** One device's counters as the addon reports them (documented on DeviceStats in live-capture.ts). */
export interface NativeDeviceCounters {
  name: string;
  open: boolean;
  closedReason?: string;
  kernelStats: boolean;
  received: number;
  kernelDrops: number;
  interfaceDrops: number;
  captured: number;
  queueDrops: number;
}

export interface NativeDeviceStats extends NativeDeviceInfo, NativeDeviceCounters {}

export interface NativeCapture {
  /** Throws an Error with `code` ('permission' | 'no-such-device' | 'bad-filter' | 'capture-failed'). */
  addDevice(name: string): NativeDeviceInfo;
  removeDevice(name: string): boolean;
  stats(): NativeDeviceStats[];
  stop(): Promise<void>;
  ref(): void;
  unref(): void;
}

export interface NativeAddon {
  Capture: new (options: NativeCaptureOptions, onEvent: NativeEventCallback) => NativeCapture;
  batchFormat: number;
  recordHeaderBytes: number;
  libpcapVersion: string;
}
