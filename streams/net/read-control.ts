// Reading control for every open connection: the core's `pause` and `resume` effects land here. Stopping
// a socket's reads lets TCP push back on its client, so nothing it sent has to be dropped.
import type { ConnId } from '../../src/core/types.js';

export interface Reader {
  /** Stop handing on lines, and stop reading the socket; lines already split stay buffered. */
  pause(): void;
  resume(): void;
}

export class Intake {
  private readonly readers = new Map<ConnId, Reader>();

  add(conn: ConnId, reader: Reader): void {
    this.readers.set(conn, reader);
  }

  delete(conn: ConnId): void {
    this.readers.delete(conn);
  }

  pause(conn: ConnId): void {
    this.readers.get(conn)?.pause();
  }

  resume(conn: ConnId): void {
    this.readers.get(conn)?.resume();
  }

  /** Connections being read or held, for the leak counts. */
  get size(): number {
    return this.readers.size;
  }
}
