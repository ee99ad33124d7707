// The one place that writes to sockets. Each line is encoded once into bytes by the router and may go to
// many sockets; the sink gathers what each socket gets during one turn of the event loop and writes it
// in one call, checks the send-queue cap, and reports write outcomes.
import type { Duplex } from 'node:stream';
import type { State } from '../../src/core/state.js';
import type { ConnId, LogEvent } from '../../src/core/types.js';
import type { ServerStats } from '../ops/stats.js';
import { Joins } from './joins.js';
import { FlushPacer } from './flush-pacer.js';

export interface SinkOptions {
  /** Bytes a connection may have queued before it counts as a slow reader and is dropped (unless `maxSendQueueOf` says otherwise). */
  readonly maxSendQueue: number;
  /**
   * A connection's own cap (another server's is larger), from the state its latest message was sent in; asked once
   * a socket a flush rather than once a line, as most lines go to sockets with the default cap.
   */
  readonly maxSendQueueOf?: (conn: ConnId, state: State) => number;
  /** How long a connection we close may take to drain before it is destroyed. */
  readonly closeGraceMs: number;
  /** How long output may wait in the server, unread by its client, before the client counts as a slow reader. */
  readonly sendTimeoutMs: number;
  readonly log: (event: LogEvent) => void;
  /** Learns each close the server starts (the --record recorder). */
  readonly observer?: SinkObserver;
  /** Counts slow readers dropped and why connections end, for the metrics. */
  readonly stats?: ServerStats;
  /** The least time between two flushes (FLUSH_INTERVAL_MS in flush-pacer.ts unless a test says otherwise). */
  readonly flushIntervalMs?: number;
}

export interface SinkObserver {
  closing(conn: ConnId): void;
}

type Done = (ok: boolean) => void;
const NO_DONE: readonly Done[] = [];

/**
 * One socket and what it gets at the next flush. A chat server holds many idle sockets: the queues exist only
 * while something waits in them, and the class keeps one shape for every entry.
 */
class Output {
  pending: Buffer[] | undefined = undefined;
  done: Done[] | undefined = undefined;
  /** The state the latest line for it was sent in, for its cap. */
  sentIn: State | undefined = undefined;
  /** End the socket once the pending bytes are written. */
  ending = false;

  constructor(readonly conn: ConnId, readonly socket: Duplex) {}
}

export class SocketSink {
  private readonly outputs = new Map<ConnId, Output>();
  private dirty: Output[] = [];
  private readonly pacer: FlushPacer;
  /** Sockets with output the kernel has not taken yet, and the watch on each. */
  private readonly backlogged = new Map<Duplex, NodeJS.Timeout>();
  /** The joined output of this flush, shared by sockets that get the same lines. */
  private readonly joins = new Joins();

  constructor(private readonly options: SinkOptions) {
    this.pacer = new FlushPacer(() => this.flush(), options.flushIntervalMs);
  }

  /** Writes to `conn` go to `socket` until `forget(conn)`, which its owner calls once the socket has closed. */
  add(conn: ConnId, socket: Duplex): void {
    this.outputs.set(conn, new Output(conn, socket));
  }

  /** The socket of `conn` has closed: nothing more goes to it (a listener of its own per socket would cost each idle one). */
  forget(conn: ConnId): void {
    const output = this.outputs.get(conn);
    if (!output) return;
    this.outputs.delete(conn);
    clearTimeout(this.backlogged.get(output.socket));
    this.backlogged.delete(output.socket);
  }

  /** Open sockets and the watches on slow ones, for the leak counts. */
  counts(): { sockets: number; backlogged: number } {
    return { sockets: this.outputs.size, backlogged: this.backlogged.size };
  }

  /** Queues bytes for a socket; `done` (if given) learns whether they reached it. Past its cap of unread bytes the reader is dropped. */
  write(conn: ConnId, bytes: Buffer, done?: Done, sentIn?: State): void {
    const output = this.outputs.get(conn);
    if (!output || output.socket.destroyed || output.socket.writableEnded) {
      done?.(false);
      return;
    }
    if (output.pending === undefined) {
      output.pending = [];
      this.mark(output);
    }
    output.pending.push(bytes);
    if (done) (output.done ??= []).push(done);
    output.sentIn = sentIn;
  }

