import { readFile, writeFile } from 'node:fs/promises';
import type { ContainerRef } from '../model/container.js';
import { HopscopeError } from '../model/errors.js';
import type { Timestamp } from '../model/time.js';
import { ownerKey, refFromJson } from './container-refs.js';
import { formatRfc3339, parseRfc3339 } from './docker-time.js';
import { hostClaims, inspectClaims, inspectKind } from './inspect-import.js';
import { IpTimeline, type IpTimelineOptions, type TimelineInterval } from './ip-timeline.js';

/**
 * A saved container timeline (`hopscope containers --save FILE`, and the payload of the pcapng custom
 * block that `live -w` writes). Version 1:
 *
 *   {
 *     "format": "hopscope-containers",
 *     "version": 1,
 *     "meta": { "source": "docker", "savedAt": "2026-11-26T19:35:00.000000000Z",
 *               "engine": { "endpoint": "unix:///var/run/docker.sock", "serverVersion": "20.10.24", "apiVersion": "1.41" } },
 *     "owners": [ { "kind": "container", "id": "33fc…", "name": "demo-inventory", "image": "hopscope-testbed:1",
 *                   "network": "demo-net", "composeProject": "shop", "composeService": "inventory" },
 *                 { "kind": "host", "name": "host" } ],
 *     "intervals": [ { "ip": "172.31.240.2", "owner": 0, "from": "2026-11-26T19:34:40.064794291Z", "to": null },
 *                    { "ip": "172.31.240.1", "owner": 1, "from": null, "to": null } ]
 *   }
 *
 * - owners: ContainerRef objects (the Exchange's clientContainer/serverContainer shape), one per
 *   (container, network); intervals point at them by index.
 * - intervals: the address belonged to the owner during [from, to); times are RFC 3339 UTC with nine
 *   fraction digits (exact capture-clock nanoseconds); null means unbounded (from: before anything known,
 *   to: still held when saved). Addresses are in the text the packets carry (RFC 5952 for IPv6).
 * - meta: informative only; readers ignore fields they do not know. Readers reject other formats and
 *   versions greater than theirs.
 */
export const LEDGER_FORMAT = 'hopscope-containers';
export const LEDGER_VERSION = 1;

export interface LedgerMeta {
  /** Where the timeline came from: 'docker' (the Engine API), 'docker-inspect', 'capture'… */
  source?: string;
  /** When it was saved (wall clock of the saving machine; the CLI fills it). */
  savedAt?: string;
  engine?: { endpoint?: string; serverVersion?: string; apiVersion?: string; os?: string };
  createdBy?: string;
  [extra: string]: unknown;
}

export interface LedgerInterval {
  ip: string;
  owner: number;
  from: string | null;
  to: string | null;
}

export interface ContainersLedger {
  format: typeof LEDGER_FORMAT;
  version: number;
  meta: LedgerMeta;
  owners: ContainerRef[];
  intervals: LedgerInterval[];
}

/** The timeline as a ledger document (deterministic: addresses in order, owners by first use). */
export function timelineToLedger(timeline: IpTimeline, meta: LedgerMeta = {}): ContainersLedger {
  const owners: ContainerRef[] = [];
  const ownerIndex = new Map<string, number>();
  const intervals: LedgerInterval[] = [];
  for (const interval of timeline.intervals()) {
    // Keyed by owner and content: the same container on the same network with the same facts is one owner.
    const key = `${ownerKey(interval.ref)}\u0000${JSON.stringify(interval.ref)}`;
    let owner = ownerIndex.get(key);
    if (owner === undefined) {
      owner = owners.length;
      ownerIndex.set(key, owner);
      owners.push({ ...interval.ref });
    }
    intervals.push({
      ip: interval.ip,
      owner,
      from: interval.from === undefined ? null : formatRfc3339(interval.from),
      to: interval.to === undefined ? null : formatRfc3339(interval.to),
    });
  }
  return { format: LEDGER_FORMAT, version: LEDGER_VERSION, meta: { ...meta }, owners, intervals };
}

export function isLedger(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>).format === LEDGER_FORMAT;
}

/**
 * The intervals of a ledger document. Throws a HopscopeError ('file-unreadable') naming `label` when the
 * document is not a ledger this version can read; single bad intervals or owners are skipped.
 */
