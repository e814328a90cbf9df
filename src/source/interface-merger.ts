import type { Frame } from '../model/frame.js';
import type { Stats } from '../model/stats.js';

/**
 * Puts frames from several interfaces back in capture-time order. dumpcap and live capture deliver each
 * interface's packets in batches, so a multi-interface capture can run a bridge's packets 100+ ms
 * behind a veth's; reassembly, idle timeouts and "request start order" all want time order.
 *
 * While the capture has declared (or shown) only one interface, frames pass straight through (the
 * common case costs one comparison). From the second interface on, frames wait in a min-heap until the newest capture time
 * seen is `windowSeconds` past them. At most `maxFrames` wait; past that the oldest go on early,
 * counted as 'capture.merge-overflow'. Frames out of order by more than the window are passed on as they
 * are and counted as 'capture.out-of-order'.
 */
export class InterfaceMerger {
  private declared = 0;
  private firstInterface = -1;
  private merging = false;
  /** Waiting frames with their arrival number, which keeps equal timestamps in file order. */
  private readonly heap: Array<{ frame: Frame; arrival: number }> = [];
  private arrivals = 0;
  private newestSec = -Infinity;
  private newestNsec = 0;
  private releasedSec = -Infinity;
  private releasedNsec = 0;
  private readonly windowNs: number;

  constructor(
    private readonly next: (frame: Frame) => void,
    private readonly stats: Stats,
    windowSeconds: number,
    private readonly maxFrames: number,
  ) {
    this.windowNs = windowSeconds * 1e9;
  }

  /** A capture interface was declared (pcapng IDB, a live device): two or more mean merging from the start. */
  addInterface(): void {
    this.declared++;
    if (this.declared > 1) this.merging = true;
  }

  push(frame: Frame): void {
    if (!this.merging) {
      if (this.firstInterface === -1) this.firstInterface = frame.interfaceId;
      if (frame.interfaceId === this.firstInterface) {
        this.noteNewest(frame);
        this.next(frame);
        return;
      }
      this.merging = true;
    }
    if (this.isBeforeReleased(frame)) {
      // Later than the window allows: keeping it back would not restore order any more.
      this.stats.count('capture.out-of-order');
      this.next(frame);
      return;
    }
    this.noteNewest(frame);
    this.heapPush({ frame, arrival: this.arrivals++ });
    this.releaseDue();
    while (this.heap.length > this.maxFrames) {
      this.stats.count('capture.merge-overflow');
      this.release(this.heapPop());
    }
  }

  /** End of input: everything waiting goes on, in order. */
  flush(): void {
    while (this.heap.length > 0) this.release(this.heapPop());
  }

  private noteNewest(frame: Frame): void {
    const { sec, nsec } = frame.ts;
    if (sec > this.newestSec || (sec === this.newestSec && nsec > this.newestNsec)) {
      this.newestSec = sec;
      this.newestNsec = nsec;
    }
  }

  private isBeforeReleased(frame: Frame): boolean {
    const { sec, nsec } = frame.ts;
    return sec < this.releasedSec || (sec === this.releasedSec && nsec < this.releasedNsec);
  }

  private releaseDue(): void {
    while (this.heap.length > 0) {
      const top = this.heap[0].frame.ts;
      const behind = (this.newestSec - top.sec) * 1e9 + (this.newestNsec - top.nsec);
      if (behind < this.windowNs) return;
      this.release(this.heapPop());
    }
  }

  private release(frame: Frame): void {
    this.releasedSec = frame.ts.sec;
    this.releasedNsec = frame.ts.nsec;
    this.next(frame);
  }

  private before(a: { frame: Frame; arrival: number }, b: { frame: Frame; arrival: number }): boolean {
    const x = a.frame.ts;
    const y = b.frame.ts;
    if (x.sec !== y.sec) return x.sec < y.sec;
    if (x.nsec !== y.nsec) return x.nsec < y.nsec;
    return a.arrival < b.arrival;
  }

  private heapPush(entry: { frame: Frame; arrival: number }): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private heapPop(): Frame {
    const heap = this.heap;
    const top = heap[0].frame;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.before(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && this.before(heap[right], heap[smallest])) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return top;
  }
}
