/** The committed captures are exactly what the generator writes, and each has its README line. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { ownCaptures, repoRoot } from '../support/paths.js';
import { captures, compressedText, demoCaptureLine } from '../support/synth/captures-catalogue.js';

/** demo.* are a real recording and its side files, made by scripts/make-demo-capture.sh. */
const isDemo = (file: string): boolean => file.startsWith('demo.');

describe('make-captures.ts', () => {
  const out = mkdtempSync(join(tmpdir(), 'hopscope-captures-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('regenerates byte-identical files in a fresh folder', () => {
    execFileSync(process.execPath, ['--import', 'tsx', 'test/support/synth/make-captures.ts', out], { cwd: repoRoot, stdio: 'pipe' });
    const written = readdirSync(out).sort();
    assert.deepEqual(written, [...captures.map((c) => c.file), 'README.md'].sort());
    for (const file of written) {
      const committed = readFileSync(resolve(ownCaptures, file));
      assert.ok(committed.equals(readFileSync(join(out, file))), `${file} differs from the generator's output: run make-captures.ts and commit`);
    }
  });

  it('every file in captures/ is generated or known, and the README has a line for each', () => {
    const readme = readFileSync(resolve(ownCaptures, 'README.md'), 'utf8');
    const generated = new Set(captures.map((c) => c.file));
    for (const file of readdirSync(ownCaptures)) {
      if (file === 'README.md') continue;
      assert.ok(generated.has(file) || isDemo(file), `${file} is neither generated nor listed`);
    }
    for (const c of captures) assert.ok(readme.includes(`- ${c.file} — `), `README line for ${c.file}`);
    assert.ok(readme.includes(`- ${demoCaptureLine}`));
  });

  it('captures stay tiny: a few KB each (gso.pcap holds one 60 KB packet on purpose)', () => {
    for (const c of captures) {
      const size = statSync(resolve(ownCaptures, c.file)).size;
      assert.ok(size < (c.file === 'gso.pcap' ? 64 * 1024 : 8 * 1024), `${c.file}: ${size} bytes`);
    }
  });

  it('the stored compressed bodies decode to the text they claim', () => {
    const b = (s: string): Buffer => Buffer.from(s, 'base64');
    assert.equal(gunzipSync(b(compressedText.gzip)).toString(), compressedText.plain);
    assert.equal(inflateSync(b(compressedText.deflate)).toString(), compressedText.plain);
    assert.equal(brotliDecompressSync(b(compressedText.br)).toString(), compressedText.plain);
    assert.equal(compressedText.plain.length, 271);
  });

  it('expected exchanges are internally consistent', () => {
    for (const c of captures) {
      for (const e of c.exchanges) {
        if (e.termination === 'complete') assert.notEqual(e.status, undefined, `${c.file} ${e.target}`);
        if (e.lostBytes !== undefined) assert.equal(e.termination, 'gap', `${c.file} ${e.target}`);
      }
    }
  });
});
