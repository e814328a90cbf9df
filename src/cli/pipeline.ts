import { namingSink } from '../containers/attach.js';
import { DuplicateFilter } from '../decode/duplicate-filter.js';
import { FrameDecoder } from '../decode/frame-decoder.js';
import { createHttpHandlerFactory } from '../http/http-handler-factory.js';
import type { Anomaly } from '../model/anomaly.js';
import type { Resolver } from '../model/container.js';
import type { Exchange } from '../model/exchange.js';
import type { CaptureInterface } from '../model/frame.js';
import type { PipelineOptions } from '../model/options.js';
import { Stats } from '../model/stats.js';
import { Reassembler } from '../reassembly/reassembler.js';
import { completionOrder, StartOrderBuffer } from '../sinks/start-order-buffer.js';
import type { CaptureEvents } from '../source/capture-reader.js';
import { InterfaceMerger } from '../source/interface-merger.js';

/**
 * The composition of the stages, for files and live capture alike: frames (merged into time order) →
 * segments (deduplicated across interfaces when asked) → streams → exchanges (named when a resolver is
 * given) → in request start order or as they complete. Synchronous from a frame to its exchanges; the
 * caller owns the I/O at both ends.
 */
export interface Pipeline {
  readonly events: CaptureEvents;
  readonly stats: Stats;
  readonly interfaces: CaptureInterface[];
  readonly warnings: Anomaly[];
  /** End of capture: open connections end as 'capture-end' and every held exchange is released. */
  finish(): void;
  /**
   * Passes on every frame held back for interface merging now. Live capture calls it after a quiet
   * moment (all devices' earlier packets have been delivered by then), so the last exchange of a burst
   * does not wait for the next packet.
   */
  releaseHeldFrames(): void;
  /** Most TCP connections tracked at once (a shard's exactness check: see parallel-summary.ts). */
  readonly peakConnections: number;
}

export interface PipelineOutput {
  /** 'start': exchanges in the order their requests started (lines); 'completion': as they complete (aggregates). */
  order: 'start' | 'completion';
  /** Reassemble and parse only this shard's connections (out of `count`); every frame is still read and decoded. */
  shard?: { index: number; count: number };
  /**
   * Drop copies of a packet seen on more than one interface (live capture of a bridge and its veths),
   * between decode and reassembly; counted as capture.duplicate. Free while one interface is open.
   */
  dedupe?: boolean;
  /** Names both ends of every exchange (containers: a timeline from Docker, a saved ledger or the capture). */
  resolver?: Resolver;
}

export function createPipeline(
  options: PipelineOptions,
  onExchange: (exchange: Exchange) => void,
  output: PipelineOutput = { order: 'start' },
): Pipeline {
  const stats = new Stats();
  const startOrder = output.order === 'start' ? new StartOrderBuffer(onExchange, stats) : undefined;
  const ordered = startOrder ?? completionOrder(onExchange);
  const order = output.resolver === undefined ? ordered : namingSink(output.resolver, ordered);
  const reassembler = new Reassembler(createHttpHandlerFactory(order, stats, options), stats, options);
  const shard = output.shard;
  const decoder = new FrameDecoder(
    stats,
    shard === undefined ? {} : { shard: { index: shard.index, count: shard.count, other: (ts) => reassembler.advance(ts) } },
  );
  const dedupe = output.dedupe === true ? new DuplicateFilter(stats) : undefined;
  const merger = new InterfaceMerger(
    (frame) => {
      const segment = decoder.decode(frame);
      if (segment !== undefined && (dedupe === undefined || dedupe.accept(segment))) reassembler.segment(segment);
    },
    stats,
    options.interfaceMergeWindowSeconds,
    options.maxMergeFrames,
  );
  const interfaces: CaptureInterface[] = [];
  const warnings: Anomaly[] = [];
  return {
    stats,
    interfaces,
    warnings,
    events: {
      frame(frame) {
        merger.push(frame);
      },
      interface(info) {
        interfaces.push(info);
        merger.addInterface();
        dedupe?.interfaceOpened(info.id);
      },
      // Names carried by a capture are read in a pre-pass (read-containers.ts), not here.
      nameRecord() {},
      warning(anomaly) {
        warnings.push(anomaly);
      },
    },
    get peakConnections() {
      return reassembler.peakConnections;
    },
    releaseHeldFrames() {
      merger.flush();
    },
    finish() {
      merger.flush();
      reassembler.finish();
      startOrder?.flush();
    },
  };
}
