/** Why the testbed could not do its job; the message says what to do about it. */
export type TestbedErrorCode =
  | 'docker-missing'
  | 'dockerd-unavailable'
  | 'docker-command-failed'
  | 'image-build-failed'
  | 'timeout'
  | 'capture-failed';

export class TestbedError extends Error {
  constructor(
    readonly code: TestbedErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TestbedError';
  }
}
