import type { Timestamp } from '../model/time.js';
import { timestampFromNanoDigits, timestampFromSeconds } from './docker-time.js';

/** The events that change which container holds which address. */
export type AddressEvent =
  | { what: 'container-start'; container: string; time: Timestamp }
  | { what: 'container-end'; container: string; time: Timestamp }
  | { what: 'container-rename'; container: string; time: Timestamp }
  /** `network` is undefined where the engine does not say which network (Podman before 4.4). */
  | { what: 'network-connect'; container: string; network: string | undefined; time: Timestamp }
  | { what: 'network-disconnect'; container: string; network: string | undefined; time: Timestamp }
  | { what: 'network-create'; network: string; time: Timestamp };

/**
 * Filters for GET /events: only the events above. Podman's compatible API matches `event` against its own
 * names before translating them: its container exit is "died" (sent as "die") and its removal "remove"
 * (Docker: "destroy"). Docker accepts names it never sends, so both sets are asked for.
 */
export const ADDRESS_EVENT_FILTERS = {
  type: ['container', 'network'],
  event: ['start', 'die', 'died', 'stop', 'destroy', 'remove', 'rename', 'connect', 'disconnect', 'create'],
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
    if (action === 'die' || action === 'died' || action === 'stop' || action === 'destroy' || action === 'remove') return { what: 'container-end', container: id, time };
    if (action === 'rename') return { what: 'container-rename', container: id, time };
    return undefined;
  }
  if (event.Type === 'network') {
    const name = typeof attributes.name === 'string' ? attributes.name : '';
    if (action === 'create' && name !== '') return { what: 'network-create', network: id || name, time };
    if (action !== 'connect' && action !== 'disconnect') return undefined;
    const what = action === 'connect' ? 'network-connect' : 'network-disconnect';
    // Docker: the actor is the network (Attributes.name) and Attributes.container the container.
    if (typeof attributes.container === 'string') {
      if (name === '' || attributes.container === '') return undefined;
      return { what, container: attributes.container, network: name, time };
    }
    // Podman: the actor is the container (Attributes.name is its name); the network is Attributes.network
    // from 4.4 on, and not said at all before.
    if (id === '' || name === '') return undefined;
    const network = typeof attributes.network === 'string' && attributes.network !== '' ? attributes.network : undefined;
    return { what, container: id, network, time };
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
