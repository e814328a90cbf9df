import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HTTPParser } from 'http-parser-js';
import { findHeadEnd, latin1 } from '../../src/http/bytes.js';
import { HeadFacts, parseRequestHead, parseResponseHead } from '../../src/http/head-parser.js';
import { sharedCaptures, skipUnless } from '../support/paths.js';
import { headsFromCapture } from './support/capture-heads.js';

/**
 * Our head parser against http-parser-js (the oracle) on the same bytes: method, url, status,
 * version and headers must agree wherever the oracle accepts the head. The oracle is stricter in
 * places (known methods only, no spaces in the target), so heads it rejects are not compared.
 */

interface Parsed {
  kind: 'request' | 'response';
  method?: string;
  url?: string;
  status?: number;
  version: string;
  headers: string[];
}

function oracle(head: Buffer, kind: 'request' | 'response'): Parsed | undefined {
  // The oracle decodes heads as 7-bit ASCII by default; hopscope keeps every byte (latin1).
  (HTTPParser as unknown as { encoding: string }).encoding = 'latin1';
  const parser = new HTTPParser(kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE);
  let result: Parsed | undefined;
  parser[HTTPParser.kOnHeadersComplete] = (info: { versionMajor: number; versionMinor: number; headers: string[]; method: number; url: string; statusCode: number }) => {
    result = {
      kind,
      method: kind === 'request' ? HTTPParser.methods[info.method] : undefined,
      url: kind === 'request' ? info.url : undefined,
      status: kind === 'response' ? info.statusCode : undefined,
      version: `HTTP/${info.versionMajor}.${info.versionMinor}`,
      headers: info.headers,
    };
    return 1; // skip the body: only heads are compared
  };
  const r = parser.execute(head);
  if (r instanceof Error) return undefined;
  return result;
}

function ours(head: Buffer, kind: 'request' | 'response'): Parsed | undefined {
  const u8 = new Uint8Array(head.buffer, head.byteOffset, head.length);
  const end = findHeadEnd(u8, 0);
  if (end < 0) return undefined;
  const text = latin1(u8, 0, end);
  const facts = new HeadFacts();
  if (kind === 'request') {
    const h = parseRequestHead(text, facts);
    if (h === undefined) return undefined;
    return { kind, method: h.method, url: h.target, status: undefined, version: h.httpVersion, headers: h.headers.flatMap((x) => [x.name, x.value]) };
  }
  const h = parseResponseHead(text, facts);
  if (h === undefined) return undefined;
  return { kind, method: undefined, url: undefined, status: h.status, version: h.httpVersion, headers: h.headers.flatMap((x) => [x.name, x.value]) };
}

function compare(head: Buffer, label: string): boolean {
  const kind = head.toString('latin1', 0, 5) === 'HTTP/' ? 'response' : 'request';
  const expected = oracle(head, kind);
  if (expected === undefined) return false;
  assert.deepEqual(ours(head, kind), expected, `${label}: ${JSON.stringify(head.toString('latin1').slice(0, 200))}`);
  return true;
}

const HAND_BUILT = [
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /x?y=1 HTTP/1.0\r\n\r\n',
  'POST /p HTTP/1.1\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
  'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
  'M-SEARCH * HTTP/1.1\r\nMAN: "ssdp:discover"\r\nMX: 1\r\n\r\n',
  'GET / HTTP/1.1\r\nX-Folded: one\r\n  two\r\n\tthree\r\nHost: a\r\n\r\n',
  'GET / HTTP/1.1\r\nX-Trailing-Space: value   \r\nX-Empty:\r\nX-Tab:\tv\t\r\n\r\n',
  'GET / HTTP/1.1\nHost: bare-lf\nAccept: */*\n\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
  'HTTP/1.1 404 Not Found\r\nServer: nginx\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n',
  'HTTP/1.0 200\r\n\r\n',
  'HTTP/1.1 500 Internal Server Error\r\nX-Multi-Word: a b c\r\n\r\n',
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
  'HTTP/1.1 200 OK\r\nX-Unicode: caf\xe9\r\n\r\n',
];

describe('head parser vs http-parser-js', () => {
  it('hand-built heads', () => {
    let compared = 0;
    for (const [i, head] of HAND_BUILT.entries()) if (compare(Buffer.from(head, 'latin1'), `case ${i}`)) compared++;
    assert.equal(compared, HAND_BUILT.length);
  });

  it('heads from the shared captures', { skip: skipUnless(sharedCaptures !== undefined, 'shared captures not present') }, (t) => {
    const dir = sharedCaptures as string;
    const rows = readFileSync(join(dir, 'CATALOGUE.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    let compared = 0;
    let files = 0;
    for (const row of rows) {
      if (row[5] !== 'pcap' && row[5] !== 'nsecpcap') continue;
      const heads = headsFromCapture(join(dir, row[0]));
      if (heads.length > 0) files++;
      for (const head of heads) if (compare(head, row[0])) compared++;
    }
    // Hundreds of heads from dozens of files: a silent extraction failure must not pass as agreement.
    assert.ok(files >= 20, `heads found in ${files} files`);
    t.diagnostic(`${compared} heads from ${files} capture files agree`);
    assert.ok(compared >= 500, `compared ${compared} heads`);
  });
});
