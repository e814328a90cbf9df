import { open } from 'node:fs/promises';
import { CaptureContainers } from '../containers/capture-names.js';
import { IpTimeline, type TimelineInterval } from '../containers/ip-timeline.js';
import { loadContainersFile } from '../containers/ledger.js';
import { Stats } from '../model/stats.js';
import { readCapture } from '../source/read-capture.js';

const PCAPNG_MAGIC = 0x0a0d0d0a;

/**
 * The names a `read` gives addresses: a saved timeline or `docker inspect` JSON (--containers FILE),
 * and what the capture itself carries (a `hopscope live -w` file has name-resolution records and the
 * container timeline in a custom block). Returns the intervals to build a timeline from, or
 * undefined when nothing names anything (exchanges then show addresses).
 */
export async function readContainerIntervals(input: string, containersFile: string | undefined): Promise<TimelineInterval[] | undefined> {
  const timeline = containersFile !== undefined ? (await loadContainersFile(containersFile)).timeline : new IpTimeline();
  if (input !== '-' && (await isPcapng(input))) {
    // A pre-pass over the blocks: the container timeline of a live capture is written as it changes,
    // so it can follow the packets it names.
    const found = new CaptureContainers();
    const ignore = () => {};
    await readCapture(
      input,
      { frame: ignore, interface: ignore, warning: ignore, nameRecord: (r) => found.nameRecord(r), customBlock: (pen, data) => void found.customBlock(pen, data) },
      new Stats(),
    ).catch(ignore); // the main pass reports a damaged file
    if (!found.empty) found.applyTo(timeline);
  }
  const intervals = timeline.intervals();
  return intervals.length > 0 ? intervals : undefined;
}

async function isPcapng(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return false; // the main pass reports it
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.readUInt32LE(0) === PCAPNG_MAGIC;
  } catch {
    return false; // a directory, a device: the main pass reports it
  } finally {
    await handle.close();
  }
}
