/**
 * Operational failures (not traffic anomalies): a stable code and a message that says what to do.
 * The CLI prints `hopscope: <message>` and exits non-zero.
 */
export type ErrorCode =
  | 'file-not-found'
  | 'file-unreadable'
  | 'not-a-capture'
  | 'unsupported-link-type'
  | 'corrupt-capture'
  | 'usage'
  | 'output-unwritable'
  | 'docker-unavailable'
  /** Live capture: the native addon is not built or does not load. */
  | 'live-unavailable'
  /** Live capture: not root and no CAP_NET_RAW+CAP_NET_ADMIN. */
  | 'permission'
  | 'no-such-device'
  /** Live capture: libpcap rejected the BPF filter expression. */
  | 'bad-filter'
  /** Live capture: any other libpcap failure (the message carries libpcap's text). */
  | 'capture-failed';

export class HopscopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HopscopeError';
  }
}
