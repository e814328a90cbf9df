/**
 * HTTP/1.x message bytes for conversations. Heads are written exactly as given (names, order, case),
 * so tests can make odd messages too; `contentLength` only appends a header the caller asked for.
 */
import { concatBytes, toBytes } from './bytes.js';

export type HeaderList = ReadonlyArray<readonly [string, string]>;

export interface RequestSpec {
  method: string;
  target: string;
  version?: string;
  headers?: HeaderList;
  body?: string | Uint8Array;
  /** Append `Content-Length: <body length>` after the headers. */
  contentLength?: boolean;
}

export interface ResponseSpec {
  status: number;
  reason?: string;
  version?: string;
  headers?: HeaderList;
  body?: string | Uint8Array;
  contentLength?: boolean;
}

const reasons: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  404: 'Not Found',
  500: 'Internal Server Error',
};

function message(startLine: string, headers: HeaderList, body: Uint8Array, contentLength: boolean): Uint8Array {
  const lines = [startLine, ...headers.map(([n, v]) => `${n}: ${v}`)];
  if (contentLength) lines.push(`Content-Length: ${body.length}`);
  return concatBytes([toBytes(`${lines.join('\r\n')}\r\n\r\n`), body]);
}

export function httpRequest(r: RequestSpec): Uint8Array {
  const body = toBytes(r.body ?? '');
  return message(`${r.method} ${r.target} ${r.version ?? 'HTTP/1.1'}`, r.headers ?? [], body, r.contentLength ?? false);
}

export function httpResponse(r: ResponseSpec): Uint8Array {
  const body = toBytes(r.body ?? '');
  const reason = r.reason ?? reasons[r.status] ?? 'Unknown';
  return message(`${r.version ?? 'HTTP/1.1'} ${r.status} ${reason}`, r.headers ?? [], body, r.contentLength ?? false);
}

export interface Chunk {
  data: string | Uint8Array;
  /** Chunk extension text after the size, without the leading ';'. */
  extension?: string;
}

/** A chunked body: the chunks, the last (zero) chunk, optional trailers and the final CRLF. */
export function chunkedBody(chunks: ReadonlyArray<string | Uint8Array | Chunk>, trailers: HeaderList = []): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const c of chunks) {
    const chunk: Chunk = typeof c === 'string' || c instanceof Uint8Array ? { data: c } : c;
    const data = toBytes(chunk.data);
    const ext = chunk.extension === undefined ? '' : `;${chunk.extension}`;
    parts.push(toBytes(`${data.length.toString(16)}${ext}\r\n`), data, toBytes('\r\n'));
  }
  parts.push(toBytes(`0\r\n${trailers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`));
  return concatBytes(parts);
}
