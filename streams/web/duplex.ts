// A WebSocket as a Node Duplex, so the pipeline reads and writes it exactly like a TCP socket: each text
// message comes out as one line (the message and a `\n`), and each `\n`-terminated line written goes out
// as one text message. Framing, line limits, dialect detection and the sink's send-queue cap then apply
// unchanged.
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

const NEWLINE = 0x0a;
const LINE_END = Buffer.from('\n');

/** Close codes (RFC 6455 §7.4.1) and the reasons a client reads. */
export const CLOSE_BINARY = { code: 1003, reason: 'text messages only: one line of chat each' } as const;
export const CLOSE_NEWLINE = { code: 1007, reason: 'one line per message: no newline inside' } as const;

/** Normal closure, going away (a tab closed), no status: the client hung up on purpose. */
const CLEAN_CLOSES: ReadonlySet<number> = new Set([1000, 1001, 1005]);

export class WebSocketDuplex extends Duplex {
  /** The end of a written chunk that had no `\n` yet; the sink writes whole lines, so normally empty. */
  private partial: Buffer = Buffer.alloc(0);

  constructor(private readonly ws: WebSocket) {
    super();
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    // an error is always followed by 'close'; that is where the stream ends
    ws.on('error', () => {});
    ws.once('close', (code) => this.destroy(CLEAN_CLOSES.has(code) ? undefined : new Error(`WebSocket closed with code ${code}`)));
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.ws.close(CLOSE_BINARY.code, CLOSE_BINARY.reason);
    if (data.includes(NEWLINE)) return this.ws.close(CLOSE_NEWLINE.code, CLOSE_NEWLINE.reason);
    if (!this.push(Buffer.concat([data, LINE_END]))) this.ws.pause();
  }

  override _read(): void {
    if (this.ws.isPaused) this.ws.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  /**
   * Sends each complete line as one text message. The callback waits until the last of them reached the
   * kernel, so `writableLength` counts every byte not yet sent, as on a TCP socket: a tab that stops
   * reading makes it grow until the sink drops the connection.
   */
  override _writev(chunks: readonly { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    const data = this.partial.length === 0 && chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat([this.partial, ...chunks.map((c) => c.chunk)]);
    const lines: Buffer[] = [];
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end >= 0; end = data.indexOf(NEWLINE, start)) {
      lines.push(data.subarray(start, end));
      start = end + 1;
    }
    this.partial = data.subarray(start);
    if (lines.length === 0) return callback();
    let unsent = lines.length;
    let failed = false;
    for (const line of lines) {
      this.ws.send(line, { binary: false }, (error) => {
        if (failed) return;
        if (error) {
          failed = true;
          callback(error);
        } else if (--unsent === 0) {
          callback();
        }
      });
    }
  }

  /** The server ends the connection: a normal close, after every line written has gone out. */
  override _final(callback: (error?: Error | null) => void): void {
    this.ws.close(1000);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.CLOSED) this.ws.terminate();
    callback(error);
  }
}
