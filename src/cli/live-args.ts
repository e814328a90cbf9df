import { HopscopeError } from '../model/errors.js';
import { defaultPipelineOptions, type PipelineOptions } from '../model/options.js';
import { parseBy, parseCommandLine, parseOutputChoice, parsePipelineOptions, parsePositive, parseSize, parseTraceHeaders, sharedOptions, type OutputMode } from './args.js';

/** Live capture merges interfaces within a short window: devices deliver batches every ~20 ms. */
export const LIVE_MERGE_WINDOW_SECONDS = 0.2;

export interface LiveArgs {
  /** -i/--interface, in the order given; empty: every Docker bridge, and new ones as they appear. */
  interfaces: string[];
  /** The positional BPF capture filter (tcpdump syntax); several words are joined with spaces. */
  captureFilter?: string;
  output: OutputMode;
  json: boolean;
  harPath?: string;
  /** -w/--write: also save every captured packet to this pcapng file. */
  writePath?: string;
  /** --filter: the exchange filter expression (as for read), applied to the output, not to capture. */
  filter?: string;
  redact: boolean;
  redactPatterns: string[];
  /** --buffer-size: the kernel's capture buffer per device (libpcap's default here: 32 MiB). */
  bufferBytes?: number;
  /** No "capturing on …" lines on stderr (the final summary line is always printed). */
  quiet: boolean;
  /** Name both ends by their containers from the Docker API (false: --no-containers). */
  containers: boolean;
  /** --by with --summary: rows per container pair (default) or compose service pair. */
  by: 'container' | 'service';
  /** --traces: request trees (the table), trace fields on entries (--jsonl, --har), or their summary (--summary). */
  traces: boolean;
  /** --trace-header: further request headers whose value correlates a whole tree. */
  traceHeaders: string[];
  pipeline: PipelineOptions;
}


/** Parses the options of `hopscope live`. */
export function parseLiveArgs(argv: string[]): LiveArgs {
  const { values, positionals } = parseCommandLine(argv, {
    ...sharedOptions,
    interface: { type: 'string', short: 'i', multiple: true },
    write: { type: 'string', short: 'w' },
    'merge-window': { type: 'string' },
    'buffer-size': { type: 'string' },
    'no-containers': { type: 'boolean' },
    traces: { type: 'boolean' },
  });
  const { output, json } = parseOutputChoice(values);
  if (values.write === '-') throw new HopscopeError('usage', '-w needs a file name (stdout carries the exchanges)');
  if (values.write !== undefined && values.write === values.har) throw new HopscopeError('usage', '-w and --har need different files');
  const interfaces = values.interface ?? [];
  for (const name of interfaces) {
    if (name === '' || name.length > 15 || /[\s/]/.test(name)) {
      throw new HopscopeError('usage', `-i takes a network interface name (at most 15 characters, no spaces or slashes), not '${name}'`);
    }
  }
  const captureFilter = positionals.length > 0 ? positionals.join(' ') : undefined;
  const pipeline = parsePipelineOptions(values, { ...defaultPipelineOptions, interfaceMergeWindowSeconds: LIVE_MERGE_WINDOW_SECONDS });
  if (values['merge-window'] !== undefined) pipeline.interfaceMergeWindowSeconds = parsePositive(values['merge-window'], '--merge-window');
  const bufferBytes = values['buffer-size'] === undefined ? undefined : parseSize(values['buffer-size'], '--buffer-size');
  if (bufferBytes !== undefined && (bufferBytes < 65536 || bufferBytes > 2 ** 31 - 1)) {
    throw new HopscopeError('usage', '--buffer-size takes a size from 64k to 2047m');
  }
  return {
    interfaces: [...new Set(interfaces)],
    ...(captureFilter === undefined ? {} : { captureFilter }),
    output,
    json,
    ...(values.har === undefined ? {} : { harPath: values.har }),
    ...(values.write === undefined ? {} : { writePath: values.write }),
    ...(values.filter === undefined ? {} : { filter: values.filter }),
    redact: !values['no-redact'],
    redactPatterns: values.redact ?? [],
    ...(bufferBytes === undefined ? {} : { bufferBytes }),
    quiet: values.quiet ?? false,
    containers: !values['no-containers'],
    by: parseBy(values.by),
    traces: values.traces ?? false,
    traceHeaders: parseTraceHeaders(values['trace-header']),
    pipeline,
  };
}
