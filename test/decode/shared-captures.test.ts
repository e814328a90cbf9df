import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameDecoder } from '../../src/decode/frame-decoder.js';
import { isSupportedLinkType } from '../../src/decode/link-types.js';
import { Stats } from '../../src/model/stats.js';
import type { Segment } from '../../src/model/segment.js';
import { sharedCaptures, skipUnless } from '../support/paths.js';
import { readClassicPcap } from './support/classic-pcap.js';

const skip = skipUnless(sharedCaptures !== undefined, 'shared captures (../shared/captures) are absent');
const goldenDir = join(import.meta.dirname, 'goldens');

interface CatalogueRow {
  file: string;
  format: string;
  dlt: number[];
  httpRequests: number;
  features: string;
}

function catalogue(dir: string): CatalogueRow[] {
  const lines = readFileSync(join(dir, 'CATALOGUE.tsv'), 'utf8').trimEnd().split('\n');
  const header = lines[0].split('\t');
  const col = (name: string): number => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const f = line.split('\t');
    return {
      file: f[col('file')],
      format: f[col('format')],
      dlt: f[col('dlt')].split(',').map(Number),
      httpRequests: Number(f[col('http_requests')]),
      features: f[col('features')],
    };
  });
}

function decodeAll(path: string): { segments: Segment[]; stats: Stats } {
  const frames = readClassicPcap(path);
  assert.ok(frames, `${path} is classic pcap`);
  const stats = new Stats();
  const decoder = new FrameDecoder(stats);
  const segments: Segment[] = [];
  for (const frame of frames) {
    const s = decoder.decode(frame);
    if (s !== undefined) segments.push(s);
  }
  return { segments, stats };
}

/** Wireshark's default HTTP TCP ports (the catalogue's counts come from tshark's defaults). */
const TSHARK_HTTP_PORTS = [80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710];

/** HTTP ports for a file: tshark's defaults plus those the catalogue names ("port:80,5985"). */
function httpPorts(features: string): Set<number> {
  const ports = new Set(TSHARK_HTTP_PORTS);
  const m = /port:([\d,]+)/.exec(features);
  if (m) for (const p of m[1].split(',')) ports.add(Number(p));
  return ports;
}

test('every classic-pcap shared capture with HTTP decodes to TCP payload on its HTTP ports', { skip }, () => {
  const dir = sharedCaptures!;
  const rows = catalogue(dir).filter(
    (r) =>
      r.format === 'pcap' &&
      r.httpRequests > 0 &&
      r.dlt.length === 1 &&
      isSupportedLinkType(r.dlt[0]) &&
      !r.features.includes('encap:sctp'), // HTTP over SCTP: no TCP at all
  );
  assert.ok(rows.length > 100, `expected most of the catalogue, got ${rows.length} files`);
  const failures: string[] = [];
  for (const row of rows) {
    const { segments } = decodeAll(join(dir, row.file));
    const ports = httpPorts(row.features);
    const withPayload = segments.filter((s) => s.payload.length > 0 && (ports.has(s.srcPort) || ports.has(s.dstPort)));
    if (withPayload.length === 0) failures.push(`${row.file} (dlt ${row.dlt[0]}): no TCP payload on HTTP ports`);
  }
  assert.deepEqual(failures, []);
});

test('every classic-pcap shared capture decodes without throwing, whatever its link type', { skip }, () => {
  const dir = sharedCaptures!;
  let files = 0;
  for (const row of catalogue(dir)) {
    const frames = readClassicPcap(join(dir, row.file));
    if (frames === undefined) continue;
    const decoder = new FrameDecoder(new Stats());
    for (const frame of frames) decoder.decode(frame);
    files++;
  }
  assert.ok(files > 150);
});

const goldens = readdirSync(goldenDir).filter((f) => f.endsWith('.tsv'));

for (const golden of goldens) {
  const file = golden.replace(/\.tsv$/, '').replace('__', '/');
  test(`segments match tshark: ${file}`, { skip }, () => {
    const expected = readFileSync(join(goldenDir, golden), 'utf8').trimEnd().split('\n');
    const { segments } = decodeAll(join(sharedCaptures!, file));
    const actual = segments.map((s) => [s.srcPort, s.dstPort, s.payload.length, s.seq, s.srcIp].join('\t'));
    assert.deepEqual(actual, expected);
  });
}

test('a frame cut by the snapshot length keeps what was captured (pcapplusplus/SllPacket.pcap)', { skip }, () => {
  // tshark reports tcp.len 1208 (the IPv6 payload length); 40 bytes of it were captured.
  const { segments, stats } = decodeAll(join(sharedCaptures!, 'pcapplusplus/SllPacket.pcap'));
  assert.equal(segments.length, 1);
  assert.equal(segments[0].srcPort, 80);
  assert.equal(segments[0].payload.length, 40);
  assert.equal(stats.get('decode.snaplen-truncated'), 1);
});

test('zeek/erspan.pcap: fragmented GRE/ERSPAN packets are reassembled', { skip }, () => {
  const { stats } = decodeAll(join(sharedCaptures!, 'zeek/erspan.pcap'));
  assert.equal(stats.get('decode.ip-fragment'), 55);
  assert.equal(stats.get('decode.fragment-dropped'), 0);
});
