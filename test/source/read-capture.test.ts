import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buildSync } from 'esbuild';
import { after, describe, it } from 'node:test';
import { HopscopeError } from '../../src/model/errors.js';
import { readCapture, readCaptureStream } from '../../src/source/read-capture.js';
import { repoRoot } from '../support/paths.js';
import { concat, epb, idb, payload, pcapFile, shb } from './capture-bytes.js';
import { Recorder } from './recorder.js';

const dir = mkdtempSync(join(tmpdir(), 'hopscope-source-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** 3000 frames of up to 2 KiB: several MiB, so the file spans more than one 4 MiB read. */
const bigPcap = pcapFile(
  { littleEndian: true, nanoseconds: false },
  Array.from({ length: 3000 }, (_, i) => ({ sec: 1_700_000_000 + i, frac: i, data: payload(1000 + ((i * 389) % 1100), i) })),
);

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function rejectsWith(code: string, pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof HopscopeError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  };
}

describe('readCapture', () => {
  it('reads a file in large chunks and reports progress against its size', async () => {
    assert.ok(bigPcap.length > 4 * 1024 * 1024);
    const path = write('big.pcap', bigPcap);
    const rec = new Recorder();
    const progress: Array<[number, number | undefined]> = [];
    const summary = await readCapture(path, rec, rec.stats, (read, total) => progress.push([read, total]));
    assert.equal(summary.format, 'pcap');
    assert.equal(summary.bytesRead, bigPcap.length);
    assert.equal(rec.frames.length, 3000);
    assert.deepEqual(rec.frames[2999].ts, { sec: 1_700_002_999, nsec: 2_999_000 });
    assert.deepEqual([...rec.frames[1234].data], [...payload(1000 + ((1234 * 389) % 1100), 1234)]);
    assert.ok(progress.length >= 2);
    assert.deepEqual(progress.at(-1), [bigPcap.length, bigPcap.length]);
    assert.ok(progress.every(([, total]) => total === bigPcap.length));
  });

  it('reads pcapng files', async () => {
    const path = write('x.pcapng', concat(shb(true), idb(true, { linkType: 1 }), epb(true, 0, 1n, payload(9, 1))));
    const rec = new Recorder();
    assert.equal((await readCapture(path, rec, rec.stats)).format, 'pcapng');
    assert.equal(rec.frames.length, 1);
  });

  it('rejects a missing file', async () => {
    await assert.rejects(readCapture(join(dir, 'nope.pcap'), new Recorder(), new Recorder().stats), rejectsWith('file-not-found', /nope\.pcap: no such file; check the path/));
  });

  it('rejects a directory', async () => {
    await assert.rejects(readCapture(dir, new Recorder(), new Recorder().stats), rejectsWith('file-unreadable', /is a directory, not a capture file/));
  });

  it('rejects a file it may not read', () => {
    // Root reads any file, so under root the read runs in a child as nobody. The child gets a bundle
    // of the reader in the (world-readable) temp folder, so it needs no access to the checkout.
    const path = write('secret.pcap', bigPcap.subarray(0, 100));
    chmodSync(path, 0o000);
    chmodSync(dir, 0o755);
    const entry = write(
      'entry.ts',
      `import { readCapture } from ${JSON.stringify(join(repoRoot, 'src/source/read-capture.ts'))};
       import { Stats } from ${JSON.stringify(join(repoRoot, 'src/model/stats.ts'))};
       try { await readCapture(${JSON.stringify(path)}, { frame() {}, interface() {}, nameRecord() {}, warning() {} }, new Stats()); }
       catch (e) { process.stdout.write(JSON.stringify({ code: e.code, message: e.message })); }`,
    );
    const bundle = join(dir, 'entry.mjs');
    buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'error' });
    chmodSync(bundle, 0o644);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = spawnSync(process.execPath, [bundle], { cwd: dir, encoding: 'utf8', ...asNobody });
    assert.equal(child.status, 0, child.stderr);
    const error = JSON.parse(child.stdout) as { code: string; message: string };
    assert.equal(error.code, 'file-unreadable');
    assert.match(error.message, /secret\.pcap: permission denied; run hopscope as a user who may read it/);
  });

  it('rejects an empty file and a web page, naming the file', async () => {
    const empty = write('empty.pcap', '');
    await assert.rejects(readCapture(empty, new Recorder(), new Recorder().stats), rejectsWith('not-a-capture', /empty\.pcap: not a capture file: the file is empty/));
    const html = write('page.pcap', '<html><body>404</body></html>');
    await assert.rejects(readCapture(html, new Recorder(), new Recorder().stats), rejectsWith('not-a-capture', /page\.pcap: .*looks like HTML/));
  });

  it('warns about a file cut in its last record and keeps the frames before it', async () => {
    const path = write('cut.pcap', bigPcap.subarray(0, bigPcap.length - 500));
    const rec = new Recorder();
    await readCapture(path, rec, rec.stats);
    assert.equal(rec.frames.length, 2999);
    assert.deepEqual(
      rec.warnings.map((w) => w.code),
      ['capture.truncated-record'],
    );
  });
});

describe('readCaptureStream', () => {
  it('reads a Readable of small chunks, without a total size', async () => {
    const chunks: Buffer[] = [];
    for (let off = 0; off < bigPcap.length; off += 65536) chunks.push(Buffer.from(bigPcap.subarray(off, off + 65536)));
    const rec = new Recorder();
    let last: [number, number | undefined] = [0, 0];
    const summary = await readCaptureStream(Readable.from(chunks), 'stdin', rec, rec.stats, (read, total) => {
      last = [read, total];
    });
    assert.equal(summary.bytesRead, bigPcap.length);
    assert.equal(rec.frames.length, 3000);
    assert.deepEqual(last, [bigPcap.length, undefined]);
  });

  it('names the stream in errors and maps stream failures', async () => {
    await assert.rejects(readCaptureStream(Readable.from([Buffer.from('hello')]), 'stdin', new Recorder(), new Recorder().stats), rejectsWith('not-a-capture', /^stdin: not a capture file/));
    const failing = new Readable({
      read() {
        this.destroy(Object.assign(new Error('boom'), { code: 'EIO' }));
      },
    });
    await assert.rejects(readCaptureStream(failing, 'stdin', new Recorder(), new Recorder().stats), rejectsWith('file-unreadable', /^stdin: cannot read it \(boom\)/));
  });
});

describe("readCapture('-')", () => {
  it('reads stdin through a pipe', () => {
    const script = `
      import { readCapture } from './src/source/read-capture.ts';
      import { Stats } from './src/model/stats.ts';
      let frames = 0, bytes = 0;
      const s = await readCapture('-', { frame(f) { frames++; bytes += f.data.length; }, interface() {}, nameRecord() {}, warning() {} }, new Stats());
      process.stdout.write(JSON.stringify({ frames, bytes, format: s.format, read: s.bytesRead }));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      input: bigPcap,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    assert.equal(child.status, 0, child.stderr);
    const frameBytes = bigPcap.length - 24 - 3000 * 16;
    assert.deepEqual(JSON.parse(child.stdout), { frames: 3000, bytes: frameBytes, format: 'pcap', read: bigPcap.length });
  });
});
