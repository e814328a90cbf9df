import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where an nginx container sees its site folder; the config is nginx.conf in it, the files under www/. */
export const nginxSiteMountPoint = '/srv/site';
export const nginxPort = 8080;

export interface NginxSite {
  /** Files to serve, by path under the document root ('items.json', 'static/app.js'). */
  files: Record<string, string | Buffer>;
  /** Extra `location` blocks, verbatim (e.g. a path that answers 500). */
  locations?: string;
}

/**
 * nginx from the host's /usr in a bare container: it runs as root (the image has no nginx user), keeps
 * every temporary path and its pid under /tmp, logs errors to stderr and one JSON line per request to
 * stdout, in the same spirit as the node services' logs.
 */
export function nginxConfig(site: NginxSite): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path /tmp/nginx-${kind};`).join('\n');
  return `user root;
worker_processes 1;
pid /tmp/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
${temp}
  types { application/json json; text/html html; application/javascript js; text/css css; text/plain txt; }
  default_type application/octet-stream;
  log_format jsonl escape=json '{"ts":"$time_iso8601","service":"$hostname","peer":"$remote_addr:$remote_port",'
    '"method":"$request_method","url":"$request_uri","httpVersion":"$server_protocol","status":$status,'
    '"requestLength":$request_length,"resBytes":$body_bytes_sent,"gzipRatio":"$gzip_ratio",'
    '"connection":$connection,"connectionRequests":$connection_requests,'
    '"seen":{"traceparent":"$http_traceparent","x-request-id":"$http_x_request_id"},"calls":[],"seconds":$request_time}';
  access_log /dev/stdout jsonl;
  keepalive_timeout 30s;
  gzip on;
  gzip_types application/json application/javascript text/css text/plain;
  gzip_min_length 256;
  gzip_vary on;
  server {
    listen ${nginxPort};
    server_name _;
    root ${nginxSiteMountPoint}/www;
${site.locations ?? ''}
    location / { try_files $uri $uri/index.html =404; }
  }
}
`;
}

/** Writes the config and files of a site into a host folder that a container mounts read-only. */
export function writeNginxSite(dir: string, site: NginxSite): void {
  mkdirSync(join(dir, 'www'), { recursive: true });
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(site));
  for (const [path, content] of Object.entries(site.files)) {
    const target = join(dir, 'www', path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/** The command that runs nginx in the foreground with that site. */
export function nginxCommand(): string[] {
  return ['/usr/sbin/nginx', '-p', '/tmp', '-c', `${nginxSiteMountPoint}/nginx.conf`, '-e', 'stderr', '-g', 'daemon off;'];
}
