import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readCapture } from '../../src/source/read-capture.js';
import { sharedCaptures, skipUnless } from '../support/paths.js';
import { Recorder } from './recorder.js';

interface CatalogueRow {
  file: string;
  format: string;
  packets: number;
}

function catalogue(): CatalogueRow[] {
  if (sharedCaptures === undefined) return [];
  const [header, ...lines] = readFileSync(join(sharedCaptures, 'CATALOGUE.tsv'), 'utf8').trimEnd().split('\n');
  const columns = header.split('\t');
  const col = (name: string): number => {
    const i = columns.indexOf(name);
    assert.ok(i >= 0, `CATALOGUE.tsv has no ${name} column`);
    return i;
  };
  const [file, format, packets] = [col('file'), col('format'), col('packets')];
  return lines.map((line) => {
    const cells = line.split('\t');
    return { file: cells[file], format: cells[format], packets: Number(cells[packets].replace(/[,_\s]/g, '')) };
  });
}

function magicOf(path: string): string {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(4);
  readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  return head.toString('hex');
}

const skip = skipUnless(sharedCaptures !== undefined, 'the shared captures (../shared/captures) are not here');
const rows = catalogue();

describe('shared real-world captures', { skip }, () => {
  it('lists captures of every format', () => {
    assert.ok(rows.length > 100);
    assert.deepEqual([...new Set(rows.map((r) => r.format))].sort(), ['nsecpcap', 'pcap', 'pcapng']);
  });

  it('reads every capture without an error, with as many frames as tshark counted', async () => {
    const failures: string[] = [];
    for (const row of rows) {
      const rec = new Recorder();
      try {
        const summary = await readCapture(join(sharedCaptures!, row.file), rec, rec.stats);
        const expectedFormat = row.format === 'nsecpcap' ? 'pcap-ns' : row.format;
        if (summary.format !== expectedFormat) failures.push(`${row.file}: format ${summary.format}, catalogue says ${row.format}`);
      } catch (e) {
        failures.push(`${row.file}: ${(e as Error).message}`);
        continue;
      }
      if (rec.frames.length !== row.packets) failures.push(`${row.file}: ${rec.frames.length} frames, tshark counted ${row.packets}`);
      if (rec.warnings.length > 0) failures.push(`${row.file}: warnings ${rec.warnings.map((w) => w.code).join(', ')}`);
      if (rec.interfaces.length === 0) failures.push(`${row.file}: no interface`);
    }
    assert.deepEqual(failures, []);
  });

  it('agrees with pcap-parser on every classic microsecond capture: count, timestamps, bytes', async () => {
    const require = createRequire(import.meta.url);
    const pcapParser = require('pcap-parser') as {
      parse(path: string): NodeJS.EventEmitter;
    };
    interface Packet {
      header: { timestampSeconds: number; timestampMicroseconds: number; originalLength: number };
      data: Buffer;
    }
    const classic = rows.filter((r) => ['d4c3b2a1', 'a1b2c3d4'].includes(magicOf(join(sharedCaptures!, r.file))));
    assert.ok(classic.length > 100);
    for (const row of classic) {
      const path = join(sharedCaptures!, row.file);
      const theirs = await new Promise<Packet[]>((resolve, reject) => {
        const packets: Packet[] = [];
        const parser = pcapParser.parse(path);
        parser.on('packet', (p: Packet) => packets.push(p));
        parser.on('end', () => resolve(packets));
        parser.on('error', reject);
      });
      const rec = new Recorder();
      await readCapture(path, rec, rec.stats);
      assert.equal(rec.frames.length, theirs.length, row.file);
      rec.frames.forEach((f, i) => {
        const p = theirs[i];
        assert.deepEqual(f.ts, { sec: p.header.timestampSeconds, nsec: p.header.timestampMicroseconds * 1000 }, `${row.file} #${i}`);
        assert.equal(f.wireLength, p.header.originalLength, `${row.file} #${i}`);
        assert.ok(Buffer.from(f.data.buffer, f.data.byteOffset, f.data.length).equals(p.data), `${row.file} #${i} bytes`);
      });
    }
  });

  it('agrees with tshark on every pcapng and nanosecond capture: timestamps, lengths, interfaces', { skip: skipUnless(hasTshark(), 'tshark is not installed') }, async () => {
    const others = rows.filter((r) => r.format !== 'pcap');
    assert.ok(others.length >= 5);
    for (const row of others) {
      const path = join(sharedCaptures!, row.file);
      const tshark = spawnSync(
        'tshark',
        ['-r', path, '-T', 'fields', '-E', 'separator=,', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len', '-e', 'frame.interface_id'],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      );
      assert.equal(tshark.status, 0, tshark.stderr);
      const theirs = tshark.stdout.trimEnd().split('\n');
      const rec = new Recorder();
      await readCapture(path, rec, rec.stats);
      const ours = rec.frames.map((f) => `${f.ts.sec}.${String(f.ts.nsec).padStart(9, '0')},${f.wireLength},${f.data.length},${f.interfaceId}`);
      // tshark leaves the interface id empty for classic pcap files.
      assert.deepEqual(ours, theirs.map((line) => (line.endsWith(',') ? `${line}0` : line)), row.file);
    }
  });
});

function hasTshark(): boolean {
  return spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
}
