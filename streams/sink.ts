// The one place that writes to sockets: batching per tick, a send-queue cap, and write outcomes.
import type { Duplex } from 'node:stream';
import type { ConnId, LogEvent } from '../src/core/types.js';

export interface SinkOptions {
  /** Bytes a connection may have queued before it counts as a slow reader and is dropped (unless a write says otherwise). */
  readonly maxSendQueue: number;
  /** How long a connection we close may take to drain before it is destroyed. */
  readonly closeGraceMs: number;
  readonly log: (event: LogEvent) => void;
}

export class SocketSink {
  private readonly sockets = new Map<ConnId, Duplex>();
  private readonly corked = new Set<Duplex>();

  constructor(private readonly options: SinkOptions) {}

  add(conn: ConnId, socket: Duplex): void {
    this.sockets.set(conn, socket);
    socket.once('close', () => this.sockets.delete(conn));
  }

  /** Writes one line; `done` (if given) learns whether it reached the socket. Past `maxSendQueue` unread bytes the reader is dropped. */
  write(conn: ConnId, line: string, done?: (ok: boolean) => void, maxSendQueue = this.options.maxSendQueue): void {
    const socket = this.sockets.get(conn);
    if (!socket || socket.destroyed || socket.writableEnded) {
      done?.(false);
      return;
    }
    this.cork(socket);
    socket.write(line + '\n', done ? (error) => done(!error) : undefined);
    if (socket.writableLength > maxSendQueue) {
      this.options.log({ level: 'warn', event: 'slowReader', msg: `dropped connection ${conn}: more than ${maxSendQueue} bytes unread`, conn });
      socket.destroy();
    }
  }

  /** Ends a connection after what was written to it has gone out. */
  close(conn: ConnId): void {
    const socket = this.sockets.get(conn);
    if (!socket) return;
    socket.end();
    setTimeout(() => socket.destroy(), this.options.closeGraceMs).unref();
  }

  /** Cuts a connection at once (its socket misbehaved). */
  destroy(conn: ConnId): void {
    this.sockets.get(conn)?.destroy();
  }

  closeAll(): void {
    for (const conn of [...this.sockets.keys()]) this.close(conn);
  }

  // Writes to one socket within a tick leave as one batch.
  private cork(socket: Duplex): void {
    if (this.corked.has(socket)) return;
    this.corked.add(socket);
    socket.cork();
    process.nextTick(() => {
      this.corked.delete(socket);
      socket.uncork();
    });
  }
}
