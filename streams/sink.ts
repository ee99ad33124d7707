// The one place that writes to sockets. Each line is encoded once into bytes by the router and may go to
// many sockets; the sink gathers what each socket gets during one turn of the event loop and writes it
// in one call, checks the send-queue cap, and reports write outcomes.
import type { Duplex } from 'node:stream';
import type { ConnId, LogEvent } from '../src/core/types.js';

export interface SinkOptions {
  /** Bytes a connection may have queued before it counts as a slow reader and is dropped (unless a write says otherwise). */
  readonly maxSendQueue: number;
  /** How long a connection we close may take to drain before it is destroyed. */
  readonly closeGraceMs: number;
  readonly log: (event: LogEvent) => void;
}

type Done = (ok: boolean) => void;

/** One socket and what it gets at the next flush. */
interface Output {
  readonly conn: ConnId;
  readonly socket: Duplex;
  pending: Buffer[];
  done: Done[];
  maxSendQueue: number;
  /** End the socket once the pending bytes are written. */
  ending: boolean;
}

export class SocketSink {
  private readonly outputs = new Map<ConnId, Output>();
  private dirty: Output[] = [];
  private flushing = false;

  constructor(private readonly options: SinkOptions) {}

  add(conn: ConnId, socket: Duplex): void {
    this.outputs.set(conn, { conn, socket, pending: [], done: [], maxSendQueue: this.options.maxSendQueue, ending: false });
    socket.once('close', () => this.outputs.delete(conn));
  }

  /** Queues bytes for a socket; `done` (if given) learns whether they reached it. Past `maxSendQueue` unread bytes the reader is dropped. */
  write(conn: ConnId, bytes: Buffer, done?: Done, maxSendQueue = this.options.maxSendQueue): void {
    const output = this.outputs.get(conn);
    if (!output || output.socket.destroyed || output.socket.writableEnded) {
      done?.(false);
      return;
    }
    if (output.pending.length === 0) this.mark(output);
    output.pending.push(bytes);
    if (done) output.done.push(done);
    output.maxSendQueue = maxSendQueue;
  }

  /** Ends a connection after what was written to it has gone out. */
  close(conn: ConnId): void {
    const output = this.outputs.get(conn);
    if (!output) return;
    output.ending = true;
    this.mark(output);
  }

  /** Cuts a connection at once (its socket misbehaved). */
  destroy(conn: ConnId): void {
    this.outputs.get(conn)?.socket.destroy();
  }

  closeAll(): void {
    for (const conn of [...this.outputs.keys()]) this.close(conn);
    this.flush();
  }

  private mark(output: Output): void {
    this.dirty.push(output);
    if (!this.flushing) {
      this.flushing = true;
      // everything written while this turn of the event loop handles input leaves in one write per socket
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    const dirty = this.dirty;
    this.dirty = [];
    this.flushing = false;
    for (const output of dirty) this.send(output);
  }

  private send(output: Output): void {
    const { socket, pending, done, conn } = output;
    if (pending.length > 0) {
      output.pending = [];
      output.done = [];
      if (socket.destroyed || socket.writableEnded) {
        for (const report of done) report(false);
      } else {
        const bytes = pending.length === 1 ? pending[0] : Buffer.concat(pending);
        try {
          socket.write(bytes, done.length ? (error) => { for (const report of done) report(!error); } : undefined);
        } catch (error) {
          // a socket that throws costs its own connection, nobody else's
          this.options.log({ level: 'error', event: 'writeFailed', msg: `writing to ${conn} failed, closing it: ${String(error)}`, conn, stack: (error as Error).stack });
          socket.destroy();
          for (const report of done) report(false);
          return;
        }
        if (socket.writableLength > output.maxSendQueue) {
          this.options.log({ level: 'warn', event: 'slowReader', msg: `dropped connection ${conn}: more than ${output.maxSendQueue} bytes unread`, conn });
          socket.destroy();
          return;
        }
      }
    }
    if (output.ending && !socket.writableEnded) {
      socket.end();
      setTimeout(() => socket.destroy(), this.options.closeGraceMs).unref();
    }
  }
}
