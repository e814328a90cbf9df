import type { Anomaly } from '../model/anomaly.js';
import type { Body, HttpMessage, RequestHead, ResponseHead, Termination } from '../model/exchange.js';
import type { Timestamp } from '../model/time.js';

/** An exchange while its messages are still arriving: begun (has a seq), not yet completed or abandoned. */
export class OpenExchange {
  index = -1;
  request: RequestHead | null = null;
  requestBody: Body | null = null;
  requestFirst: Timestamp;
  requestLast: Timestamp;
  requestDone = false;
  /** The request asked to switch protocols (Upgrade or CONNECT): its final response decides a tunnel. */
  upgradeRequested = false;
  response: HttpMessage<ResponseHead> | undefined = undefined;
  interim: Array<HttpMessage<ResponseHead>> | null = null;
  responseDone = false;
  /** Set when the way the exchange ended is known before it completes (stream end, cut response). */
  termination: Termination | null = null;
  gapped = false;
  anomalies: Anomaly[] | null = null;
  /** complete() or abandon() was called. */
  closed = false;

  constructor(
    readonly seq: number,
    ts: Timestamp,
  ) {
    this.requestFirst = ts;
    this.requestLast = ts;
  }

  addAnomaly(code: string, message: string, ts: Timestamp): void {
    if (this.anomalies === null) this.anomalies = [];
    this.anomalies.push({ code, message, ts });
  }

  /** How the exchange ended, from what was seen. A gap explains a missing response better than the end does. */
  finalTermination(): Termination {
    const t = this.termination;
    if (t === null) return this.gapped ? 'gap' : this.response !== undefined ? 'complete' : 'no-response';
    if (t === 'no-response' && this.gapped) return 'gap';
    return t;
  }
}
