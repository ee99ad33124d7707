// A socket's bytes as an observable of decoded lines (split2). The only place input is framed.
import { Observable } from 'rxjs';
import split2 from 'split2';
import type { Duplex } from 'node:stream';
import type { CloseCause } from '../src/core/types.js';

/** Emitted in place of a line longer than the limit; the line itself is dropped. */
export const TOO_LONG = Symbol('line too long');
/** Emitted when the client finished sending (it may still be reading). */
export const END_OF_INPUT = Symbol('end of input');
export type LineEvent = string | typeof TOO_LONG | typeof END_OF_INPUT;

/**
 * Emits each `\n`-terminated line (a trailing `\r` stripped, invalid UTF-8 replaced by U+FFFD), in
 * order, END_OF_INPUT when the client half-closes, and completes when the socket closes. An
 * unterminated tail is dropped: only complete lines are messages.
 */
export function linesOf(socket: Duplex, maxLength: number, onClose: (cause: CloseCause) => void): Observable<LineEvent> {
  return new Observable<LineEvent>((subscriber) => {
    let ended = false;
    let cause: CloseCause = 'ended';
    // skipOverflow is split2's documented option; its type definitions lag behind
    const options: split2.Options & { skipOverflow: boolean } = { maxLength, skipOverflow: true };
    const splitter = split2(/\r?\n/, (line: string) => (ended ? undefined : line.length > maxLength ? TOO_LONG : line), options);
    // split2 skips a line whose unterminated part outgrows maxLength, silently; its `overflow` flag turns on
    // at that moment, so watching the flag lets us report the dropped line instead of losing it unseen.
    let overflow = false;
    Object.defineProperty(splitter, 'overflow', {
      get: () => overflow,
      set: (value: boolean) => {
        if (value && !overflow) splitter.push(TOO_LONG);
        overflow = value;
      },
    });
    splitter.on('data', (event: LineEvent) => subscriber.next(event));
    socket.on('end', () => {
      ended = true;
      subscriber.next(END_OF_INPUT);
    });
    socket.on('error', () => { cause = 'error'; });
    socket.once('close', () => {
      onClose(cause);
      subscriber.complete();
    });
    socket.pipe(splitter);
    return () => {
      socket.unpipe(splitter);
      splitter.destroy();
    };
  });
}
