/**
 * The project's purpose-built captures: one purpose each, what hopscope should find in them, and what
 * tshark 4.0 finds (the oracle check in test/synth). make-captures.ts writes them to captures/.
 */
import { createHash } from 'node:crypto';
import type { Termination } from '../../../src/model/exchange.js';
import { concatBytes, seededBytes, toBytes } from './bytes.js';
import { type ConversationOptions, type Peer, TcpConversation } from './conversation.js';
import { chunkedBody, httpRequest, httpResponse } from './http-message.js';
import { ipv6Option } from './ip.js';
import { LinkType, PacketType } from './link.js';
import { mergeByTime } from './packet.js';
import { writePcap } from './pcap-writer.js';
import { writePcapng } from './pcapng-writer.js';
import { type Nanos, ms, seconds, us } from './time.js';

export interface ExpectedExchange {
  method: string;
  target: string;
  /** Final status; absent when no final response arrives. */
  status?: number;
  /** Interim (1xx) statuses before the final one. */
  interim?: number[];
  termination: Termination;
  /** Response body bytes as sent (chunk framing removed, content encoding kept), lost bytes included. */
  responseBodySize?: number;
  /** Response body bytes never captured. */
  lostBytes?: number;
}

/** What tshark 4.0 shows; by default exactly the expected exchanges. */
export interface TsharkExpectation {
  /** "METHOD target" of every request tshark shows, in order (default: from `exchanges`). */
  requests?: string[];
  /** Status of every response tshark shows, in order (default: interim and final from `exchanges`). */
  responses?: number[];
  /** `-o name:value` preferences tshark needs to see it (say why in `note`). */
  prefs?: string[];
  /** tshark's expected complaint on stderr (anything else on stderr fails). */
  stderr?: RegExp;
  note?: string;
}

export interface CaptureSpec {
  file: string;
  /** The README line: what it shows and what the expected exchanges are. */
  about: string;
  /** Exchanges hopscope should report, in request order (empty for files that are not captures). */
  exchanges: ExpectedExchange[];
  /** undefined: tshark cannot read it (not a capture). */
  tshark?: TsharkExpectation;
  build(): Uint8Array;
}

/** 2023-11-14T22:13:20Z: every capture starts here, so times in tests are easy to read. */
export const T0: Nanos = seconds(1_700_000_000);

const client: Peer = { ip: '172.18.0.2', port: 41000 };
const server: Peer = { ip: '172.18.0.3', port: 80 };

function conversation(extra: Partial<ConversationOptions> = {}): TcpConversation {
  return new TcpConversation({ client, server, start: T0, ...extra });
}

const host = [['Host', 'api']] as const;

function get(target: string, headers: ReadonlyArray<readonly [string, string]> = []): Uint8Array {
  return httpRequest({ method: 'GET', target, headers: [...host, ['User-Agent', 'synth/1'], ...headers] });
}

function text(status: number, body: string, headers: ReadonlyArray<readonly [string, string]> = []): Uint8Array {
  return httpResponse({ status, headers: [['Content-Type', 'text/plain'], ...headers], body, contentLength: true });
}

function pcap(c: TcpConversation): Uint8Array {
  return writePcap(c.packets(), { linkType: c.linkType });
}

/** A body of readable lines, `size` bytes long (deterministic). */
function lines(size: number, label: string): string {
  let out = '';
  for (let i = 0; out.length < size; i++) out += `${label} line ${String(i).padStart(5, '0')} ........................................\n`;
  return out.slice(0, size - 1) + '\n';
}

function pipelining(): Uint8Array {
  const requests = concatBytes([get('/a'), get('/b'), get('/c')]);
  const first = get('/a').length + get('/b').length + 10;
  const r1 = text(200, 'alpha\n');
  const responses = concatBytes([r1, text(200, 'bravo\n'), text(404, 'no such thing\n')]);
  const c = conversation().handshake();
  c.client(requests, { segments: [first] });
  c.ack('server');
  c.wait(ms(2)).server(responses, { segments: [r1.length + 20] });
  return pcap(c.ack('client').close());
}

