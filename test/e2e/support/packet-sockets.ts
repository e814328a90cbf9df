import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Interface names by index, from /sys/class/net (the host's network namespace). */
function interfaceNames(): Map<number, string> {
  const names = new Map<number, string>();
  for (const name of readdirSync('/sys/class/net')) {
    try {
      names.set(Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8')), name);
    } catch {
      // The interface went away between the listing and the read.
    }
  }
  return names;
}

/** Socket inodes the process holds open (its threads share the table). */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // Closed meanwhile.
    }
  }
  return inodes;
}

/**
 * The interfaces a process captures on: its AF_PACKET sockets, as the kernel lists them in
 * /proc/net/packet (one row per socket: ifindex and inode). This knows when a capture is really
 * running on an interface without relying on anything the program prints.
 */
export function capturedInterfaces(pid: number): Set<string> {
  const inodes = socketInodes(pid);
  const names = interfaceNames();
  const captured = new Set<string>();
  const rows = readFileSync('/proc/net/packet', 'utf8').trim().split('\n').slice(1);
  for (const row of rows) {
    const cols = row.trim().split(/\s+/);
    // sk RefCnt Type Proto Iface R Rmem User Inode
    if (cols.length < 9 || !inodes.has(cols[8])) continue;
    captured.add(names.get(Number(cols[4])) ?? `#${cols[4]}`);
  }
  return captured;
}

/** Waits until the process captures on every named interface; throws naming the missing ones. */
export async function waitForCapture(pid: number, interfaces: string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const captured = capturedInterfaces(pid);
    const missing = interfaces.filter((name) => !captured.has(name));
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`pid ${pid} does not capture on ${missing.join(', ')} after ${timeoutMs} ms (it does on: ${[...captured].join(', ') || 'nothing'})`);
    }
    await sleep(100);
  }
}
