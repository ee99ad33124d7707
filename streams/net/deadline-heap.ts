// A binary min-heap of (deadline, item) pairs in two flat arrays (no object per entry): the earliest deadline
// on top; of equal deadlines, the one pushed first. Replacing an item's deadline is the caller's business: it
// pushes the new one and skips the old one when it comes up (see Timers), and `compact` bounds the leftovers.

/** Stale entries tolerated beyond twice the live ones before the heap is rebuilt from the live ones. */
const COMPACT_SLACK = 1024;

export class DeadlineHeap<T> {
  private deadlines: number[] = [];
  private items: T[] = [];
  /** Push order, so equal deadlines come out first in, first out. */
  private orders: number[] = [];
  private pushed = 0;

  get length(): number {
    return this.deadlines.length;
  }

  push(at: number, item: T): void {
    this.deadlines.push(at);
    this.items.push(item);
    this.orders.push(this.pushed++);
    this.up(this.deadlines.length - 1);
  }

  peek(): { at: number; item: T } | undefined {
    return this.deadlines.length ? { at: this.deadlines[0], item: this.items[0] } : undefined;
  }

  pop(): void {
    const last = this.deadlines.length - 1;
    if (last < 0) return;
    this.move(last, 0);
    this.deadlines.pop();
    this.items.pop();
    this.orders.pop();
    if (last > 0) this.down(0);
  }

  /** Rebuilds the heap from the entries `isLive` keeps once stale ones outnumber the `live` ones by far. */
  compact(live: number, isLive: (at: number, item: T) => boolean): void {
    if (this.deadlines.length <= 2 * live + COMPACT_SLACK) return;
    const kept: Array<[number, T, number]> = [];
    for (let i = 0; i < this.deadlines.length; i++) if (isLive(this.deadlines[i], this.items[i])) kept.push([this.deadlines[i], this.items[i], this.orders[i]]);
    this.deadlines = kept.map(([at]) => at);
    this.items = kept.map(([, item]) => item);
    this.orders = kept.map(([, , order]) => order);
    for (let i = (this.deadlines.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private before(a: number, b: number): boolean {
    const da = this.deadlines[a], db = this.deadlines[b];
    return da < db || (da === db && this.orders[a] < this.orders[b]);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.deadlines.length;
    for (;;) {
      const left = 2 * i + 1, right = left + 1;
      let least = i;
      if (left < n && this.before(left, least)) least = left;
      if (right < n && this.before(right, least)) least = right;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }

  private swap(a: number, b: number): void {
    const at = this.deadlines[a], item = this.items[a], order = this.orders[a];
    this.move(b, a);
    this.deadlines[b] = at;
    this.items[b] = item;
    this.orders[b] = order;
  }

  private move(from: number, to: number): void {
    this.deadlines[to] = this.deadlines[from];
    this.items[to] = this.items[from];
    this.orders[to] = this.orders[from];
  }
}
