import type { Timestamp } from './time.js';

/**
 * Traffic anomalies are data, not exceptions. Codes are stable and dotted:
 *   decode.*      frames that could not be decoded (decode.truncated, decode.unsupported-link, decode.ip-fragment…)
 *   tcp.*         reassembly (tcp.gap, tcp.buffer-overflow, tcp.retransmission, tcp.overlap-conflict…)
 *   http.*        HTTP (http.parse-error, http.orphan-response, http.body-truncated…)
 *   capture.*     the capture itself (capture.truncated-record…)
 */
export interface Anomaly {
  code: string;
  message: string;
  ts?: Timestamp;
}
