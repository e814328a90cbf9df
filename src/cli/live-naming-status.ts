import type { DockerResolverStatus } from '../containers/docker-resolver.js';

/**
 * The stderr lines `hopscope live` prints about container naming. The first status gets a line whatever
 * it is; after that only a change between "naming" (connected) and "not naming" does: retries that fail
 * for another reason, or a reason that changes its wording, stay quiet.
 */
export class NamingStatusLines {
  private shown: DockerResolverStatus | undefined = undefined;
  private everConnected = false;

  /** The line for this status, or undefined when it changes nothing a user needs to hear about. */
  next(status: DockerResolverStatus): string | undefined {
    const previous = this.shown;
    if (status.state === 'stopped') return undefined;
    const connected = status.state === 'connected';
    if (previous !== undefined && (previous.state === 'connected') === connected) {
      // Still waiting for the first answer, and now we know why it does not come: say so once.
      if (previous.state !== 'connecting' || status.state === 'connecting') return undefined;
    }
    this.shown = status;
    const where = status.endpoint;
    const reason = status.reason ?? 'no reason given';
    if (connected) {
      const line = this.everConnected
        ? `hopscope: Docker is back at ${where}: naming containers again`
        : `hopscope: naming containers from Docker at ${where}`;
      this.everConnected = true;
      return line;
    }
    if (status.state === 'connecting') return `hopscope: waiting for Docker at ${where}: showing addresses until it answers`;
    if (this.everConnected) {
      return `hopscope: lost Docker (${reason}): containers known so far keep their names, new ones show addresses; names come back when it does`;
    }
    return `hopscope: Docker unavailable (${reason}): showing addresses; names come back when it does`;
  }
}
