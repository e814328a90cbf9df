import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateTraffic, type TrafficCounts, type TrafficParams } from './generator/traffic.js';

/**
 * Benchmark captures: generated once, cached under bench/.cache/ keyed by their parameters and
 * by the generator's own source (so a change to the generator makes new files), reused after.
 *
 *   node --import tsx bench/generate-capture.ts [big|small]...
 */

const benchDir = dirname(fileURLToPath(import.meta.url));
export const cacheDir = join(benchDir, '.cache');

export type CaptureSize = 'big' | 'small';

export const CAPTURE_PARAMS: Record<CaptureSize, TrafficParams> = {
  // ~1,000,000 packets / 500,000 exchanges: the speed target's scale.
  big: { exchanges: 500_000, pairs: 300, seed: 20251126, startSeconds: 1764151200 },
  // A quarter of it, for the "memory does not grow with the capture" check.
  small: { exchanges: 125_000, pairs: 300, seed: 20251126, startSeconds: 1764151200 },
};

export interface CaptureInfo extends TrafficCounts {
  size: CaptureSize;
  path: string;
  params: TrafficParams;
  /** Seconds it took to generate (when it was generated, possibly in an earlier run). */
  generationSeconds: number;
  /** False when this run generated the file. */
  cached: boolean;
}

function generatorHash(params: TrafficParams): string {
  const h = createHash('sha256').update(JSON.stringify(params));
  const dir = join(benchDir, 'generator');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 12);
}

/** The capture of this size, generating it if it is not cached yet. */
export function ensureCapture(size: CaptureSize): CaptureInfo {
  const params = CAPTURE_PARAMS[size];
  const key = `http-${params.exchanges}x${params.pairs}-s${params.seed}-${generatorHash(params)}`;
  const path = join(cacheDir, `${key}.pcap`);
  const metaPath = join(cacheDir, `${key}.json`);
  if (existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CaptureInfo;
    return { ...meta, size, path, cached: true };
  }
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${path}.partial`;
  const t0 = process.hrtime.bigint();
  const counts = generateTraffic(tmp, params);
  const generationSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // Rename last, so an interrupted run never leaves a truncated file that looks cached.
  renameSync(tmp, path);
  const info: CaptureInfo = { ...counts, size, path, params, generationSeconds, cached: false };
  writeFileSync(metaPath, JSON.stringify(info, null, 2) + '\n');
  return info;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = (process.argv.slice(2).length ? process.argv.slice(2) : ['small', 'big']) as CaptureSize[];
  for (const size of sizes) {
    if (!(size in CAPTURE_PARAMS)) throw new Error(`unknown size ${size} (big | small)`);
    const c = ensureCapture(size);
    console.log(
      `${size}: ${c.path}\n  ${c.packets} packets, ${c.exchanges} exchanges, ${(c.fileBytes / 1e6).toFixed(0)} MB, ` +
        `${c.cached ? 'cached, ' : ''}generated in ${c.generationSeconds.toFixed(1)} s`,
    );
  }
}
