// Bytes in, complete lines out: the framing of every socket. Lines end at `\n` (a `\r` before it is dropped),
// invalid UTF-8 becomes U+FFFD, and a line longer than the limit is reported once and skipped, however many reads
// it spans (what split2 with `maxLength` and `skipOverflow` did, without a stream per socket).
import { StringDecoder } from 'node:string_decoder';

/** Stands in for a line longer than the limit; the line itself is dropped. */
export const TOO_LONG = Symbol('line too long');
export type Framed = string | typeof TOO_LONG;

const CR = 13;

export class LineFramer {
  /** The start of a line whose end has not arrived yet. */
  private tail = '';
  /** The unterminated line outgrew the limit: what comes before its end is skipped. */
  private skipping = false;
  private decoder: StringDecoder | undefined;

  constructor(private readonly maxLength: number) {}

  /** Appends the lines `chunk` completes to `into`, in order; keeps the unterminated rest for the next chunk. */
  push(chunk: Buffer, into: Framed[]): void {
    // one decoder a socket, made on its first read: an idle socket that never sent holds none
    const text = (this.decoder ??= new StringDecoder('utf8')).write(chunk);
    let start = 0;
    let buffer = text;
    if (this.skipping) {
      const end = text.indexOf('\n');
      if (end < 0) return;
      start = end + 1;
      this.skipping = false;
    } else if (this.tail !== '') {
      buffer = this.tail + text;
    }
    for (let end = buffer.indexOf('\n', start); end >= 0; end = buffer.indexOf('\n', start)) {
      const stop = end > start && buffer.charCodeAt(end - 1) === CR ? end - 1 : end;
      into.push(stop - start > this.maxLength ? TOO_LONG : buffer.slice(start, stop));
      start = end + 1;
    }
    this.tail = start === 0 ? buffer : buffer.slice(start);
    if (this.tail.length > this.maxLength) {
      // reported now, when it outgrows the limit, not when (if ever) it ends
      this.tail = '';
      this.skipping = true;
      into.push(TOO_LONG);
    }
  }
}

