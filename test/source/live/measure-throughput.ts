// Measures what the addon + wrapper sustain on lo: nginx on 127.0.0.1 under wrk for a bounded run,
// captured with a port filter, frames counted in JavaScript (and touched: every frame's first byte).
// Not a test: run by hand as root: node --import tsx test/source/live/measure-throughput.ts [seconds] [immediate]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLiveCapture } from '../../../src/source/live/index.js';
import { sleep } from './live-helpers.js';

const seconds = Number(process.argv[2] ?? 5);
const immediate = process.argv[3] === 'immediate';
const port = 18000 + (process.pid % 1000);
const dir = mkdtempSync(join(tmpdir(), 'hopscope-tput-'));
writeFileSync(
  join(dir, 'nginx.conf'),
  `daemon off; user root; worker_processes 1; error_log ${dir}/error.log; pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir};
  uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${port}; location / { return 200 "hello\\n"; } } }
`,
);
const nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
await sleep(300);

let frames = 0;
let batches = 0;
let touched = 0;
const capture = openLiveCapture({ devices: ['lo'], filter: `tcp port ${port}`, immediate }, {
  frames(batch) {
    batches += 1;
    frames += batch.length;
    for (const frame of batch) touched += frame.data[0];
  },
});
const cpuBefore = process.cpuUsage();
const startNs = process.hrtime.bigint();
const wrk = await new Promise<string>((resolve) => {
  const child = spawn('wrk', ['-t2', '-c64', `-d${seconds}s`, `http://127.0.0.1:${port}/`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.on('close', () => resolve(out));
});
await capture.stop();
const elapsedS = Number(process.hrtime.bigint() - startNs) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
const [stats] = capture.stats();
nginx.kill();
rmSync(dir, { recursive: true, force: true });

const requests = /(\d+) requests in/.exec(wrk)?.[1] ?? '?';
console.log(`mode: ${immediate ? 'immediate (TPACKET_V2)' : 'TPACKET_V3, 10 ms block timeout'}; ${seconds} s of wrk -t2 -c64 against nginx on lo`);
console.log(`wrk: ${requests} requests`);
console.log(`delivered ${frames} frames in ${batches} batches (${(frames / batches).toFixed(1)} per call): ${Math.round(frames / elapsedS)} frames/s`);
console.log(`kernel received ${stats.received} (lo counts each packet twice), kernel drops ${stats.kernelDrops}, queue drops ${stats.queueDrops}`);
console.log(`capture process CPU: ${((cpu.user + cpu.system) / 1e6 / elapsedS * 100).toFixed(0)}% of one core (capture thread + JS); rss ${Math.round(process.memoryUsage().rss / 1048576)} MiB (checksum ${touched % 10})`);
