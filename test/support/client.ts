// A line-oriented TCP test client: send lines, wait for the next line (with a timeout), notice the close.
import { connect, type Socket } from 'node:net';
import { LineQueue } from '../../streams/cli/replay/transport.js';

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

/**
 * How long next() and closed() wait at most. A bound, not a wait: a reply usually comes in milliseconds, but
 * a bcrypt hash or a database write on a machine busy with other servers has taken more than 3 s.
 */
const WAIT_MS = 15_000;

/** Connects to host:port, from `localAddress` when given (another loopback address of this machine). */
export function connectClient(port: number, host = '127.0.0.1', localAddress?: string): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, ...(localAddress ? { localAddress } : {}) });
    const lines = new LineQueue();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => lines.push(chunk));
    socket.on('close', () => lines.end());
    socket.on('error', () => {});
    socket.once('connect', () => resolve({
      socket,
      send: (line) => socket.write(line + '\n'),
      raw: (data) => socket.write(data),
      next: (timeoutMs = WAIT_MS) => lines.next(timeoutMs),
      closed: (timeoutMs = WAIT_MS) => lines.ended(timeoutMs),
      unread: () => lines.unread(),
      close: () => socket.destroy(),
    }));
    socket.once('error', reject);
  });
}
