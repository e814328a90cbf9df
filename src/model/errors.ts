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
  | 'output-unwritable';

export class HopscopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HopscopeError';
  }
}
