import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';

/** Where the Docker Engine API (or Podman's Docker-compatible API) answers. */
export type DockerEndpoint =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp'; host: string; port: number; tls: boolean; certPath?: string };

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * The endpoint from an explicit value or DOCKER_HOST: "unix:///run/podman/podman.sock", a bare socket
 * path, or "tcp://host:2375" (TLS when DOCKER_TLS_VERIFY=1 or port 2376, certificates from
 * DOCKER_CERT_PATH). Default /var/run/docker.sock. undefined for a form we cannot use (ssh://, npipe://).
 */
export function dockerEndpoint(value?: string, env: NodeJS.ProcessEnv = process.env): DockerEndpoint | undefined {
  const text = (value ?? env.DOCKER_HOST ?? '').trim();
  if (text === '') return { kind: 'unix', path: DEFAULT_DOCKER_SOCKET };
  if (text.startsWith('unix://')) return { kind: 'unix', path: text.slice('unix://'.length) || DEFAULT_DOCKER_SOCKET };
  if (text.startsWith('/')) return { kind: 'unix', path: text };
  const withScheme = text.includes('://') ? text : `tcp://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const port = Number(url.port || (url.protocol === 'https:' ? 2376 : 2375));
  const tls = url.protocol === 'https:' || env.DOCKER_TLS_VERIFY === '1' || port === 2376;
  const endpoint: DockerEndpoint = { kind: 'tcp', host: url.hostname.replace(/^\[|\]$/g, ''), port, tls };
  if (tls && env.DOCKER_CERT_PATH) endpoint.certPath = env.DOCKER_CERT_PATH;
  return endpoint;
}

export function endpointText(endpoint: DockerEndpoint): string {
  if (endpoint.kind === 'unix') return `unix://${endpoint.path}`;
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.tls ? 'https' : 'tcp'}://${host}:${endpoint.port}`;
}

/**
 * A dockerode client for the endpoint. `timeoutMs` bounds each request (0: none, for the events stream).
 * Certificates are read asynchronously: nothing here blocks.
 */
export async function dockerClient(endpoint: DockerEndpoint, timeoutMs: number): Promise<Docker> {
  const timeout = timeoutMs > 0 ? { timeout: timeoutMs } : {};
  if (endpoint.kind === 'unix') return new Docker({ socketPath: endpoint.path, ...timeout });
  const options: Docker.DockerOptions = { host: endpoint.host, port: endpoint.port, protocol: endpoint.tls ? 'https' : 'http', ...timeout };
  if (endpoint.tls && endpoint.certPath !== undefined) {
    const [ca, cert, key] = await Promise.all(['ca.pem', 'cert.pem', 'key.pem'].map((file) => readFile(join(endpoint.certPath!, file))));
    Object.assign(options, { ca, cert, key });
  }
  return new Docker(options);
}

/** Why the API could not be used, in words a user can act on. */
export function dockerFailureReason(error: unknown, endpoint: DockerEndpoint): string {
  const where = endpointText(endpoint);
  const e = error as NodeJS.ErrnoException & { statusCode?: number; json?: { message?: string }; reason?: string };
  switch (e?.code) {
    case 'ENOENT':
      return `no Docker socket at ${where}`;
    case 'ECONNREFUSED':
      return `connection refused at ${where} (is dockerd or podman running?)`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${where} (run as root or join the docker group)`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `the connection to ${where} was reset`;
    case 'ETIMEDOUT':
      return `no answer from ${where} in time`;
    default:
      break;
  }
  if (typeof e?.statusCode === 'number') return `the Docker API at ${where} answered ${e.statusCode}: ${e.json?.message ?? e.reason ?? e.message}`;
  const message = error instanceof Error ? error.message : String(error);
  return `${where}: ${message}`;
}
