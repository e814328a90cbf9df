import type { Timestamp } from '../model/time.js';
import { formatRfc3339 } from './docker-time.js';
import type { IpTimeline, TimelineInterval } from './ip-timeline.js';

/** One row of `hopscope containers`: an address and what holds it. */
export interface ContainerTableRow {
  address: string;
  kind: string;
  name: string;
  network: string;
  image: string;
  /** First 12 characters of the container id, as `docker ps` shows. */
  id: string;
  compose: string;
  since: string;
}

function row(interval: TimelineInterval): ContainerTableRow {
  const ref = interval.ref;
  const compose = ref.composeProject !== undefined ? `${ref.composeProject}/${ref.composeService ?? ''}` : '';
  return {
    address: interval.ip,
    kind: ref.kind,
    name: ref.name,
    network: ref.network ?? '',
    image: ref.image ?? '',
    id: ref.id?.slice(0, 12) ?? '',
    compose,
    since: interval.from === undefined ? '' : formatRfc3339(interval.from),
  };
}

/** Rows for the addresses held now (ts undefined: every open interval) or at a capture time. */
export function containerTableRows(timeline: IpTimeline, ts?: Timestamp): ContainerTableRow[] {
  return timeline.ownersAt(ts).map(row);
}

const COLUMNS: Array<[keyof ContainerTableRow, string]> = [
  ['address', 'ADDRESS'],
  ['name', 'CONTAINER'],
  ['network', 'NETWORK'],
  ['image', 'IMAGE'],
  ['id', 'ID'],
  ['compose', 'COMPOSE'],
  ['since', 'SINCE'],
];

/** The table as text lines (aligned columns, a header line, no trailing spaces). */
export function formatContainerTable(rows: readonly ContainerTableRow[]): string[] {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => r[key].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS.map(([, title]) => title)), ...rows.map((r) => line(COLUMNS.map(([key]) => r[key])))];
}
