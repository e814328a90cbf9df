import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from './docker-cli.js';
import { TestbedError } from './errors.js';
import { testbedLabel } from './labels.js';

export const defaultImage = 'hopscope-testbed:1';

/**
 * The smallest root filesystem that runs the host's programs: the folders a process expects, /bin and
 * /lib pointing into /usr (which each container mounts read-only from the host), and users for nginx.
 */
function writeRootFs(dir: string): void {
  for (const folder of ['usr', 'etc', 'tmp', 'proc', 'sys', 'dev', 'run', 'root', 'srv', 'var/tmp']) {
    mkdirSync(join(dir, folder), { recursive: true });
  }
  chmodSync(join(dir, 'tmp'), 0o1777);
  chmodSync(join(dir, 'var/tmp'), 0o1777);
  for (const link of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${link}`, join(dir, link));
  writeFileSync(
    join(dir, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
  );
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  writeFileSync(join(dir, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
}

function tarDirectory(dir: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'tar',
      ['-C', dir, '--numeric-owner', '--owner=0', '--group=0', '-c', '.'],
      { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => (error ? reject(new TestbedError('image-build-failed', `tar failed: ${error.message}`)) : resolve(stdout)),
    );
  });
}

async function imageExists(tag: string): Promise<boolean> {
  try {
    await docker(['image', 'inspect', '--format', '{{.Id}}', tag]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the testbed image's tag, building it first if this daemon lacks it. No registry is needed:
 * the image is imported from a root filesystem made here. It is kept between runs (it is a few KB).
 */
export async function ensureImage(tag: string = defaultImage): Promise<string> {
  if (await imageExists(tag)) return tag;
  const dir = mkdtempSync(join(tmpdir(), 'hopscope-rootfs-'));
  try {
    writeRootFs(dir);
    const tar = await tarDirectory(dir);
    await docker(
      [
        'import',
        '--change', `LABEL ${testbedLabel}.image=1`,
        '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '--change', 'WORKDIR /tmp',
        '-',
        tag,
      ],
      { input: tar },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return tag;
}
