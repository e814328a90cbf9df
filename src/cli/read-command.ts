import { stat } from 'node:fs/promises';
import { isSupportedLinkType } from '../decode/link-types.js';
import type { CaptureInterface } from '../model/frame.js';
import { HopscopeError } from '../model/errors.js';
import { readCapture } from '../source/read-capture.js';
import type { ReadArgs } from './args.js';
import { createReadOutput } from './outputs.js';
import { readContainerIntervals } from './read-containers.js';
import type { TimelineInterval } from '../containers/ip-timeline.js';
import { timelineFromIntervals } from '../containers/ledger.js';
import { renderSummaryJson, renderSummaryTable } from '../sinks/summary.js';
import { WritableTextOutput } from '../sinks/text-output.js';
import { runParallelSummary, summaryThreads } from './parallel-summary.js';
import { createPipeline } from './pipeline.js';
import { ProgressBar } from './progress.js';
import { compileUserFilter } from './user-filter.js';

/** How a `read` runs, apart from what it reads and writes. */
export interface ReadRunOptions {
  /**
   * Threads for --summary of a regular file: a number, or 'auto' (two for files of 32 MB or more on
   * a machine with two cores). Defaults to the HOPSCOPE_THREADS environment variable, else 'auto'.
   * Other outputs and stdin always run in one thread.
   */
  threads?: string;
}

/** `hopscope read`: a capture file (or stdin) → exchanges → the chosen output. Returns the exit code. */
export async function runRead(args: ReadArgs, run: ReadRunOptions = {}): Promise<number> {
  const keep = compileUserFilter(args.filter);
  if (args.output === 'har' && !args.redact) {
    process.stderr.write('hopscope: warning: --no-redact exports credentials (Authorization, cookies, tokens) as captured\n');
  }
  const containers = await readContainerIntervals(args.input, args.containers);
  // The trace summary links exchanges across connections: the sharded path cannot build it.
  if (args.output === 'summary' && args.input !== '-' && !args.traces) {
    const threads = summaryThreads(run.threads ?? args.threads ?? process.env.HOPSCOPE_THREADS, await regularFileSize(args.input));
    if (threads > 1 && (await runReadParallel(args, threads, containers))) return 0;
  }
  const output = createReadOutput(args);
  let exchanges = 0;
  // Bodies are kept only for outputs that show them; the table and the summary show sizes, which are
  // counted either way.
  const showsBodies = args.output === 'jsonl' || args.output === 'har';
  const pipelineOptions = showsBodies ? args.pipeline : { ...args.pipeline, maxBody: 0 };
  const order = args.output === 'summary' ? 'completion' : 'start';
  const pipeline = createPipeline(
    pipelineOptions,
    (exchange) => {
      exchanges++;
      if (args.traces) output.write(exchange, keep(exchange));
      else if (keep(exchange)) output.write(exchange);
    },
    { order, resolver: containers && timelineFromIntervals(containers) },
  );
  const progress = !args.quiet && process.stderr.isTTY === true ? new ProgressBar(process.stderr) : undefined;
  try {
    await readCapture(args.input, pipeline.events, pipeline.stats, async (bytesRead, total) => {
      progress?.update(bytesRead, total, pipeline.stats.get('capture.frames'), exchanges);
      // A slow consumer of stdout slows reading instead of filling memory.
      if (output.text.needsDrain) await output.text.drained();
    });
  } finally {
    progress?.clear();
  }
  checkLinkTypes(args.input, pipeline.interfaces);
  pipeline.finish();
  await output.close();
  for (const warning of pipeline.warnings) process.stderr.write(`hopscope: warning: ${warning.message}\n`);
  return 0;
}

/** The size of a regular file; undefined for anything else (FIFOs, devices, a missing file: the reader reports those). */
async function regularFileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * --summary in `threads` shards (parallel-summary.ts). Returns false, having written nothing, when the
 * merged result might differ from one thread's; the caller then runs the single-threaded path.
 */
async function runReadParallel(args: ReadArgs, threads: number, containers: TimelineInterval[] | undefined): Promise<boolean> {
  const progress = !args.quiet && process.stderr.isTTY === true ? new ProgressBar(process.stderr) : undefined;
  const options = { ...args.pipeline, maxBody: 0 };
  let result;
  try {
    result = await runParallelSummary(args.input, options, { filter: args.filter, containers, by: args.by }, threads, progress && ((b, t, f, e) => progress.update(b, t, f, e)));
  } finally {
    progress?.clear();
  }
  if (result === undefined) return false;
  checkLinkTypes(args.input, result.interfaces);
  const text = new WritableTextOutput(process.stdout, 'stdout');
  const summary = result.collector.result();
  text.write(args.json ? renderSummaryJson(summary) : renderSummaryTable(summary));
  await text.close(false);
  for (const warning of result.warnings) process.stderr.write(`hopscope: warning: ${warning.message}\n`);
  return true;
}

/** One link type that hopscope cannot decode means nothing in the file could be read: say so. */
export function checkLinkTypes(input: string, interfaces: CaptureInterface[]): void {
  if (interfaces.length > 0 && !interfaces.some((i) => isSupportedLinkType(i.linkType))) {
    const label = input === '-' ? 'stdin' : input;
    const types = [...new Set(interfaces.map((i) => i.linkType))].join(', ');
    throw new HopscopeError(
      'unsupported-link-type',
      `${label}: link type ${types} is not supported (hopscope reads Ethernet, Linux cooked SLL/SLL2, raw IP, loopback/null, NFLOG, 802.11 radiotap, Cisco HDLC, ARCNET); convert the capture with editcap or capture on another interface`,
    );
  }
}

