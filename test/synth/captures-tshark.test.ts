/**
 * tshark as an independent oracle: each purpose-built capture is what its README line claims.
 * tshark is not needed offline, so these skip without it (and run under CI, which installs it).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ownCaptures, skipUnless } from '../support/paths.js';
import { type CaptureSpec, captures, compressedText } from '../support/synth/captures-catalogue.js';

const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const skip = skipUnless(hasTshark, 'tshark is not installed');
const run = promisify(execFile);

/** Lines tshark prints to stderr that say nothing about the file. */
const harmless = /^Running as user "root" and group "root"\. This could be dangerous\.$/;

/** Every field any check below looks at; one tshark run per file prints them all. */
const fieldNames = [
  'frame.number', 'frame.len', 'frame.time_epoch', 'frame.interface_id', 'frame.interface_name',
  'eth.type', 'vlan.id', 'ieee8021ad.id', 'sll.pkttype', 'sll.ifindex',
  'ip.version', 'ip.checksum.status', 'ip.dst_host', 'ipv6.dstopts.nxt',
  'tcp.srcport', 'tcp.checksum.status', 'tcp.flags.syn', 'tcp.flags.reset',
  'tcp.analysis.lost_segment', 'tcp.analysis.out_of_order', 'tcp.analysis.retransmission', 'tcp.analysis.spurious_retransmission',
  '_ws.expert.severity',
  'http.request.method', 'http.request.uri', 'http.response.code', 'http.time', 'http.content_length', 'http.content_encoding',
  'http.file_data', 'http.chunk_size', 'http.chunked_trailer_part',
  'websocket.opcode', 'tls.record.content_type',
] as const;

type Field = (typeof fieldNames)[number];
/** One frame: each field's occurrences (empty when absent). */
type Row = Record<Field, string[]>;

interface Dissection {
  rows: Row[];
  complaints: string[];
}

function spec(file: string): CaptureSpec {
  const found = captures.find((c) => c.file === file);
  assert.ok(found, file);
  return found;
}

async function dissect(s: CaptureSpec): Promise<Dissection> {
  const args = [
    // Resolve names only from the capture (its NRB), never through DNS.
    ...['-N', 'n', '-o', 'nameres.use_external_name_resolver:FALSE'],
    ...['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'],
    ...(s.tshark?.prefs ?? []).flatMap((p) => ['-o', p]),
    ...['-r', resolve(ownCaptures, s.file), '-T', 'fields', '-E', 'aggregator=|'],
    ...fieldNames.flatMap((n) => ['-e', n]),
  ];
  // A truncated file makes tshark exit non-zero; what it printed still counts.
  const { stdout, stderr } = await run('tshark', args, { encoding: 'utf8', maxBuffer: 64 << 20 }).catch(
    (e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
  const rows = stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const values = line.split('\t');
      return Object.fromEntries(fieldNames.map((n, i) => [n, values[i] ? values[i].split('|') : []])) as Row;
    });
  const complaints = stderr.split('\n').filter((l) => l.trim() !== '' && !harmless.test(l));
  return { rows, complaints };
}

/** All files dissected at once (tshark mostly waits while it starts), each on first use. */
const dissections = new Map<string, Promise<Dissection>>();
function frames(file: string): Promise<Dissection> {
  if (!dissections.has(file)) dissections.set(file, dissect(spec(file)));
  return dissections.get(file)!;
}

function assertNoComplaints(s: CaptureSpec, d: Dissection): void {
  const expected = s.tshark?.stderr;
  const unexpected = d.complaints.filter((l) => !(expected?.test(l) ?? false));
  assert.deepEqual(unexpected, [], `tshark complained about ${s.file}`);
  if (expected) assert.ok(d.complaints.some((l) => expected.test(l)), `expected tshark to say ${expected} about ${s.file}`);
}

const readable = captures.filter((c) => c.tshark !== undefined);
if (!skip) for (const c of readable) void frames(c.file);

