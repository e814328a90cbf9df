import { isSupportedLinkType } from '../decode/link-types.js';
import { HopscopeError } from '../model/errors.js';
import { readCapture } from '../source/read-capture.js';
import { compileFilter, FilterSyntaxError } from '../store/filter.js';
import type { ReadArgs } from './args.js';
import { createReadOutput } from './outputs.js';
import { createPipeline } from './pipeline.js';
import { ProgressBar } from './progress.js';

/** `hopscope read`: a capture file (or stdin) → exchanges → the chosen output. Returns the exit code. */
export async function runRead(args: ReadArgs): Promise<number> {
  const keep = compileUserFilter(args.filter);
  if (args.output === 'har' && !args.redact) {
    process.stderr.write('hopscope: warning: --no-redact exports credentials (Authorization, cookies, tokens) as captured\n');
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
      if (keep(exchange)) output.write(exchange);
    },
    { order },
  );
  const label = args.input === '-' ? 'stdin' : args.input;
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
  // One link type that hopscope cannot decode means nothing in the file could be read: say so.
  const interfaces = pipeline.interfaces;
  if (interfaces.length > 0 && !interfaces.some((i) => isSupportedLinkType(i.linkType))) {
    const types = [...new Set(interfaces.map((i) => i.linkType))].join(', ');
    throw new HopscopeError(
      'unsupported-link-type',
      `${label}: link type ${types} is not supported (hopscope reads Ethernet, Linux cooked SLL/SLL2, raw IP, loopback/null, NFLOG, 802.11 radiotap, Cisco HDLC, ARCNET); convert the capture with editcap or capture on another interface`,
    );
  }
  pipeline.finish();
  await output.close();
  for (const warning of pipeline.warnings) process.stderr.write(`hopscope: warning: ${warning.message}\n`);
  return 0;
}

function compileUserFilter(expression: string | undefined) {
  try {
    return compileFilter(expression ?? '');
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      const pointer = `${' '.repeat(error.position)}^`;
      throw new HopscopeError('usage', `--filter: ${error.message}\n  ${expression}\n  ${pointer}`);
    }
    throw error;
  }
}
