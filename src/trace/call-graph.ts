import { endpointKey } from './endpoint-names.js';
import type { WorkItem } from './work-item.js';

/**
 * Which endpoints call which, learnt while building: every link made from ids or with high confidence
 * records "parent endpoint → child endpoint". Under concurrency, timing alone often has several open
 * requests to choose from; a request to an endpoint that is known to make this kind of call, and has
 * not made it yet in this request, is the likelier parent (a /checkout calls /stock once, a /profile
 * never does). Bounded: past `maxPairs` nothing more is learnt.
 */
export class CallGraph {
  private readonly pairs = new Set<string>();
  private readonly keys = new WeakMap<WorkItem, string>();

  constructor(private readonly maxPairs = 50_000) {}

  private key(item: WorkItem): string {
    let key = this.keys.get(item);
    if (key === undefined) {
      key = endpointKey(item.exchange);
      this.keys.set(item, key);
    }
    return key;
  }

  learn(parent: WorkItem, child: WorkItem): void {
    if (this.pairs.size < this.maxPairs) this.pairs.add(`${this.key(parent)}\n${this.key(child)}`);
  }

  /** 2: known pair and the parent has no such call yet; 1: known pair, already made; 0: not known. */
  readonly fit = (child: WorkItem, parent: WorkItem): number => {
    const childKey = this.key(child);
    if (!this.pairs.has(`${this.key(parent)}\n${childKey}`)) return 0;
    for (const sibling of parent.children) if (this.key(sibling) === childKey) return 1;
    return 2;
  };

  get size(): number {
    return this.pairs.size;
  }
}
