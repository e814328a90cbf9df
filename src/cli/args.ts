import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HopscopeError } from '../model/errors.js';
import { defaultPipelineOptions, type PipelineOptions } from '../model/options.js';

export type OutputMode = 'table' | 'jsonl' | 'summary' | 'har';

export interface ReadArgs {
  input: string;
  output: OutputMode;
  json: boolean;
  harPath?: string;
  filter?: string;
  redact: boolean;
  redactPatterns: string[];
  quiet: boolean;
  /** --containers FILE: a saved timeline, or `docker inspect` / `docker network inspect` JSON. */
  containers?: string;
  /** --by: summary rows per container (default) or compose service. */
  by: 'container' | 'service';
  /** --threads for --summary of a regular file: a number or 'auto' (see parallel-summary.ts). */
  threads?: string;
  /** --traces: request trees (the table), or trace fields on entries (--jsonl, --har), or their summary (--summary). */
  traces: boolean;
  /** --trace-header: further request headers whose value correlates a whole tree (e.g. x-correlation-id). */
  traceHeaders: string[];
  pipeline: PipelineOptions;
}

/** "1m", "512k", "1048576" → bytes. */
export function parseSize(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!match) throw new HopscopeError('usage', `${flag} takes a size such as 65536, 512k or 1m, not '${text}'`);
  const factor = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(match[1]) * factor);
}

export function parsePositive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new HopscopeError('usage', `${flag} takes a positive number, not '${text}'`);
  return value;
}

/** Options `read` and `live` share: what to output, how to filter and redact it, the pipeline's bounds. */
export const sharedOptions = {
  jsonl: { type: 'boolean' },
  summary: { type: 'boolean' },
  json: { type: 'boolean' },
  har: { type: 'string' },
  filter: { type: 'string' },
  'max-body': { type: 'string' },
  redact: { type: 'string', multiple: true },
  'no-redact': { type: 'boolean' },
  'idle-timeout': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  by: { type: 'string' },
  'trace-header': { type: 'string', multiple: true },
} as const;

interface SharedValues {
  jsonl?: boolean;
  summary?: boolean;
  json?: boolean;
  har?: string;
  'max-body'?: string;
  'idle-timeout'?: string;
  by?: string;
}

/** The output a command line chose (one of --jsonl, --summary, --har; the table otherwise). */
export function parseOutputChoice(values: SharedValues): { output: OutputMode; json: boolean } {
  const modes = [values.jsonl && 'jsonl', values.summary && 'summary', values.har !== undefined && 'har'].filter(Boolean);
  if (modes.length > 1) throw new HopscopeError('usage', `choose one of --jsonl, --summary, --har (got ${modes.join(', ')})`);
  if (values.json && !values.summary) throw new HopscopeError('usage', '--json goes with --summary (for JSON lines use --jsonl)');
  return { output: (modes[0] || 'table') as OutputMode, json: values.json ?? false };
}

/** The pipeline options, from `base` with --max-body and --idle-timeout applied. */
export function parsePipelineOptions(values: SharedValues, base: PipelineOptions): PipelineOptions {
  const pipeline: PipelineOptions = { ...base };
  if (values['max-body'] !== undefined) pipeline.maxBody = parseSize(values['max-body'], '--max-body');
  if (values['idle-timeout'] !== undefined) pipeline.idleTimeoutSeconds = parsePositive(values['idle-timeout'], '--idle-timeout');
  return pipeline;
}

/** node:util parseArgs with its errors as usage errors. */
export function parseCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, allowPositionals: true as const, options, strict: true as const });
  } catch (error) {
    throw new HopscopeError('usage', `${(error as Error).message} (see hopscope --help)`);
  }
}

/** Parses the options of `read` (and of `demo`, whose input is fixed). */
export function parseReadArgs(argv: string[], fixedInput?: string): ReadArgs {
  const { values, positionals } = parseCommandLine(argv, {
    ...sharedOptions,
    threads: { type: 'string' },
    containers: { type: 'string' },
    traces: { type: 'boolean' },
  });
  const input = fixedInput ?? positionals[0];
  if (input === undefined) throw new HopscopeError('usage', 'read needs a capture file, or - for stdin (see hopscope --help)');
  if (positionals.length > (fixedInput ? 0 : 1)) {
    throw new HopscopeError('usage', `unexpected argument '${positionals.at(-1)}' (see hopscope --help)`);
  }
  return {
    input,
    ...parseOutputChoice(values),
    harPath: values.har,
    filter: values.filter,
    redact: !values['no-redact'],
    redactPatterns: values.redact ?? [],
    quiet: values.quiet ?? false,
    threads: values.threads,
    containers: values.containers,
    traces: values.traces ?? false,
    traceHeaders: parseTraceHeaders(values['trace-header']),
    by: parseBy(values.by),
    pipeline: parsePipelineOptions(values, defaultPipelineOptions),
  };
}

/** --trace-header NAME (repeatable): HTTP header names, as a request carries them. */
export function parseTraceHeaders(names: string[] | undefined): string[] {
  for (const name of names ?? []) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new HopscopeError('usage', `--trace-header takes an HTTP header name, not '${name}'`);
  }
  return names ?? [];
}

export function parseBy(value: string | undefined): 'container' | 'service' {
  if (value === undefined || value === 'container') return 'container';
  if (value === 'service') return 'service';
  throw new HopscopeError('usage', `--by takes container or service, not '${value}'`);
}