function continue100(): Uint8Array {
  const body = 'name=synth&size=27&ok=true\n';
  const c = conversation().handshake();
  c.client(
    httpRequest({
      method: 'POST',
      target: '/upload',
      headers: [...host, ['Content-Type', 'application/x-www-form-urlencoded'], ['Content-Length', String(body.length)], ['Expect', '100-continue']],
    }),
  );
  c.wait(ms(1)).server(httpResponse({ status: 100 }));
  c.client(body);
  c.wait(ms(3)).server(httpResponse({ status: 201, headers: [['Location', '/upload/1']], contentLength: true }));
  return pcap(c.ack('client').close());
}

function head(): Uint8Array {
  const c = conversation().handshake();
  c.client(httpRequest({ method: 'HEAD', target: '/file', headers: host }));
  // Content-Length describes the body a GET would get; a HEAD response never has one.
  c.wait(ms(1)).server(httpResponse({ status: 200, headers: [['Content-Type', 'text/plain'], ['Content-Length', '1234']] }));
  c.client(get('/file'));
  c.wait(ms(1)).server(text(200, 'hello world\n'));
  return pcap(c.ack('client').close());
}

function chunkedTrailers(): Uint8Array {
  const headBytes = httpResponse({
    status: 200,
    headers: [['Content-Type', 'text/plain'], ['Transfer-Encoding', 'chunked'], ['Trailer', 'X-Checksum']],
  });
  const body = chunkedBody(
    [
      { data: 'hello', extension: 'name=first' },
      { data: ', world', extension: 'ext="quoted;value"' },
      '\n',
    ],
    [['X-Checksum', 'c0ffee'], ['X-Done', 'yes']],
  );
  const c = conversation().handshake();
  c.client(get('/stream', [['TE', 'trailers']]));
  // Cut inside a chunk-size line, inside chunk data, and inside the trailers.
  c.wait(ms(1)).server(concatBytes([headBytes, body]), { segments: [headBytes.length + 4, 14, 20] });
  c.client(get('/after'));
  c.wait(ms(1)).server(httpResponse({ status: 204 }));
  return pcap(c.ack('client').close());
}

function midstream(): Uint8Array {
  const c = conversation({ clientIsn: 0x2345_0000, serverIsn: 0x6789_0000 });
  // The tail of a response whose head was sent before the capture started.
  c.server(lines(700, 'earlier'), { segments: [400] });
  c.ack('client');
  c.wait(ms(5)).client(get('/two'));
  c.wait(ms(1)).server(text(200, 'second\n'));
  c.client(get('/three'));
  c.wait(ms(1)).server(text(200, 'third\n'));
  return pcap(c.ack('client').close());
}

function retransmission(): Uint8Array {
  const body = lines(3000, 'report');
  const response = text(200, body);
  const c = conversation().handshake();
  c.client(get('/report'), { duplicate: [0] });
  // Segments 0-1000, 1000-2000 (twice), then the rest is lost once and resent repacketised from 1500:
  // 500 bytes overlap what was already captured.
  c.wait(ms(1)).server(response, { segments: [1000, 1000], duplicate: [1], drop: [2] });
  c.wait(ms(200)).retransmit('server', 1500, response.length - 1500);
  c.client(get('/next'));
  c.wait(ms(1)).server(text(200, 'next\n'));
  // A spurious retransmission of long-acknowledged bytes.
  c.wait(ms(50)).retransmit('server', 0, 1000);
  return pcap(c.ack('client').close());
}

function reordering(): Uint8Array {
  const body = lines(4000, 'ordered');
  const request = get('/ordered');
  const c = conversation().handshake();
  c.client(request, { segments: [20], order: [1, 0] });
  c.wait(ms(1)).server(text(200, body), { segments: [1000, 1000, 1000, 1000], order: [0, 2, 3, 1, 4] });
  c.client(get('/after'));
  c.wait(ms(1)).server(text(200, 'in order\n'));
  return pcap(c.ack('client').close());
}

