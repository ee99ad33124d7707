// A line-oriented TCP test client: send lines, wait for the next line (with a timeout), notice the close.
import { connect, type Socket } from 'node:net';

export interface LineClient {
  readonly socket: Socket;
  send(line: string): void;
  /** Writes raw bytes, for framing tests. */
  raw(data: string | Buffer): void;
  /** The next line the server sent, waiting up to `timeoutMs`. */
  next(timeoutMs?: number): Promise<string>;
  /** Resolves once the server closed the connection (after any lines still unread). */
  closed(timeoutMs?: number): Promise<void>;
  /** Lines received and not yet taken with next(). */
  unread(): readonly string[];
  close(): void;
}

export function connectClient(port: number, host = '127.0.0.1'): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    const lines: string[] = [];
    const waiters: Array<() => void> = [];
    let buffer = '';
    let ended = false;
    const wake = () => { for (const w of waiters.splice(0)) w(); };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        lines.push(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
      }
      wake();
    });
    socket.on('close', () => { ended = true; wake(); });
    socket.on('error', () => {});
    const waitFor = <T>(ready: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
      new Promise((done, fail) => {
        const attempt = () => {
          const value = ready();
          if (value !== undefined) { clearTimeout(timer); done(value); return true; }
          if (ended && lines.length === 0) { clearTimeout(timer); fail(new Error(`connection closed while waiting for ${what}`)); return true; }
          return false;
        };
        const timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}; unread: ${JSON.stringify(lines)}`)), timeoutMs);
        const loop = () => { if (!attempt()) waiters.push(loop); };
        loop();
      });
    socket.once('connect', () => resolve({
      socket,
      send: (line) => socket.write(line + '\n'),
      raw: (data) => socket.write(data),
      next: (timeoutMs = 3000) => waitFor(() => lines.shift(), timeoutMs, 'a line'),
      closed: (timeoutMs = 3000) => new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`timed out waiting for the server to close; unread: ${JSON.stringify(lines)}`)), timeoutMs);
        const check = () => { if (ended) { clearTimeout(timer); done(); } else waiters.push(check); };
        check();
      }),
      unread: () => [...lines],
      close: () => socket.destroy(),
    }));
    socket.once('error', reject);
  });
}
