import type { Timestamp } from './time.js';

/** What one end of an exchange is. `kind` says whether it is a container, the Docker host, or elsewhere. */
export interface ContainerRef {
  kind: 'container' | 'host' | 'external';
  id?: string;
  name: string;
  image?: string;
  network?: string;
  composeProject?: string;
  composeService?: string;
}

/** Address + capture time → container. Synchronous: a lookup in a timeline, never I/O. */
export interface Resolver {
  resolve(ip: string, ts: Timestamp): ContainerRef | undefined;
}
