// A socket as an observable of the commands it causes: connected, each decoded line (split2), the end of
// its input, and its close. The only place input is framed.
import { randomBytes } from 'node:crypto';
import { Observable } from 'rxjs';
import split2 from 'split2';
import type { Duplex } from 'node:stream';
import type { CloseCause, Command, ConnId, ListenerMode, LogEvent, HostPort, Transport } from '../../src/core/types.js';
import type { Intake } from './read-control.js';

/** Stands in for a line longer than the limit; the line itself is dropped. */
const TOO_LONG = Symbol('line too long');

/**
 * Lines one connection may have handled in one turn of the event loop; then its reading yields until the next
 * turn, so a client pipelining a burst shares the server with everyone else's lines in between (a burst of
 * 100 broadcasts handled in one go held others up for ~10 ms; 16 at a time, for about one). Not a limit on the
 * client: its lines are all handled, only interleaved.
 */
const LINES_PER_TURN = 16;

type Splitter = ReturnType<typeof split2> & { overflow: boolean };

/** split2's own transform (one function, shared by every splitter). */
let splitTransform: Splitter['_transform'] | undefined;

/**
 * split2 skips a line whose unterminated part outgrows maxLength, silently; its `overflow` flag turns on at the
 * end of the chunk where that starts (a chunk with a line break may end one skipped line and start another), so
 * checking the flag there reports the dropped line, after the lines before it, instead of losing it unseen.
 * One function for every splitter: a watch on the flag per splitter (an accessor) cost each socket ~1.2 KB.
 */
function reportingOverflow(this: Splitter, chunk: Buffer, encoding: BufferEncoding, done: (error?: Error | null) => void): void {
  const was = this.overflow;
  splitTransform!.call(this, chunk, encoding, (error?: Error | null) => {
    if (this.overflow && (!was || chunk.includes(0x0a))) this.push(TOO_LONG);
    done(error);
  });
}

export interface SocketInput {
  readonly conn: ConnId;
  readonly socket: Duplex;
  readonly remote: HostPort;
  readonly listener: ListenerMode;
  readonly dialled?: HostPort;
  readonly transport?: Transport;
  readonly maxLineLength: number;
  readonly clock: () => number;
  readonly log: (event: LogEvent) => void;
  /** Where the core's pause and resume effects find this socket's reader. */
  readonly intake: Intake;
}

/**
 * Emits `connected`, then a `line` for each `\n`-terminated line (a trailing `\r` stripped, invalid UTF-8
 * replaced by U+FFFD) or `tooLong` for one over the limit, `inputEnded` when the client half-closes, and
 * `closed` when the socket closes; then completes. An unterminated tail is dropped: only complete lines
 * are messages. One observable and one splitter a socket, fed by hand rather than piped: a chat server
 * holds many idle sockets, and each layer costs memory on every one of them.
 *
 * Paused (flow control), both the socket and the splitter stop: the lines already split from the last
 * chunk wait in the splitter and are handed on, in order, once reading resumes.
 */
export function commandsOf({ conn, socket, remote, listener, dialled, transport, maxLineLength, clock, log, intake }: SocketInput): Observable<Command> {
  return new Observable<Command>((subscriber) => {
    // set once split2 flushes at the end of input: what it flushes is the unterminated tail, which is dropped
    let ended = false;
    let cause: CloseCause = 'ended';
    // fresh randomness for a handshake that must not replay (a federation link's nonce): the core makes none
    subscriber.next({ kind: 'connected', conn, remote, listener, ...(dialled ? { dialled } : {}), ...(transport ? { transport } : {}), nonce: randomBytes(16).toString('hex'), at: clock() });
    // skipOverflow is split2's documented option; its type definitions lag behind
    const options: split2.Options & { skipOverflow: boolean } = { maxLength: maxLineLength, skipOverflow: true };
    const splitter = split2(/\r?\n/, (line: string) => (ended ? undefined : line.length > maxLineLength ? TOO_LONG : line), options);
    splitTransform ??= splitter._transform;
    splitter._transform = reportingOverflow;
    // reading stops while the core says so (flow control), and for the rest of a turn once this one's share is used
    let held = false;
    let yielding: NodeJS.Immediate | undefined;
    let handed = 0;
    const stop = () => {
      splitter.pause();
      socket.pause();
    };
    const go = () => {
      if (held || yielding) return;
      splitter.resume();
      socket.resume();
    };
    splitter.on('data', (line: string | typeof TOO_LONG) => {
      subscriber.next(line === TOO_LONG ? { kind: 'tooLong', conn, at: clock() } : { kind: 'line', conn, text: line, at: clock() });
      if (++handed < LINES_PER_TURN || yielding) return;
      stop();
      yielding = setImmediate(() => {
        yielding = undefined;
        handed = 0;
        go();
      });
    });
    splitter.on('error', (error: Error) => {
      log({ level: 'error', event: 'socketError', msg: `reading from ${conn} failed: ${error.message}`, conn, stack: error.stack });
      socket.destroy();
    });
    // split2's flush hands on the unterminated tail; lines still waiting in the splitter go out before it
    const flush = splitter._flush.bind(splitter);
    splitter._flush = (done) => {
      ended = true;
      flush(done);
    };
    // the input ends once the splitter has handed on every line it holds, however long a pause lasts
    splitter.on('end', () => subscriber.next({ kind: 'inputEnded', conn, at: clock() }));
    const onData = (chunk: Buffer) => {
      handed = 0; // a new read: a new turn
      splitter.write(chunk);
    };
    const onEnd = () => splitter.end();
    const onError = () => { cause = 'error'; };
    const onClose = () => {
      subscriber.next({ kind: 'closed', conn, cause, at: clock() });
      subscriber.complete();
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose); // a socket closes once; once's wrapper would cost every idle socket ~200 bytes
    intake.add(conn, {
      pause() {
        held = true;
        stop();
      },
      resume() {
        held = false;
        go();
      },
    });
    return () => {
      clearImmediate(yielding);
      intake.delete(conn);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onClose);
      splitter.destroy();
    };
  });
}
