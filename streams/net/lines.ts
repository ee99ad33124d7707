// A socket as an observable of the commands it causes: connected, the lines of each read (framer.ts), the end
// of its input, and its close. The only place input is framed.
import { randomBytes } from 'node:crypto';
import { Observable } from 'rxjs';
import type { Duplex } from 'node:stream';
import type { CloseCause, Command, ConnId, ListenerMode, HostPort, Transport } from '../../src/core/types.js';
import { LineFramer, TOO_LONG, type Framed } from './framer.js';
import type { Intake } from './read-control.js';

/**
 * Lines one connection may have handled in one turn of the event loop; then its reading yields until the next
 * turn, so a client pipelining a burst shares the server with everyone else's lines in between (a burst of
 * 100 broadcasts handled in one go held others up for ~10 ms; 16 at a time, for about one). Not a limit on the
 * client: its lines are all handled, only interleaved. The first read of a burst is sliced like the rest.
 */
export const LINES_PER_TURN = 16;

export interface SocketInput {
  readonly conn: ConnId;
  readonly socket: Duplex;
  readonly remote: HostPort;
  readonly listener: ListenerMode;
  readonly dialled?: HostPort;
  readonly transport?: Transport;
  readonly maxLineLength: number;
  readonly clock: () => number;
  /** Where the core's pause and resume effects find this socket's reader. */
  readonly intake: Intake;
}

/**
 * Emits `connected`, then for each read the complete lines in it as one `lines` command (a `tooLong` in their
 * place for one over the limit), at most LINES_PER_TURN of them a turn of the event loop; `inputEnded` when the
 * client half-closes, and `closed` when the socket closes; then completes. An unterminated tail is dropped:
 * only complete lines are messages. Handing the core a read at once makes one step, one routing pass and one
 * write per socket of it, instead of one per line.
 *
 * Paused (flow control), the socket is not read and nothing more is handed on: lines already read wait here and
 * are handed on, in order, once reading resumes. A pause the core decides while it handles a batch takes effect
 * after that batch (the core queues the rest of it).
 */
export function commandsOf({ conn, socket, remote, listener, dialled, transport, maxLineLength, clock, intake }: SocketInput): Observable<Command> {
  return new Observable<Command>((subscriber) => {
    let cause: CloseCause = 'ended';
    // fresh randomness for a handshake that must not replay (a federation link's nonce): the core makes none
    subscriber.next({ kind: 'connected', conn, remote, listener, ...(dialled ? { dialled } : {}), ...(transport ? { transport } : {}), nonce: randomBytes(16).toString('hex'), at: clock() });
    const pacer = new Pacer(socket, new LineFramer(maxLineLength), {
      lines: (texts) => subscriber.next({ kind: 'lines', conn, texts, at: clock() }),
      tooLong: () => subscriber.next({ kind: 'tooLong', conn, at: clock() }),
      ended: () => subscriber.next({ kind: 'inputEnded', conn, at: clock() }),
    });
    const onData = (chunk: Buffer) => pacer.read(chunk);
    const onEnd = () => pacer.end();
    const onError = () => { cause = 'error'; };
    const onClose = () => {
      subscriber.next({ kind: 'closed', conn, cause, at: clock() });
      subscriber.complete();
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose); // a socket closes once; once's wrapper would cost every idle socket ~200 bytes
    intake.add(conn, pacer);
    return () => {
      pacer.stop();
      intake.delete(conn);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
  });
}

/** Where a Pacer hands on what a socket sent. */
interface Handed {
  lines(texts: string[]): void;
  tooLong(): void;
  /** The input ended, after every line read before its end. */
  ended(): void;
}

/**
 * The lines read from one socket and not yet handed on: handed on at most LINES_PER_TURN a turn, none while the
 * core holds the connection (flow control); the socket is read again once nothing waits.
 */
class Pacer {
  /** Lines read and not yet handed on, from `next`. */
  private waiting: Framed[] = [];
  private next = 0;
  /** Lines this connection may still hand on in this turn. */
  private budget = LINES_PER_TURN;
  private held = false;
  private yielding: NodeJS.Immediate | undefined;
  private reading = true;
  private inputDone = false;
  private readonly nextTurn = () => {
    this.yielding = undefined;
    this.budget = LINES_PER_TURN;
    this.handOn();
  };

  constructor(private readonly socket: Duplex, private readonly framer: LineFramer, private readonly handed: Handed) {}

  read(chunk: Buffer): void {
    this.framer.push(chunk, this.waiting);
    this.handOn();
  }

  /** The input ends once every line read before it was handed on, however long a pause lasts. */
  end(): void {
    this.inputDone = true;
    this.handOn();
  }

  // pause and resume are called while the pipeline handles a command: they only set what happens next, never hand on at once
  pause(): void {
    this.held = true;
    this.readSocket(false);
  }

  resume(): void {
    this.held = false;
    this.yielding ??= setImmediate(this.nextTurn);
  }

  stop(): void {
    clearImmediate(this.yielding);
  }

  /** Hands on what waits, within this turn's share; reads again once nothing waits. */
  private handOn(): void {
    while (!this.held && this.next < this.waiting.length) {
      if (this.budget === 0) {
        this.yielding ??= setImmediate(this.nextTurn);
        break;
      }
      if (this.waiting[this.next] === TOO_LONG) {
        this.next++;
        this.budget--;
        this.handed.tooLong();
        continue;
      }
      this.handed.lines(this.take());
    }
    if (this.next >= this.waiting.length) {
      if (this.waiting.length) this.waiting = [];
      this.next = 0;
      // caught up with what was read: the next read starts a new share
      if (!this.yielding) this.budget = LINES_PER_TURN;
      if (this.inputDone && !this.held) {
        this.inputDone = false;
        this.handed.ended();
      }
    }
    this.readSocket(!this.held && !this.yielding && this.next >= this.waiting.length);
  }

  /** The next run of lines up to an over-long one, within the budget: the whole read (the usual case) as it is, a part of it as a copy. */
  private take(): string[] {
    const last = Math.min(this.waiting.length, this.next + this.budget);
    let end = this.next;
    while (end < last && this.waiting[end] !== TOO_LONG) end++;
    let texts: string[];
    if (this.next === 0 && end === this.waiting.length) {
      texts = this.waiting as string[];
      this.waiting = [];
    } else {
      texts = this.waiting.slice(this.next, end) as string[];
      this.next = end;
    }
    this.budget -= texts.length;
    return texts;
  }

  private readSocket(read: boolean): void {
    if (read === this.reading) return;
    this.reading = read;
    if (read) this.socket.resume();
    else this.socket.pause();
  }
}