function gap(): Uint8Array {
  const body = lines(4000, 'gap');
  const response = text(200, body);
  const headLength = response.length - body.length;
  const c = conversation().handshake();
  c.client(get('/big'));
  c.wait(ms(1)).server(response, { segments: [headLength + 1000, 1000, 1000, 1000], drop: [1] });
  c.client(get('/next'));
  c.wait(ms(1)).server(text(200, 'still here\n'));
  return pcap(c.ack('client').close());
}

function ipv6(): Uint8Array {
  const c = new TcpConversation({
    client: { ip: 'fd00:18::2', port: 41000 },
    server: { ip: 'fd00:18::3', port: 80 },
    // Odd nanoseconds everywhere: a microsecond reader would lose them.
    start: T0 + 123_456_789n,
    step: 100_001n,
    // An experimental option (type 0x1e: skip if unknown) inside a Destination Options header.
    ip: { ipv6Extensions: [{ kind: 'destination-options', options: ipv6Option(0x1e, Uint8Array.of(0xab, 0xcd)) }] },
  });
  c.handshake();
  c.client(get('/v6'));
  c.wait(1_234_567n).server(text(200, 'over IPv6\n'));
  c.client(httpRequest({ method: 'POST', target: '/v6/items', headers: [...host, ['Content-Type', 'application/json']], body: '{"id":6}', contentLength: true }));
  c.wait(2_345_678n).server(text(201, '{"id":6}'));
  c.ack('client').close();
  return writePcapng(c.packets(), { interfaces: [{ linkType: c.linkType, name: 'br-synth', tsresol: 9 }] });
}

function vlan(): Uint8Array {
  const single = conversation({ link: { type: 'ethernet', vlans: [{ id: 100 }] } }).handshake();
  single.client(get('/dot1q')).wait(ms(1)).server(text(200, 'one tag\n')).ack('client').close();
  const double = conversation({
    client: { ip: '172.18.0.4', port: 42000 },
    link: { type: 'ethernet', vlans: [{ id: 200 }, { id: 300, priority: 3 }] },
    start: T0 + us(250),
  }).handshake();
  double.client(get('/qinq')).wait(ms(1)).server(text(200, 'two tags\n')).ack('client').close();
  return writePcap(mergeByTime(single.packets(), double.packets()), { linkType: LinkType.ETHERNET });
}

function sll(): Uint8Array {
  // As on `-i any` with a host process calling a container: outgoing one way, to-host the other.
  const c = conversation({
    link: (from) => ({ type: 'sll', packetType: from === 'client' ? PacketType.OUTGOING : PacketType.HOST }),
  }).handshake();
  c.client(get('/cooked')).wait(ms(1)).server(text(200, 'cooked v1\n'));
  c.client(get('/cooked/again')).wait(ms(1)).server(text(200, 'again\n'));
  return pcap(c.ack('client').close());
}

function sll2(): Uint8Array {
  // `tcpdump -i any` on a Docker host sees each bridged packet once, on the sender's host-side veth.
  const c = conversation({
    link: (from) => ({ type: 'sll2', packetType: PacketType.OTHERHOST, interfaceIndex: from === 'client' ? 7 : 9 }),
  }).handshake();
  c.client(get('/cooked2')).wait(ms(1)).server(text(200, 'cooked v2\n'));
  c.client(get('/cooked2/again')).wait(ms(1)).server(text(200, 'again\n'));
  return pcap(c.ack('client').close());
}

/** 271 bytes ("The quick brown fox jumps over the lazy dog. " × 6 + "\n"), compressed once by Node 20's zlib
 * and kept as constants so the capture's bytes do not depend on the zlib build. */