  /** Ends a connection after what was written to it has gone out. */
  close(conn: ConnId): void {
    const output = this.outputs.get(conn);
    if (!output) return;
    this.options.observer?.closing(conn);
    this.options.stats?.serverCloses(conn, 'server_closed');
    output.ending = true;
    this.mark(output);
  }

  /** Cuts a connection at once (its socket misbehaved). */
  destroy(conn: ConnId): void {
    const output = this.outputs.get(conn);
    if (!output) return;
    this.options.observer?.closing(conn);
    this.options.stats?.serverCloses(conn, 'broken_socket');
    output.socket.destroy();
  }

  closeAll(): void {
    for (const conn of [...this.outputs.keys()]) this.close(conn);
    this.pacer.now();
  }

  private mark(output: Output): void {
    this.dirty.push(output);
    // everything written while this turn of the event loop handles input leaves in one write per socket
    this.pacer.schedule();
  }

  private flush(): void {
    const dirty = this.dirty;
    this.dirty = [];
    try {
      for (const output of dirty) this.send(output);
    } finally {
      this.joins.clear();
    }
  }

  private send(output: Output): void {
    const { socket, pending, conn } = output;
    const done = output.done ?? NO_DONE;
    if (pending !== undefined) {
      output.pending = undefined;
      output.done = undefined;
      if (socket.destroyed || socket.writableEnded) {
        for (const report of done) report(false);
      } else {
        const bytes = this.joins.of(pending);
        try {
          socket.write(bytes, done.length ? (error) => { for (const report of done) report(!error); } : undefined);
        } catch (error) {
          // a socket that throws costs its own connection, nobody else's
          this.options.log({ level: 'error', event: 'writeFailed', msg: `writing to ${conn} failed, closing it: ${String(error)}`, conn, stack: (error as Error).stack });
          this.options.observer?.closing(conn);
          this.options.stats?.serverCloses(conn, 'broken_socket');
          socket.destroy();
          for (const report of done) report(false);
          return;
        }
        const cap = output.sentIn && this.options.maxSendQueueOf ? this.options.maxSendQueueOf(conn, output.sentIn) : this.options.maxSendQueue;
        output.sentIn = undefined;
        if (socket.writableLength > cap) {
          this.options.log({ level: 'warn', event: 'slowReader', msg: `dropped connection ${conn}: more than ${cap} bytes unread`, conn });
          this.options.observer?.closing(conn);
          if (this.options.stats) {
            this.options.stats.sendQueueDrops++;
            this.options.stats.serverCloses(conn, 'slow_reader');
          }
          socket.destroy();
          return;
        }
        if (socket.writableLength > 0) this.watch(conn, socket);
      }
    }
    if (output.ending && !socket.writableEnded) {
      socket.end();
      setTimeout(() => socket.destroy(), this.options.closeGraceMs).unref();
    }
  }

  /**
   * A socket whose output the kernel would not take: everything queued now must have gone out within
   * sendTimeoutMs, or its client is a slow reader and is cut (a sender waiting on SEND-OK is not held up longer).
   */
  private watch(conn: ConnId, socket: Duplex): void {
    if (this.backlogged.has(socket) || !('bytesWritten' in socket)) return;
    const net = socket as Duplex & { bytesWritten: number };
    const check = (mark: number) => {
      this.backlogged.set(socket, setTimeout(() => {
        this.backlogged.delete(socket);
        if (socket.destroyed) return;
        const flushed = net.bytesWritten - socket.writableLength;
        if (flushed < mark) {
          this.options.log({ level: 'warn', event: 'slowReader', msg: `dropped connection ${conn}: output unread for ${this.options.sendTimeoutMs} ms`, conn });
          socket.destroy();
        } else if (socket.writableLength > 0) check(net.bytesWritten);
      }, this.options.sendTimeoutMs).unref());
    };
    check(net.bytesWritten);
  }
}
