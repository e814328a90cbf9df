// Records the bundled demo capture: captures/demo.pcapng (both bridges, one pcapng), the `docker inspect`
// of its containers at recording time (captures/demo.containers.json) and the services' own logs of what
// they did (captures/demo.logs.jsonl). Needs root, dockerd (started if absent) and dumpcap (tshark).
//
//   node --import tsx scripts/make-demo-capture.ts [output-dir]      (or: bash scripts/make-demo-capture.sh)
//
// Re-running replaces the three files. Every container and network it makes is removed at the end, also
// on failure; a run that was killed is cleaned by the next.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  demoContainers,
  inspectContainers,
  jsonLines,
  containerLogs,
  setUpDemo,
  startCapture,
  startContainer,
  stopContainers,
  Testbed,
  waitForExit,
  type Capture,
} from '../test/e2e/testbed/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (text: string) => process.stderr.write(`make-demo-capture: ${text}\n`);

async function record(outDir: string): Promise<void> {
  const testbed = await Testbed.start({ prefix: 'demo', plainNames: true });
  const work = mkdtempSync(join(tmpdir(), 'hopscope-demo-'));
  let capture: Capture | undefined;
  try {
    const demo = await setUpDemo(testbed);
    const bridge = (await testbed.defaultNetwork()).bridge;
    say(`services up on ${demo.network.bridge} (${demo.network.subnet}) and ${bridge}`);

    const pcap = join(work, 'demo.pcapng');
    capture = await startCapture({ interfaces: [demo.network.bridge, bridge], file: pcap });
    await sleep(500);
    const client = await startContainer(demo.client);
    // Inspect while every container runs: a stopped container no longer shows its addresses.
    const containers = demoContainers({ ...demo, client });
    const inspect = await inspectContainers(containers.map((c) => c.id));
    say(`client ${client.name} started (${Object.values(client.ips).join(', ')}); waiting for it`);
    const exitCode = await waitForExit(client.id, 120_000);
    await sleep(300);
    // Stop the services while still capturing, so their kept-alive connections end with FIN on the wire.
    await stopContainers(Object.values(demo.services).map((c) => c.id));
    await sleep(300);
    const counts = await capture.stop();
    capture = undefined;
    say(`captured ${counts.packets} packets (${counts.dropped} dropped); client exited with ${exitCode}`);
    if (exitCode !== 0) throw new Error(`the demo client failed (exit ${exitCode}); nothing was written`);
    if (counts.dropped > 0) throw new Error(`${counts.dropped} packets were dropped; nothing was written`);

    const logs: string[] = [];
    for (const container of containers) {
      for (const line of jsonLines((await containerLogs(container.id)).stdout)) logs.push(JSON.stringify(line));
    }
    mkdirSync(outDir, { recursive: true });
    // Written beside the outputs first, then renamed: a failed run never leaves half a set of files.
    copyFileSync(pcap, join(outDir, '.demo.pcapng.tmp'));
    writeFileSync(join(outDir, '.demo.containers.json.tmp'), `${JSON.stringify(inspect, null, 2)}\n`);
    writeFileSync(join(outDir, '.demo.logs.jsonl.tmp'), `${logs.join('\n')}\n`);
    for (const name of ['demo.pcapng', 'demo.containers.json', 'demo.logs.jsonl']) {
      chmodSync(join(outDir, `.${name}.tmp`), 0o644);
      renameSync(join(outDir, `.${name}.tmp`), join(outDir, name));
    }
    say(`wrote ${join(outDir, 'demo.pcapng')}, demo.containers.json, demo.logs.jsonl (${logs.length} log lines)`);
  } finally {
    await capture?.stop().catch(() => undefined);
    await testbed.teardown();
    rmSync(work, { recursive: true, force: true });
  }
}

const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..');
record(resolve(process.argv[2] ?? join(repoRoot, 'captures'))).catch((error: unknown) => {
  say(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