describe('purpose-built captures, as tshark sees them', { skip }, () => {
  for (const s of readable) {
    it(`${s.file}: HTTP messages, checksums, no errors`, async () => {
      const d = await frames(s.file);
      assertNoComplaints(s, d);
      assert.ok(d.rows.length > 0, 'no frames');

      const requests: string[] = [];
      const responses: number[] = [];
      for (const row of d.rows) {
        const frame = row['frame.number'][0];
        // 1 = good: checksums were verified, not merely left unchecked.
        assert.deepEqual(row['tcp.checksum.status'], ['1'], `frame ${frame}: TCP checksum`);
        if (row['ip.version'][0] === '4') assert.deepEqual(row['ip.checksum.status'], ['1'], `frame ${frame}: IPv4 header checksum`);
        // Warnings are fine where the capture shows faults on purpose (gaps, retransmissions); errors never are.
        const worst = Math.max(0, ...row['_ws.expert.severity'].map(Number));
        assert.ok(worst < 0x800000, `frame ${frame}: tshark reports an error (severity ${worst})`);
        row['http.request.method'].forEach((method, i) => requests.push(`${method} ${row['http.request.uri'][i]}`));
        responses.push(...row['http.response.code'].map(Number));
      }

      const expectedRequests = s.tshark?.requests ?? s.exchanges.map((e) => `${e.method} ${e.target}`);
      const expectedResponses =
        s.tshark?.responses ?? s.exchanges.flatMap((e) => [...(e.interim ?? []), ...(e.status === undefined ? [] : [e.status])]);
      assert.deepEqual(requests, expectedRequests, s.tshark?.note);
      assert.deepEqual(responses, expectedResponses, s.tshark?.note);
    });
  }
});

/** Values of `field` over the frames (optionally only frames where `where` is present), in order. */
async function values(file: string, field: Field, where?: Field): Promise<string[]> {
  const d = await frames(file);
  return d.rows.filter((r) => where === undefined || r[where].length > 0).flatMap((r) => r[field]);
}

async function distinct(file: string, field: Field): Promise<string[]> {
  return [...new Set(await values(file, field))].sort();
}

