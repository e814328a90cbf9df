import type { Timestamp } from '../model/time.js';
import { timestampFromNanoDigits, timestampFromSeconds } from './docker-time.js';

/** The events that change which container holds which address. */
export type AddressEvent =
  | { what: 'container-start'; container: string; time: Timestamp }
  | { what: 'container-end'; container: string; time: Timestamp }
  | { what: 'container-rename'; container: string; time: Timestamp }
  | { what: 'network-connect'; container: string; network: string; time: Timestamp }
  | { what: 'network-disconnect'; container: string; network: string; time: Timestamp }
  | { what: 'network-create'; network: string; time: Timestamp };

/** Filters for GET /events: only the events above. */
export const ADDRESS_EVENT_FILTERS = {
  type: ['container', 'network'],
  event: ['start', 'die', 'stop', 'destroy', 'rename', 'connect', 'disconnect', 'create'],
};

const TIME_NANO = /"timeNano"\s*:\s*(\d+)/;

/**
 * One line of the events stream (Docker and Podman write one JSON object per line) as an AddressEvent,
 * or undefined for any other event or a line that is not one. The time is the daemon's clock in
 * nanoseconds (timeNano, read from the text: JSON.parse would round it to a double), else `time` seconds.
 */
export function parseEventLine(line: string): AddressEvent | undefined {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof event !== 'object' || event === null) return undefined;
  const digits = TIME_NANO.exec(line)?.[1];
  const time =
    (digits === undefined ? undefined : timestampFromNanoDigits(digits)) ??
    (typeof event.time === 'number' ? timestampFromSeconds(event.time) : undefined);
  if (time === undefined) return undefined;
  const actor = typeof event.Actor === 'object' && event.Actor !== null ? (event.Actor as Record<string, unknown>) : {};
  const attributes = typeof actor.Attributes === 'object' && actor.Attributes !== null ? (actor.Attributes as Record<string, unknown>) : {};
  const action = typeof event.Action === 'string' ? event.Action : typeof event.status === 'string' ? event.status : '';
  const id = typeof actor.ID === 'string' ? actor.ID : typeof event.id === 'string' ? event.id : '';
  if (event.Type === 'container' && id !== '') {
    if (action === 'start') return { what: 'container-start', container: id, time };
    if (action === 'die' || action === 'stop' || action === 'destroy') return { what: 'container-end', container: id, time };
    if (action === 'rename') return { what: 'container-rename', container: id, time };
    return undefined;
  }
  if (event.Type === 'network') {
    const network = typeof attributes.name === 'string' ? attributes.name : '';
    const container = typeof attributes.container === 'string' ? attributes.container : '';
    if (action === 'create' && network !== '') return { what: 'network-create', network: id || network, time };
    if (network === '' || container === '') return undefined;
    if (action === 'connect') return { what: 'network-connect', container, network, time };
    if (action === 'disconnect') return { what: 'network-disconnect', container, network, time };
  }
  return undefined;
}

/** Splits a byte stream into lines, keeping a partial last line for the next chunk (bounded). */
export class LineSplitter {
  private rest = '';

  constructor(private readonly maxLineBytes = 1024 * 1024) {}

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    // A "line" this long is not an event: drop it rather than grow without bound.
    if (this.rest.length > this.maxLineBytes) this.rest = '';
    return lines.filter((line) => line.trim().length > 0);
  }
}