export function ledgerIntervals(value: unknown, label: string): { intervals: TimelineInterval[]; meta: LedgerMeta } {
  if (!isLedger(value)) throw unreadable(label, 'it is not a hopscope container ledger');
  const doc = value as Record<string, unknown>;
  if (typeof doc.version !== 'number' || doc.version > LEDGER_VERSION || doc.version < 1) {
    throw unreadable(label, `its ledger version ${String(doc.version)} is not one this hopscope reads (up to ${LEDGER_VERSION}); upgrade hopscope`);
  }
  const owners = (Array.isArray(doc.owners) ? doc.owners : []).map(refFromJson);
  const intervals: TimelineInterval[] = [];
  for (const raw of Array.isArray(doc.intervals) ? doc.intervals : []) {
    if (typeof raw !== 'object' || raw === null) continue;
    const r = raw as Record<string, unknown>;
    const ref = typeof r.owner === 'number' ? owners[r.owner] : undefined;
    if (typeof r.ip !== 'string' || ref === undefined) continue;
    const from = r.from === null || r.from === undefined ? undefined : parseRfc3339(r.from);
    const to = r.to === null || r.to === undefined ? undefined : parseRfc3339(r.to);
    // A time that is present but unreadable would silently widen the interval: skip the interval instead.
    if ((r.from != null && from === undefined) || (r.to != null && to === undefined)) continue;
    const interval: TimelineInterval = { ip: r.ip, ref };
    if (from !== undefined) interval.from = from;
    if (to !== undefined) interval.to = to;
    intervals.push(interval);
  }
  const meta = typeof doc.meta === 'object' && doc.meta !== null ? (doc.meta as LedgerMeta) : {};
  return { intervals, meta };
}

/** What a --containers file held. */
export type ContainersSource = 'ledger' | 'docker-inspect' | 'docker-network-inspect' | 'docker-inspect-mixed';

export interface ContainersDocument {
  source: ContainersSource;
  intervals: TimelineInterval[];
  meta: LedgerMeta;
}

/**
 * Recognises a --containers document: a hopscope ledger, the JSON of `docker inspect <containers…>`
 * (or `podman inspect`), or of `docker network inspect <networks…>` (arrays; a single object is accepted
 * too). Gateways of the networks seen become the host.
 */
export function parseContainersDocument(value: unknown, label: string): ContainersDocument {
  if (isLedger(value)) return { source: 'ledger', ...ledgerIntervals(value, label) };
  // A pcapng custom block's JSON ({"hopscope":"containers","data":<ledger>}) pasted into a file.
  if (typeof value === 'object' && value !== null && isLedger((value as Record<string, unknown>).data)) {
    return { source: 'ledger', ...ledgerIntervals((value as Record<string, unknown>).data, label) };
  }
  const elements = Array.isArray(value) ? value : [value];
  const kinds = new Set(elements.map(inspectKind));
  const { claims, gateways, recognised } = inspectClaims(elements);
  if (recognised === 0) {
    throw unreadable(
      label,
      'it is neither a hopscope ledger (`hopscope containers --save`) nor the JSON of `docker inspect <containers>` or `docker network inspect <networks>`',
    );
  }
  const source: ContainersSource =
    kinds.has('container') && kinds.has('network') ? 'docker-inspect-mixed' : kinds.has('network') ? 'docker-network-inspect' : 'docker-inspect';
  return { source, intervals: [...hostClaims(gateways), ...claims], meta: { source } };
}

/** A timeline holding the intervals, applied in start order so that later owners end earlier ones. */
export function timelineFromIntervals(intervals: readonly TimelineInterval[], options?: IpTimelineOptions): IpTimeline {
  const timeline = new IpTimeline(options);
  applyIntervals(timeline, intervals);
  return timeline;
}

export function applyIntervals(timeline: IpTimeline, intervals: readonly TimelineInterval[]): void {
  const sorted = [...intervals].sort((a, b) => startOrder(a.from, b.from));
  for (const interval of sorted) timeline.record(interval);
}

function startOrder(a: Timestamp | undefined, b: Timestamp | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

export interface LoadedContainers extends ContainersDocument {
  timeline: IpTimeline;
}

/** Reads a --containers file (see parseContainersDocument). Errors are HopscopeErrors that name the file. */
export async function loadContainersFile(path: string, options?: IpTimelineOptions): Promise<LoadedContainers> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new HopscopeError('file-not-found', `${path}: no such containers file`);
    throw new HopscopeError('file-unreadable', `${path}: cannot read the containers file (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw unreadable(path, `it is not JSON (${(error as Error).message})`);
  }
  const document = parseContainersDocument(value, path);
  return { ...document, timeline: timelineFromIntervals(document.intervals, options) };
}

/** Writes the timeline as a ledger (pretty JSON, one trailing newline). */
export async function saveLedger(path: string, timeline: IpTimeline, meta: LedgerMeta = {}): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(timelineToLedger(timeline, meta), null, 2)}\n`);
  } catch (error) {
    throw new HopscopeError('output-unwritable', `${path}: cannot write the container ledger (${(error as Error).message})`);
  }
}

function unreadable(label: string, why: string): HopscopeError {
  return new HopscopeError('file-unreadable', `${label}: not a containers file: ${why}`);
}