describe('each capture shows its feature', { skip }, () => {
  it('vlan.pcap: an 802.1Q tag 100, and a QinQ stack 0x88a8/200 over 0x8100/300', async () => {
    assert.deepEqual(await distinct('vlan.pcap', 'vlan.id'), ['100', '300']);
    assert.deepEqual(await distinct('vlan.pcap', 'ieee8021ad.id'), ['200']);
    assert.deepEqual(await distinct('vlan.pcap', 'eth.type'), ['0x8100', '0x88a8']);
  });

  it('sll.pcap / sll2.pcap: cooked headers with packet types and interface indexes', async () => {
    assert.deepEqual(await distinct('sll.pcap', 'sll.pkttype'), ['0', '4']);
    assert.deepEqual(await distinct('sll2.pcap', 'sll.ifindex'), ['7', '9']);
    assert.deepEqual(await distinct('sll2.pcap', 'sll.pkttype'), ['3']);
  });

  it('ipv6.pcapng: every packet has a destination-options header, nanosecond times', async () => {
    const d = await frames('ipv6.pcapng');
    assert.equal(d.rows.length, 11);
    for (const row of d.rows) assert.deepEqual(row['ipv6.dstopts.nxt'], ['6']);
    assert.deepEqual(d.rows[0]['frame.time_epoch'], ['1700000000.123456789']);
  });

  it('nanosecond.pcap: response times exact to the nanosecond', async () => {
    assert.deepEqual(await values('nanosecond.pcap', 'http.time'), ['0.001234567', '0.007654321']);
  });

  it('multi-interface.pcapng: two interfaces, ns and µs, names from the NRB', async () => {
    const d = await frames('multi-interface.pcapng');
    const seen = new Set(d.rows.map((r) => `${r['frame.interface_id'][0]} ${r['frame.interface_name'][0]}`));
    assert.deepEqual([...seen].sort(), ['0 docker0', '1 any']);
    for (const row of d.rows) {
      const [time] = row['frame.time_epoch'];
      const fraction = time.split('.')[1];
      if (row['frame.interface_id'][0] === '0') assert.ok(fraction.endsWith('111'), `docker0 keeps nanoseconds: ${time}`);
      else assert.ok(fraction.endsWith('000') && row['sll.pkttype'].length === 1, `any is cooked, in µs: ${time}`);
    }
    assert.deepEqual(await distinct('multi-interface.pcapng', 'ip.dst_host'), ['10.0.5.2', '172.17.0.2', 'api.internal', 'web']);
  });

  it('gso.pcap: one frame far above the MTU', async () => {
    const lengths = (await values('gso.pcap', 'frame.len')).map(Number);
    assert.equal(lengths.filter((n) => n > 1514).length, 1);
    assert.ok(Math.max(...lengths) > 60_000, lengths.join(','));
  });

  it('gzip.pcap: gzip, deflate and br bodies all decode to the same text', async () => {
    assert.deepEqual(await values('gzip.pcap', 'http.content_encoding'), ['gzip', 'deflate', 'br']);
    const bodies = await values('gzip.pcap', 'http.file_data', 'http.response.code');
    assert.deepEqual(bodies.map((b) => b.replace(/\\n/g, '\n')), [compressedText.plain, compressedText.plain, compressedText.plain]);
  });

  it('chunked-trailers.pcap: chunk sizes, body and trailers', async () => {
    assert.deepEqual(await values('chunked-trailers.pcap', 'http.chunk_size'), ['5', '7', '1', '0']);
    assert.deepEqual(await values('chunked-trailers.pcap', 'http.file_data', 'http.response.code'), ['hello, world\\n']);
    assert.deepEqual(await values('chunked-trailers.pcap', 'http.chunked_trailer_part'), ['X-Checksum: c0ffee\\r\\nX-Done: yes\\r\\n']);
  });

  it('head.pcap: the HEAD response announces 1234 bytes and carries none', async () => {
    assert.deepEqual(await values('head.pcap', 'http.content_length', 'http.response.code'), ['1234', '12']);
    assert.deepEqual(await values('head.pcap', 'http.file_data', 'http.response.code'), ['hello world\\n']);
  });

  it('close-delimited.pcap: the body runs to the FIN, without Content-Length', async () => {
    const bodies = await values('close-delimited.pcap', 'http.file_data', 'http.response.code');
    assert.deepEqual(bodies.map((b) => b.replace(/\\n/g, '\n').length), [2500]);
    assert.deepEqual(await values('close-delimited.pcap', 'http.content_length'), []);
  });

  it('upgrade.pcap: WebSocket frames after the 101', async () => {
    assert.deepEqual(await values('upgrade.pcap', 'websocket.opcode'), ['2', '2', '8', '8']);
  });

  it('connect.pcap: the tunnel carries TLS application data, not HTTP', async () => {
    assert.deepEqual(await values('connect.pcap', 'tls.record.content_type'), ['23', '23', '23']);
  });

  it('midstream.pcap: no SYN anywhere', async () => {
    assert.deepEqual(await distinct('midstream.pcap', 'tcp.flags.syn'), ['0']);
  });

  it('reset.pcap: ends with the client RST', async () => {
    const d = await frames('reset.pcap');
    const last = d.rows.at(-1)!;
    assert.deepEqual(last['tcp.flags.reset'], ['1']);
    assert.deepEqual(last['tcp.srcport'], ['41000']);
  });

  it('gap / reordering / retransmission: tshark sees the faults', async () => {
    assert.equal((await values('gap.pcap', 'tcp.analysis.lost_segment')).length, 1);
    assert.ok((await values('reordering.pcap', 'tcp.analysis.out_of_order')).length >= 2);
    assert.ok((await values('retransmission.pcap', 'tcp.analysis.retransmission')).length >= 3);
    assert.equal((await values('retransmission.pcap', 'tcp.analysis.spurious_retransmission')).length, 1);
  });

  it('truncated.pcap: every record but the cut one is read', async () => {
    assert.equal((await frames('truncated.pcap')).rows.length, 10);
  });
});
