// CPU time per pipeline stage, measured cumulatively: each run adds one stage to the previous ones,
// in its own child process, on the built code in dist/ (npm run build first). The difference between
// consecutive lines is that stage's cost. CPU time (user+system from process.cpuUsage), not wall time,
// because the machine is shared.
// Usage: node bench/stages.mjs FILE [runs]      (one child: node bench/stages.mjs --stage N FILE)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const STAGES = ['read', 'decode', 'reassembly', 'http', 'summary'];
const here = fileURLToPath(import.meta.url);

if (process.argv[2] === '--stage') {
  const level = Number(process.argv[3]);
  const file = process.argv[4];
  const dist = new URL('../dist/', import.meta.url);
  const { readCapture } = await import(new URL('source/read-capture.js', dist));
  const { FrameDecoder } = await import(new URL('decode/frame-decoder.js', dist));
  const { Reassembler } = await import(new URL('reassembly/reassembler.js', dist));
  const { createHttpHandlerFactory } = await import(new URL('http/http-handler-factory.js', dist));
  const { completionOrder } = await import(new URL('sinks/start-order-buffer.js', dist));
  const { SummaryCollector } = await import(new URL('sinks/summary.js', dist));
  const { Stats } = await import(new URL('model/stats.js', dist));
  const { defaultPipelineOptions } = await import(new URL('model/options.js', dist));
  const options = { ...defaultPipelineOptions, maxBody: 0 };
  const stats = new Stats();
  const collector = new SummaryCollector();
  let exchanges = 0;
  const sink = completionOrder(level >= 4 ? (e) => collector.add(e) : () => exchanges++);
  const noop = { data() {}, gap() {}, end() {} };
  const factory = level >= 3 ? createHttpHandlerFactory(sink, stats, options) : () => noop;
  const reassembler = new Reassembler(factory, stats, options);
  const decoder = new FrameDecoder(stats);
  let frames = 0;
  const frame =
    level === 0
      ? () => frames++
      : level === 1
        ? (f) => {
            if (decoder.decode(f) !== undefined) frames++;
          }
        : (f) => {
            const s = decoder.decode(f);
            if (s !== undefined) reassembler.segment(s);
          };
  const events = { frame, interface() {}, nameRecord() {}, warning() {} };
  const start = process.cpuUsage();
  await readCapture(file, events, stats);
  reassembler.finish();
  if (level >= 4) collector.result();
  const cpu = process.cpuUsage(start);
  const rss = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ cpu: (cpu.user + cpu.system) / 1e6, rssMb: rss / 1024, exchanges: stats.get('http.exchanges') }) + '\n');
} else {
  const file = process.argv[2];
  const runs = Number(process.argv[3] ?? 3);
  let prev = 0;
  for (let level = 0; level < STAGES.length; level++) {
    let best = Infinity;
    let rss = 0;
    for (let r = 0; r < runs; r++) {
      const out = spawnSync(process.execPath, [here, '--stage', String(level), file], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(out.stderr);
      const m = JSON.parse(out.stdout);
      best = Math.min(best, m.cpu);
      rss = Math.max(rss, m.rssMb);
    }
    console.log(`${'+' + STAGES[level]}`.padEnd(12) + `${best.toFixed(2)} s CPU total  (+${(best - prev).toFixed(2)})  peak RSS ${rss.toFixed(0)} MB`);
    prev = best;
  }
}