export const compressedText = {
  plain: `${'The quick brown fox jumps over the lazy dog. '.repeat(6)}\n`,
  gzip: 'H4sIAAAAAAACAwvJSFUoLM1MzlZIKsovz1NIy69QyCrNLShWyC9LLVIoyUhVyEmsqlRIyU/XUwgZ7oq5AAX5JIkPAQAA',
  deflate: 'eNoLyUhVKCzNTM5WSCrKL89TSMuvUMgqzS0oVsgvSy1SKMlIVchJrKpUSMlP11MIGe6KuQDitWD1',
  br: 'Gw4BiCwOeNPQlV2XELsXqxWoytAkmRlbg7jM5W2QMzw9FfYGG3DgkAWyPxLeoNMKZx4eJ2pTyAhns0+DBQ==',
} as const;

function encodings(): Uint8Array {
  const accept = [['Accept-Encoding', 'gzip, deflate, br']] as const;
  const encoded = (name: 'gzip' | 'deflate'): Uint8Array =>
    httpResponse({
      status: 200,
      headers: [['Content-Type', 'text/plain'], ['Content-Encoding', name]],
      body: Buffer.from(compressedText[name], 'base64'),
      contentLength: true,
    });
  const br = Buffer.from(compressedText.br, 'base64');
  const c = conversation().handshake();
  c.client(get('/gzip', accept)).wait(ms(1)).server(encoded('gzip'));
  c.client(get('/deflate', accept)).wait(ms(1)).server(encoded('deflate'));
  c.client(get('/br', accept)).wait(ms(1));
  // Brotli also chunked: decoding applies after the chunk framing is removed.
  c.server(
    concatBytes([
      httpResponse({ status: 200, headers: [['Content-Type', 'text/plain'], ['Content-Encoding', 'br'], ['Transfer-Encoding', 'chunked']] }),
      chunkedBody([br.subarray(0, 30), br.subarray(30)]),
    ]),
  );
  return pcap(c.ack('client').close());
}

function websocketFrame(opcode: number, payload: Uint8Array, mask?: Uint8Array): Uint8Array {
  const head = Uint8Array.of(0x80 | opcode, (mask ? 0x80 : 0) | payload.length);
  if (!mask) return concatBytes([head, payload]);
  return concatBytes([head, mask, payload.map((b, i) => b ^ mask[i % 4])]);
}

