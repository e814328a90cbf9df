import { parseArgs } from 'node:util';
import { HopscopeError } from '../model/errors.js';
import { defaultPipelineOptions, type PipelineOptions } from '../model/options.js';
import { parseSize, type OutputMode } from './args.js';

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
  pipeline: PipelineOptions;
}

function parsePositive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new HopscopeError('usage', `${flag} takes a positive number, not '${text}'`);
  return value;
}

/** Parses the options of `hopscope live`. */
export function parseLiveArgs(argv: string[]): LiveArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        interface: { type: 'string', short: 'i', multiple: true },
        write: { type: 'string', short: 'w' },
        jsonl: { type: 'boolean' },
        summary: { type: 'boolean' },
        json: { type: 'boolean' },
        har: { type: 'string' },
        filter: { type: 'string' },
        'max-body': { type: 'string' },
        redact: { type: 'string', multiple: true },
        'no-redact': { type: 'boolean' },
        'idle-timeout': { type: 'string' },
        'merge-window': { type: 'string' },
        'buffer-size': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        'no-containers': { type: 'boolean' },
        by: { type: 'string' },
      },
    });
  } catch (error) {
    throw new HopscopeError('usage', `${(error as Error).message} (see hopscope --help)`);
  }
  const { values, positionals } = parsed;
  const modes = [values.jsonl && 'jsonl', values.summary && 'summary', values.har !== undefined && 'har'].filter(Boolean);
  if (modes.length > 1) throw new HopscopeError('usage', `choose one of --jsonl, --summary, --har (got ${modes.join(', ')})`);
  if (values.json && !values.summary) throw new HopscopeError('usage', '--json goes with --summary (for JSON lines use --jsonl)');
  if (values.write === '-') throw new HopscopeError('usage', '-w needs a file name (stdout carries the exchanges)');
  if (values.write !== undefined && values.write === values.har) throw new HopscopeError('usage', '-w and --har need different files');
  const interfaces = values.interface ?? [];
  for (const name of interfaces) {
    if (name === '' || name.length > 15 || /[\s/]/.test(name)) {
      throw new HopscopeError('usage', `-i takes a network interface name (at most 15 characters, no spaces or slashes), not '${name}'`);
    }
  }
  const captureFilter = positionals.length > 0 ? positionals.join(' ') : undefined;
  const pipeline: PipelineOptions = { ...defaultPipelineOptions, interfaceMergeWindowSeconds: LIVE_MERGE_WINDOW_SECONDS };
  if (values['max-body'] !== undefined) pipeline.maxBody = parseSize(values['max-body'], '--max-body');
  if (values['idle-timeout'] !== undefined) pipeline.idleTimeoutSeconds = parsePositive(values['idle-timeout'], '--idle-timeout');
  if (values['merge-window'] !== undefined) pipeline.interfaceMergeWindowSeconds = parsePositive(values['merge-window'], '--merge-window');
  if (values.by !== undefined && values.by !== 'container' && values.by !== 'service') {
    throw new HopscopeError('usage', `--by takes container or service, not '${values.by}'`);
  }
  const bufferBytes = values['buffer-size'] === undefined ? undefined : parseSize(values['buffer-size'], '--buffer-size');
  if (bufferBytes !== undefined && (bufferBytes < 65536 || bufferBytes > 2 ** 31 - 1)) {
    throw new HopscopeError('usage', '--buffer-size takes a size from 64k to 2047m');
  }
  return {
    interfaces: [...new Set(interfaces)],
    ...(captureFilter === undefined ? {} : { captureFilter }),
    output: (modes[0] || 'table') as OutputMode,
    json: values.json ?? false,
    ...(values.har === undefined ? {} : { harPath: values.har }),
    ...(values.write === undefined ? {} : { writePath: values.write }),
    ...(values.filter === undefined ? {} : { filter: values.filter }),
    redact: !values['no-redact'],
    redactPatterns: values.redact ?? [],
    ...(bufferBytes === undefined ? {} : { bufferBytes }),
    quiet: values.quiet ?? false,
    containers: !values['no-containers'],
    by: (values.by ?? 'container') as 'container' | 'service',
    pipeline,
  };
}
