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
    const framer = new LineFramer(maxLineLength);
    /** Lines read and not yet handed on, from `next`. */
    let waiting: Framed[] = [];
    let next = 0;
    /** Lines this connection may still hand on in this turn. */
    let budget = LINES_PER_TURN;
    // reading stops while the core says so (flow control), and for the rest of a turn once this one's share is used
    let held = false;
    let yielding: NodeJS.Immediate | undefined;
    let reading = true;
    let inputDone = false;

    const nextTurn = () => {
      yielding = undefined;
      budget = LINES_PER_TURN;
      handOn();
    };
    /** Hands on what waits, within this turn's share; reads again once nothing waits. */
    const handOn = () => {
      while (!held && next < waiting.length) {
        if (budget === 0) {
          yielding ??= setImmediate(nextTurn);
          break;
        }
        if (waiting[next] === TOO_LONG) {
          next++;
          budget--;
          subscriber.next({ kind: 'tooLong', conn, at: clock() });
          continue;
        }
        let end = next;
        const last = Math.min(waiting.length, next + budget);
        while (end < last && waiting[end] !== TOO_LONG) end++;
        // the whole read (the usual case) is handed on as it is; a part of it as a copy
        let texts: string[];
        if (next === 0 && end === waiting.length) {
          texts = waiting as string[];
          waiting = [];
          next = 0;
        } else {
          texts = waiting.slice(next, end) as string[];
          next = end;
        }
        budget -= texts.length;
        subscriber.next({ kind: 'lines', conn, texts, at: clock() });
      }
      if (next >= waiting.length) {
        if (waiting.length) waiting = [];
        next = 0;
        // caught up with what was read: the next read starts a new share
        if (!yielding) budget = LINES_PER_TURN;
        if (inputDone && !held) {
          inputDone = false;
          subscriber.next({ kind: 'inputEnded', conn, at: clock() });
        }
      }
      const read = !held && !yielding && next >= waiting.length;
      if (read !== reading) {
        reading = read;
        if (read) socket.resume();
        else socket.pause();
      }
    };
    const onData = (chunk: Buffer) => {
      framer.push(chunk, waiting);
      handOn();
    };
    // the input ends once every line read before it was handed on, however long a pause lasts
    const onEnd = () => {
      inputDone = true;
      handOn();
    };
    const onError = () => { cause = 'error'; };
    const onClose = () => {
      subscriber.next({ kind: 'closed', conn, cause, at: clock() });
      subscriber.complete();
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.once('close', onClose);
    // called while the pipeline handles a command: they only set what happens next, never hand on at once
    intake.add(conn, {
      pause() {
        held = true;
        if (reading) {
          reading = false;
          socket.pause();
        }
      },
      resume() {
        held = false;
        yielding ??= setImmediate(nextTurn);
      },
    });
    return () => {
      clearImmediate(yielding);
      intake.delete(conn);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
  });
}
