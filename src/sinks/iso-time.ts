import type { Timestamp } from '../model/time.js';
import { toIsoMicros } from '../model/time.js';

/**
 * toIsoMicros with the date-and-seconds part reused while the second does not change: exchanges
 * come in time order, so most entries share their second with the previous one and skip Date.
 * One per converter (it holds the last second), never module-wide.
 */
export class IsoTimeFormatter {
  private lastSec = Number.NaN;
  private lastBase = '';

  readonly format = (ts: Timestamp): string => {
    if (ts.sec !== this.lastSec) {
      const full = toIsoMicros(ts);
      this.lastSec = ts.sec;
      this.lastBase = full.slice(0, 20); // "YYYY-MM-DDTHH:MM:SS."
      return full;
    }
    const micros = Math.floor(ts.nsec / 1000);
    return `${this.lastBase}${micros.toString().padStart(6, '0')}+00:00`;
  };
}
