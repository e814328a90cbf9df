import { endpointOf, type WorkItem } from './work-item.js';

/**
 * Which endpoints call which, learnt while building: every link made from ids or with high confidence
 * records "parent endpoint → child endpoint". Under concurrency, timing alone often has several open
 * requests to choose from; a request to an endpoint that is known to make this kind of call, and has
 * not made it yet in this request, is the likelier parent (a /checkout calls /stock once, a /profile
 * never does). Bounded: past `maxPairs` nothing more is learnt.
 */
export class CallGraph {
  /** Parent endpoint → the child endpoints it was seen calling. */
  private readonly calls = new Map<string, Set<string>>();
  private pairs = 0;

  constructor(private readonly maxPairs = 50_000) {}

  learn(parent: WorkItem, child: WorkItem): void {
    if (this.pairs >= this.maxPairs) return;
    const parentKey = endpointOf(parent);
    let set = this.calls.get(parentKey);
    if (set === undefined) {
      set = new Set();
      this.calls.set(parentKey, set);
    }
    const before = set.size;
    set.add(endpointOf(child));
    this.pairs += set.size - before;
  }

  /** 2: known pair and the parent has no such call yet; 1: known pair, already made; 0: not known. */
  readonly fit = (child: WorkItem, parent: WorkItem): number => {
    const childKey = endpointOf(child);
    if (this.calls.get(endpointOf(parent))?.has(childKey) !== true) return 0;
    const siblings = parent.children;
    for (let i = 0; i < siblings.length; i++) if (endpointOf(siblings[i]) === childKey) return 1;
    return 2;
  };

  get size(): number {
    return this.pairs;
  }
}
