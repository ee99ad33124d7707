// Work queued per key (a remote address) and taken round-robin across keys: one key with a thousand items
// waiting delays another key's first item by at most one turn.

export class FairQueue<T> {
  /** Each key's items, oldest first; a key is here only while it has items. Map order is the turn order. */
  private readonly byKey = new Map<string, T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Items `key` has waiting. */
  waiting(key: string): number {
    return this.byKey.get(key)?.length ?? 0;
  }

  /**
   * How many items would be taken before one added for `key` now, if nothing else arrived: every key gives up to
   * as many turns as `key` needs to reach it. O(keys with items waiting), which is at most the connections.
   */
  ahead(key: string): number {
    const turns = this.waiting(key) + 1;
    let ahead = 0;
    // `key`'s own items count fully (turns - 1 of them), every other key's up to `turns`
    for (const items of this.byKey.values()) ahead += Math.min(items.length, turns);
    return ahead;
  }

  push(key: string, item: T): void {
    const items = this.byKey.get(key);
    if (items) items.push(item);
    else this.byKey.set(key, [item]);
    this.count++;
  }

  /** The next key's oldest item; that key goes to the back of the turn order. */
  take(): T | undefined {
    const next = this.byKey.entries().next();
    if (next.done) return undefined;
    const [key, items] = next.value;
    const item = items.shift()!;
    this.byKey.delete(key);
    if (items.length > 0) this.byKey.set(key, items);
    this.count--;
    return item;
  }

  /** Takes every item out, in no particular order (to answer them all when the pool closes). */
  drain(): T[] {
    const all = [...this.byKey.values()].flat();
    this.byKey.clear();
    this.count = 0;
    return all;
  }
}
