// The core's `timer` effects: at most one deadline a connection (a new one replaces the old), each firing a
// `timer` command back into the stream; a connection's deadline goes when the connection goes.
//
// One Node timer serves them all, armed for the earliest deadline: every connection gets a login deadline at
// accept, and a Timeout object with its closure per connection cost ~270 bytes of each idle socket's memory;
// here a connection costs a map entry and a heap slot.
import type { ConnId } from '../../src/core/types.js';
import { DeadlineHeap } from './deadline-heap.js';

export class Timers {
  /** Each connection's live deadline; the heap may also hold older ones, skipped when they come up. */
  private readonly due = new Map<ConnId, number>();
  private readonly heap = new DeadlineHeap<ConnId>();
  private timer: NodeJS.Timeout | undefined;
  /** When the armed Node timer fires. */
  private armedAt = Infinity;

  constructor(private readonly clock: () => number, private readonly fire: (conn: ConnId) => void) {}

  set(conn: ConnId, at: number): void {
    this.due.set(conn, at);
    this.heap.push(at, conn);
    this.heap.compact(this.due.size, (deadline, id) => this.due.get(id) === deadline);
    if (at < this.armedAt) this.arm();
  }

  clear(conn: ConnId): void {
    this.due.delete(conn);
  }

  /** Timers set, for the leak counts. */
  get size(): number {
    return this.due.size;
  }

  /** Fires every deadline that has come, earliest first, then arms the Node timer for the next one. */
  private expire(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = this.clock();
    for (let next = this.heap.peek(); next !== undefined && next.at <= now; next = this.heap.peek()) {
      this.heap.pop();
      // a deadline replaced or cleared since it was pushed is skipped
      if (this.due.get(next.item) !== next.at) continue;
      this.due.delete(next.item);
      this.fire(next.item);
    }
    this.arm();
  }

  private arm(): void {
    const next = this.skipStale();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
    if (next === undefined) return;
    this.armedAt = next;
    this.timer = setTimeout(() => this.expire(), Math.max(0, next - this.clock())).unref();
  }

  /** Drops replaced and cleared deadlines from the top of the heap; the earliest live one, if any. */
  private skipStale(): number | undefined {
    for (let next = this.heap.peek(); next !== undefined; next = this.heap.peek()) {
      if (this.due.get(next.item) === next.at) return next.at;
      this.heap.pop();
    }
    return undefined;
  }
}
