// The one place that writes to sockets: batching per tick, a send-queue cap, and write acknowledgements.
import type { Duplex } from 'node:stream';
import type { ConnId, LogEvent, Write } from '../src/core/types.js';

export interface SinkOptions {
  /** Bytes a connection may have queued before it counts as a slow reader and is dropped. */
  readonly maxSendQueue: number;
  /** How long a connection we close may take to drain before it is destroyed. */
  readonly closeGraceMs: number;
  readonly log: (event: LogEvent) => void;
  /** Reports whether an acknowledged write reached the socket. */
  readonly ack: (conn: ConnId, ok: boolean) => void;
}

export class SocketSink {
  private readonly sockets = new Map<ConnId, Duplex>();
  private readonly corked = new Set<Duplex>();

  constructor(private readonly options: SinkOptions) {}

  add(conn: ConnId, socket: Duplex): void {
    this.sockets.set(conn, socket);
    socket.once('close', () => this.sockets.delete(conn));
  }

  write({ conn, line, ack }: Write): void {
    const socket = this.sockets.get(conn);
    if (!socket || socket.destroyed || socket.writableEnded) {
      if (ack) this.options.ack(ack, false);
      return;
    }
    this.cork(socket);
    socket.write(line + '\n', ack ? (error) => this.options.ack(ack, !error) : undefined);
    if (socket.writableLength > this.options.maxSendQueue) {
      this.options.log({ level: 'warn', event: 'slowReader', msg: `dropped connection ${conn}: more than ${this.options.maxSendQueue} bytes unread`, conn });
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
