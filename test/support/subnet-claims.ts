import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Test networks live in 10.213.<n>.0/24, and test files run in parallel processes: each <n> is claimed
 * across processes (an atomic mkdir under /tmp with the owner's pid), so that two files never put the
 * same addresses on two interfaces (the kernel would then route one test's packets to the other's).
 * Claims are released when the process exits; a claim whose owner died is taken over.
 */
const claimsDir = '/tmp/hopscope-test-subnets';
const mine = new Set<number>();

function ownerAlive(dir: string): boolean {
  try {
    process.kill(Number(readFileSync(join(dir, 'pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

function releaseAll(): void {
  for (const n of mine) rmSync(join(claimsDir, String(n)), { recursive: true, force: true });
  mine.clear();
}

/** Claims a free third octet n (1–250) of 10.213.n.0/24 for this process. */
export function claimSubnetOctet(): number {
  mkdirSync(claimsDir, { recursive: true });
  if (mine.size === 0) process.once('exit', releaseAll);
  const start = process.pid % 250;
  for (let i = 0; i < 250; i++) {
    const n = ((start + i) % 250) + 1;
    const dir = join(claimsDir, String(n));
    try {
      mkdirSync(dir);
    } catch {
      if (ownerAlive(dir)) continue;
      rmSync(dir, { recursive: true, force: true });
      try {
        mkdirSync(dir);
      } catch {
        continue;
      }
    }
    writeFileSync(join(dir, 'pid'), String(process.pid));
    mine.add(n);
    return n;
  }
  throw new Error('no free 10.213.n.0/24 test subnet: remove /tmp/hopscope-test-subnets if no test is running');
}
