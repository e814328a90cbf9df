import type { WorkItem } from './work-item.js';

/**
 * Inbound exchanges that may still take children, by a key (a server IP, a container, a trace id).
 * Lists hold about as many items as requests are in flight at that key: entries whose window closed
 * are dropped when a lookup passes them and by a periodic sweep, so memory follows concurrency, not
 * the length of the capture.
 */
export class OpenIndex {
  private readonly lists = new Map<string, WorkItem[]>();

  add(key: string, item: WorkItem): void {
    const list = this.lists.get(key);
    if (list === undefined) this.lists.set(key, [item]);
    else list.push(item);
  }

  /** Items under `key` open at `time` (started at or before it, window not closed), passing `accept`. */
  collect(key: string, time: number, out: WorkItem[], accept?: (item: WorkItem) => boolean): void {
    const list = this.lists.get(key);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (item.openUntil < time || item.closed) {
        // Processing runs in start order, so an item closed for `time` is closed for every later call.
        list[i] = list[list.length - 1];
        list.pop();
        i--;
        continue;
      }
      if (item.start <= time && (accept === undefined || accept(item))) out.push(item);
    }
    if (list.length === 0) this.lists.delete(key);
  }

  /** Drops every item closed at `time`. */
  sweep(time: number): void {
    for (const [key, list] of this.lists) {
      let kept = 0;
      for (let i = 0; i < list.length; i++) if (list[i].openUntil >= time && !list[i].closed) list[kept++] = list[i];
      list.length = kept;
      if (kept === 0) this.lists.delete(key);
    }
  }

  get keys(): number {
    return this.lists.size;
  }
}