function upgrade(): Uint8Array {
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  const mask = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
  const c = conversation().handshake();
  c.client(
    get('/chat', [['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['Sec-WebSocket-Key', key], ['Sec-WebSocket-Version', '13']]),
  );
  c.wait(ms(1)).server(httpResponse({ status: 101, headers: [['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['Sec-WebSocket-Accept', accept]] }));
  c.client(websocketFrame(0x2, Uint8Array.of(1, 2, 3, 4, 5, 0x0d, 0x0a), mask));
  c.server(websocketFrame(0x2, toBytes('GET / HTTP/1.1\r\n\r\n')));
  c.client(websocketFrame(0x8, Uint8Array.of(0x03, 0xe8), mask));
  c.server(websocketFrame(0x8, Uint8Array.of(0x03, 0xe8)));
  return pcap(c.close('server'));
}

function tlsRecord(seed: number, length: number): Uint8Array {
  // Application data: opaque to any dissector, so nothing in the tunnel looks like HTTP.
  return concatBytes([Uint8Array.of(0x17, 0x03, 0x03, length >> 8, length & 0xff), seededBytes(seed, length)]);
}

function connect(): Uint8Array {
  const c = conversation({ server: { ip: '172.18.0.5', port: 3128 } }).handshake();
  c.client(httpRequest({ method: 'CONNECT', target: 'api.internal:443', headers: [['Host', 'api.internal:443']] }));
  c.wait(ms(2)).server(httpResponse({ status: 200, reason: 'Connection Established' }));
  c.client(tlsRecord(1, 300));
  c.server(tlsRecord(2, 1200));
  c.client(tlsRecord(3, 80));
  return pcap(c.ack('server').close());
}

function reset(): Uint8Array {
  const response = httpResponse({ status: 200, headers: [['Content-Type', 'application/octet-stream'], ['Content-Length', '10000']] });
  const c = conversation().handshake();
  c.client(get('/download'));
  c.wait(ms(1)).server(concatBytes([response, toBytes(lines(2000, 'partial'))]), { segments: [response.length + 1000] });
  // The client gives up before the remaining 8000 bytes arrive.
  c.wait(ms(30)).rst('client');
  return pcap(c);
}

function closeDelimited(): Uint8Array {
  const body = lines(2500, 'legacy');
  const c = conversation().handshake();
  c.client(httpRequest({ method: 'GET', target: '/legacy', version: 'HTTP/1.0', headers: [...host, ['User-Agent', 'synth/1']] }));
  c.wait(ms(1)).server(concatBytes([httpResponse({ status: 200, version: 'HTTP/1.0', headers: [['Content-Type', 'text/plain']] }), toBytes(body)]), {
    segments: [800, 900],
  });
  return pcap(c.close('server'));
}

function nanosecond(): Uint8Array {
  const t = T0 + 987_654_321n;
  const c = conversation({ start: t, step: 1_001n }).handshake();
  // Explicit times: each response starts exactly 1.234567 ms / 7.654321 ms after its request.
  c.client(get('/ns/1'), { at: t + 10_000n }).server(text(200, 'one\n'), { at: t + 10_000n + 1_234_567n });
  c.client(get('/ns/2'), { at: t + 20_000_000n }).server(text(200, 'two\n'), { at: t + 20_000_000n + 7_654_321n });
  c.ack('client').close();
  return writePcap(c.packets(), { linkType: c.linkType, resolution: 'ns', byteOrder: 'big' });
}

function multiInterface(): Uint8Array {
  const a = new TcpConversation({
    client: { ip: '172.17.0.2', port: 43000 },
    server: { ip: '172.17.0.3', port: 80 },
    start: T0 + 111n,
    interfaceId: 0,
  }).handshake();
  a.client(get('/on/docker0')).wait(ms(1)).server(text(200, 'bridge\n')).ack('client').close();
  const b = new TcpConversation({
    client: { ip: '10.0.5.2', port: 44000 },
    server: { ip: '10.0.5.3', port: 8080 },
    start: T0 + us(150),
    interfaceId: 1,
    link: { type: 'sll' },
  }).handshake();
  b.client(get('/on/any')).wait(ms(1)).server(text(200, 'cooked\n')).ack('client').close();
  return writePcapng(mergeByTime(a.packets(), b.packets()), {
    interfaces: [
      { linkType: LinkType.ETHERNET, name: 'docker0', tsresol: 9 },
      // No if_tsresol: the default, microseconds.
      { linkType: LinkType.LINUX_SLL, name: 'any', description: 'cooked, microseconds' },
    ],
    names: [
      { address: '172.17.0.3', names: ['web'] },
      { address: '10.0.5.3', names: ['api', 'api.internal'] },
      { address: 'fd00:5::3', names: ['api6'] },
    ],
    application: 'hopscope synth',
  });
}

function truncated(): Uint8Array {
  const c = conversation().handshake();
  c.client(get('/first')).wait(ms(1)).server(text(200, 'first\n'));
  c.client(get('/second')).wait(ms(1)).server(text(200, 'second\n'));
  c.ack('client').close();
  const whole = pcap(c);
  const last = c.packets().at(-1)!;
  // tcpdump killed mid-write: the last record's header is complete, its data is not.
  return whole.subarray(0, whole.length - last.data.length + 10);
}

function gso(): Uint8Array {
  const body = lines(60_000, 'large');
  const response = text(200, body);
  // One segment far above the MTU, as captured on a veth after GRO.
  const c = conversation({ mss: 1448 }).handshake();
  c.client(get('/large'));
  c.wait(ms(1)).server(response, { segments: [response.length] });
  return pcap(c.ack('client').close());
}

export const captures: readonly CaptureSpec[] = [
  {
    file: 'pipelining.pcap',
    about: 'three GETs (/a, /b, /c) sent back to back before any response, the third cut across segments; responses 200, 200, 404 in order, the second split mid-head.',
    exchanges: [
      { method: 'GET', target: '/a', status: 200, termination: 'complete', responseBodySize: 6 },
      { method: 'GET', target: '/b', status: 200, termination: 'complete', responseBodySize: 6 },
      { method: 'GET', target: '/c', status: 404, termination: 'complete', responseBodySize: 14 },
    ],
    tshark: {},
    build: pipelining,
  },
  {
    file: 'continue-100.pcap',
    about: 'POST /upload with Expect: 100-continue; 100 Continue, then the 27-byte body, then 201 Created. One exchange, interim [100], final 201.',
    exchanges: [{ method: 'POST', target: '/upload', status: 201, interim: [100], termination: 'complete', responseBodySize: 0 }],
    tshark: {},
    build: continue100,
  },
  {
    file: 'head.pcap',
    about: 'HEAD /file answered 200 with Content-Length: 1234 and no body, then GET /file on the same connection answered 200 with a 12-byte body. Two exchanges.',
    exchanges: [
      { method: 'HEAD', target: '/file', status: 200, termination: 'complete', responseBodySize: 0 },
      { method: 'GET', target: '/file', status: 200, termination: 'complete', responseBodySize: 12 },
    ],
    tshark: {},
    build: head,
  },
  {
    file: 'chunked-trailers.pcap',
    about: 'GET /stream answered 200 chunked with chunk extensions (one quoted) and trailers X-Checksum, X-Done, cut inside a size line and inside the trailers; body "hello, world\\n" (13 bytes). Then GET /after → 204. Two exchanges.',
    exchanges: [
      { method: 'GET', target: '/stream', status: 200, termination: 'complete', responseBodySize: 13 },
      { method: 'GET', target: '/after', status: 204, termination: 'complete', responseBodySize: 0 },
    ],
    tshark: {},
    build: chunkedTrailers,
  },
  {
    file: 'midstream.pcap',
    about: 'no handshake: starts with 700 bytes from the middle of a response body (server → client), then GET /two → 200 and GET /three → 200. Two exchanges; the leading bytes are not one.',
    exchanges: [
      { method: 'GET', target: '/two', status: 200, termination: 'complete', responseBodySize: 7 },
      { method: 'GET', target: '/three', status: 200, termination: 'complete', responseBodySize: 6 },
    ],
    tshark: {},
    build: midstream,
  },
  {
    file: 'retransmission.pcap',
    about: 'GET /report (request captured twice) → 200 with a 3000-byte body: one segment duplicated, the tail resent repacketised so 500 bytes overlap; then GET /next → 200, then a spurious resend of old bytes. Two complete exchanges, bodies intact.',
    exchanges: [
      { method: 'GET', target: '/report', status: 200, termination: 'complete', responseBodySize: 3000 },
      { method: 'GET', target: '/next', status: 200, termination: 'complete', responseBodySize: 5 },
    ],
    tshark: {
      prefs: ['tcp.reassemble_out_of_order:TRUE'],
      note: 'by default tshark 4.0 discards the repacketised resend as a retransmission and loses its new bytes',
    },
    build: retransmission,
  },
  {
    file: 'reordering.pcap',
    about: 'GET /ordered with its two request segments swapped → 200 with a 4000-byte body captured in segment order 0,2,3,1,4; then GET /after → 200 in order. Two complete exchanges.',
    exchanges: [
      { method: 'GET', target: '/ordered', status: 200, termination: 'complete', responseBodySize: 4000 },
      { method: 'GET', target: '/after', status: 200, termination: 'complete', responseBodySize: 9 },
    ],
    tshark: {
      prefs: ['tcp.reassemble_out_of_order:TRUE'],
      note: 'tshark 4.0 reassembles out-of-order segments only when told to',
    },
    build: reordering,
  },
  {
    file: 'gap.pcap',
    about: 'GET /big → 200 with Content-Length 4000 of which the second 1000-byte segment was never captured (the peer acks it); then GET /next → 200 on the same connection parses. Exchanges: /big (1000 bytes lost), /next complete.',
    exchanges: [
      { method: 'GET', target: '/big', status: 200, termination: 'gap', responseBodySize: 4000, lostBytes: 1000 },
      { method: 'GET', target: '/next', status: 200, termination: 'complete', responseBodySize: 11 },
    ],
    tshark: {
      prefs: ['tcp.desegment_tcp_streams:FALSE'],
      note: 'with reassembly on, tshark waits forever for the lost bytes and never shows the 200 for /big',
    },
    build: gap,
  },
  {
    file: 'ipv6.pcapng',
    about: 'IPv6 (fd00:18::2 → fd00:18::3:80) with a Destination Options extension header on every packet, nanosecond timestamps (if_tsresol=9, odd nanoseconds): GET /v6 → 200, POST /v6/items → 201.',
    exchanges: [
      { method: 'GET', target: '/v6', status: 200, termination: 'complete', responseBodySize: 10 },
      { method: 'POST', target: '/v6/items', status: 201, termination: 'complete', responseBodySize: 8 },
    ],
    tshark: {},
    build: ipv6,
  },
  {
    file: 'vlan.pcap',
    about: 'two interleaved connections: one 802.1Q-tagged (VLAN 100) GET /dot1q → 200, one QinQ (outer 0x88a8 VLAN 200, inner 0x8100 VLAN 300) GET /qinq → 200.',
    exchanges: [
      { method: 'GET', target: '/dot1q', status: 200, termination: 'complete', responseBodySize: 8 },
      { method: 'GET', target: '/qinq', status: 200, termination: 'complete', responseBodySize: 9 },
    ],
    tshark: {},
    build: vlan,
  },
  {
    file: 'sll.pcap',
    about: 'Linux cooked v1 (LINKTYPE_LINUX_SLL 113), client packets "outgoing", server packets "to us": GET /cooked → 200, GET /cooked/again → 200.',
    exchanges: [
      { method: 'GET', target: '/cooked', status: 200, termination: 'complete', responseBodySize: 10 },
      { method: 'GET', target: '/cooked/again', status: 200, termination: 'complete', responseBodySize: 6 },
    ],
    tshark: {},
    build: sll,
  },
  {
    file: 'sll2.pcap',
    about: 'Linux cooked v2 (LINKTYPE_LINUX_SLL2 276) as `tcpdump -i any` writes it on a Docker host: each direction on its sender\'s veth (ifindex 7 and 9): GET /cooked2 → 200, GET /cooked2/again → 200.',
    exchanges: [
      { method: 'GET', target: '/cooked2', status: 200, termination: 'complete', responseBodySize: 10 },
      { method: 'GET', target: '/cooked2/again', status: 200, termination: 'complete', responseBodySize: 6 },
    ],
    tshark: {},
    build: sll2,
  },
  {
    file: 'gzip.pcap',
    about: 'the same 271-byte text three ways on one connection: GET /gzip → Content-Encoding: gzip, GET /deflate → deflate (zlib), GET /br → br and chunked. Three exchanges.',
    exchanges: [
      { method: 'GET', target: '/gzip', status: 200, termination: 'complete', responseBodySize: 69 },
      { method: 'GET', target: '/deflate', status: 200, termination: 'complete', responseBodySize: 57 },
      { method: 'GET', target: '/br', status: 200, termination: 'complete', responseBodySize: 61 },
    ],
    tshark: {},
    build: encodings,
  },
  {
    file: 'upgrade.pcap',
    about: 'GET /chat with Upgrade: websocket → 101 Switching Protocols, then binary and close WebSocket frames both ways (one carries the text "GET / HTTP/1.1"). One exchange; the frames are not HTTP.',
    exchanges: [{ method: 'GET', target: '/chat', status: 101, termination: 'complete', responseBodySize: 0 }],
    tshark: {},
    build: upgrade,
  },
  {
    file: 'connect.pcap',
    about: 'CONNECT api.internal:443 to a proxy on port 3128 → 200 Connection Established, then opaque TLS application-data records both ways. One exchange; the tunnel is not HTTP.',
    exchanges: [{ method: 'CONNECT', target: 'api.internal:443', status: 200, termination: 'complete', responseBodySize: 0 }],
    tshark: {},
    build: connect,
  },
  {
    file: 'reset.pcap',
    about: 'GET /download → 200 with Content-Length 10000; after 2000 body bytes the client sends RST. One exchange ended by reset, 2000 of 10000 body bytes seen.',
    exchanges: [{ method: 'GET', target: '/download', status: 200, termination: 'reset' }],
    tshark: {
      prefs: ['tcp.desegment_tcp_streams:FALSE'],
      note: 'with reassembly on, tshark never completes the cut-off response',
    },
    build: reset,
  },
  {
    file: 'close-delimited.pcap',
    about: 'HTTP/1.0 GET /legacy → HTTP/1.0 200 without Content-Length, 2500-byte body in three segments, ended by the server\'s FIN. One complete exchange.',
    exchanges: [{ method: 'GET', target: '/legacy', status: 200, termination: 'complete', responseBodySize: 2500 }],
    tshark: {},
    build: closeDelimited,
  },
  {
    file: 'nanosecond.pcap',
    about: 'classic pcap with nanosecond timestamps (magic a1b23c4d), big-endian: GET /ns/1 → 200 and GET /ns/2 → 200, responses 1.234567 ms and 7.654321 ms (to the ns) after their requests.',
    exchanges: [
      { method: 'GET', target: '/ns/1', status: 200, termination: 'complete', responseBodySize: 4 },
      { method: 'GET', target: '/ns/2', status: 200, termination: 'complete', responseBodySize: 4 },
    ],
    tshark: {},
    build: nanosecond,
  },
  {
    file: 'multi-interface.pcapng',
    about: 'two interfaces: 0 "docker0" Ethernet with if_tsresol=9, 1 "any" Linux cooked v1 with the default (µs) resolution; a Name Resolution Block (172.17.0.3 web, 10.0.5.3 api/api.internal, fd00:5::3 api6). GET /on/docker0 → 200 on 0, GET /on/any → 200 on 1 (port 8080).',
    exchanges: [
      { method: 'GET', target: '/on/docker0', status: 200, termination: 'complete', responseBodySize: 7 },
      { method: 'GET', target: '/on/any', status: 200, termination: 'complete', responseBodySize: 7 },
    ],
    tshark: {},
    build: multiInterface,
  },
  {
    file: 'truncated.pcap',
    about: 'GET /first → 200 and GET /second → 200, then the close; the last record (the final ACK) is cut after 10 of its bytes, as when tcpdump is killed. Two complete exchanges and one truncated record.',
    exchanges: [
      { method: 'GET', target: '/first', status: 200, termination: 'complete', responseBodySize: 6 },
      { method: 'GET', target: '/second', status: 200, termination: 'complete', responseBodySize: 7 },
    ],
    tshark: { stderr: /cut short in the middle of a packet/ },
    build: truncated,
  },
  {
    file: 'gso.pcap',
    about: 'GET /large → 200 whose head and 60000-byte body arrive in one 60 KB TCP segment, as captured on a veth with GRO. One exchange.',
    exchanges: [{ method: 'GET', target: '/large', status: 200, termination: 'complete', responseBodySize: 60_000 }],
    tshark: {},
    build: gso,
  },
  {
    file: 'not-a-capture.txt',
    about: 'a text file, for the error path: reading it must fail with not-a-capture.',
    exchanges: [],
    build: () => toBytes('This is not a packet capture.\nhopscope should refuse it with the not-a-capture error.\n'),
  },
];

/** The README line for the capture another helper records (scripts/make-demo-capture.sh). */
export const demoCaptureLine =
  'demo.pcapng — a short real capture of services calling each other in containers (see scripts/make-demo-capture.sh)';
