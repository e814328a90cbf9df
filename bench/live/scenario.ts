import { startCli, type LiveSummaryLine } from '../../test/e2e/support/live-process.js';
import { startTcpdump } from '../../test/e2e/support/tcpdump.js';
import { createWrk, runWrk, type WrkResult } from '../../test/e2e/support/wrk.js';
import { nginxPort, Testbed, waitForTcp, type NetworkHandle } from '../../test/e2e/testbed/index.js';
import { cpuSeconds } from './process-cpu.js';

/** What one load run measured: wrk's view, and the capture tool's (if any). */
export interface LoadRun {
  capture: 'none' | 'hopscope live' | 'tcpdump';
  wrk: WrkResult;
  /** hopscope's stop line. */
  hopscope?: LiveSummaryLine;
  /** tcpdump's counts. */
  tcpdump?: { captured: number; received: number; kernelDrops: number };
  /** CPU seconds the capture process used during the run. */
  captureCpuSeconds?: number;
  error?: string;
}

export interface LiveBenchOptions {
  seconds: number;
  connections: number;
  threads: number;
  /** The file nginx serves: a typical small JSON API answer. */
  bodyBytes: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** nginx and a wrk per run on one test network; one load run without capture and one per capture tool. */
export class LiveBenchScenario {
  private runs = 0;

  private constructor(
    private readonly testbed: Testbed,
    readonly network: NetworkHandle,
    private readonly url: string,
    private readonly options: LiveBenchOptions,
  ) {}

  static async start(options: LiveBenchOptions): Promise<LiveBenchScenario> {
    const testbed = await Testbed.start({ prefix: 'hopscope-bench' });
    try {
      const network = await testbed.createNetwork('live');
      const body = JSON.stringify({ items: Array.from({ length: Math.ceil(options.bodyBytes / 40) }, (_, id) => ({ id, name: `item ${id}` })) }).slice(0, options.bodyBytes);
      const web = await testbed.runNginx('live-web', { files: { 'api.json': body } }, { network: network.name });
      await waitForTcp(web.ip, nginxPort);
      return new LiveBenchScenario(testbed, network, `http://${web.ip}:${nginxPort}/api.json`, options);
    } catch (error) {
      await testbed.teardown();
      throw error;
    }
  }

  private async load(seconds = this.options.seconds): Promise<WrkResult> {
    const { connections, threads } = this.options;
    const wrk = await createWrk(this.testbed, `live-wrk-${++this.runs}`, this.network.name, this.url, { seconds, connections, threads });
    return runWrk(this.testbed, wrk, seconds);
  }

  /** A short unreported run first: the first seconds of a fresh nginx and wrk are slower. */
  async warmUp(): Promise<void> {
    await this.load(3);
  }

  /** wrk alone: what nginx does here when nothing captures. */
  async withoutCapture(): Promise<LoadRun> {
    return { capture: 'none', wrk: await this.load() };
  }

  /** `hopscope live --summary -i <bridge>` during the load, stopped with SIGINT. */
  async withHopscope(): Promise<LoadRun> {
    const live = startCli(['live', '--summary', '-i', this.network.bridge]);
    try {
      await live.capturing([this.network.bridge]);
      const before = cpuSeconds(live.pid) ?? 0;
      const wrk = await this.load();
      // The last batch and the FINs of wrk's connections.
      await sleep(1000);
      const cpu = (cpuSeconds(live.pid) ?? before) - before;
      const result = await live.stop('SIGINT', 60_000);
      if (result.code !== 0 || !result.summary) {
        return { capture: 'hopscope live', wrk, error: `exit ${result.code ?? result.signal}: ${result.stderr.trim()}` };
      }
      return { capture: 'hopscope live', wrk, hopscope: result.summary, captureCpuSeconds: cpu };
    } finally {
      live.kill();
    }
  }

  /** `tcpdump -i <bridge> -w /dev/null` during the same load. */
  async withTcpdump(): Promise<LoadRun> {
    const tcpdump = await startTcpdump({ interface: this.network.bridge, file: '/dev/null' });
    try {
      const before = cpuSeconds(tcpdump.pid) ?? 0;
      const wrk = await this.load();
      await sleep(1000);
      const cpu = (cpuSeconds(tcpdump.pid) ?? before) - before;
      const counts = await tcpdump.stop();
      return { capture: 'tcpdump', wrk, tcpdump: { captured: counts.captured, received: counts.received, kernelDrops: counts.kernelDrops }, captureCpuSeconds: cpu };
    } finally {
      tcpdump.kill();
    }
  }

  async teardown(): Promise<void> {
    await this.testbed.teardown();
  }
}
