// The core's `timer` effects: at most one timer a connection (a new one replaces the old), each firing a
// `timer` command back into the stream; a connection's timer goes when the connection goes.
import type { ConnId } from '../../src/core/types.js';

export class Timers {
  private readonly pending = new Map<ConnId, NodeJS.Timeout>();

  constructor(private readonly clock: () => number, private readonly fire: (conn: ConnId) => void) {}

  set(conn: ConnId, at: number): void {
    clearTimeout(this.pending.get(conn));
    this.pending.set(conn, setTimeout(() => {
      this.pending.delete(conn);
      this.fire(conn);
    }, Math.max(0, at - this.clock())).unref());
  }

  clear(conn: ConnId): void {
    clearTimeout(this.pending.get(conn));
    this.pending.delete(conn);
  }

  /** Timers set, for the leak counts. */
  get size(): number {
    return this.pending.size;
  }
}
