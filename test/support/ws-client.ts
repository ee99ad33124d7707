// A line-oriented WebSocket test client (the `ws` package): each message sent is one line, each message
// received is queued as one line; waits have timeouts, and the close code and reason are kept.
import { connect, type NetConnectOpts, type Socket } from 'node:net';
import WebSocket from 'ws';
import { LineQueue } from '../../streams/cli/replay/transport.js';

export interface WebSocketClient {
  readonly ws: WebSocket;
  /** The TCP socket under the WebSocket (to cork it, so several messages leave in one packet). */
  readonly tcp: Socket;
  send(line: string | Buffer, options?: { binary: boolean }): void;
  next(timeoutMs?: number): Promise<string>;
  /** Resolves with the close code and reason once the connection closed (whatever is still unread). */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  unread(): readonly string[];
  close(): void;
}

export interface WebSocketOptions {
  readonly origin?: string;
  readonly path?: string;
  /** The Host header to send, instead of 127.0.0.1:port (a page whose name was made to point here). */
  readonly host?: string;
  /** Connect from this local address (another loopback address of this machine). */
  readonly localAddress?: string;
}

function open(port: number, { origin, path = '/ws', host, localAddress }: WebSocketOptions): { ws: WebSocket; tcp: () => Socket | undefined } {
  let tcp: Socket | undefined;
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, {
    ...(origin === undefined ? {} : { origin }),
    ...(host === undefined ? {} : { headers: { Host: host } }),
    createConnection: ((options: NetConnectOpts) => (tcp = connect({ ...options, ...(localAddress ? { localAddress } : {}) }))) as typeof connect,
  });
  return { ws, tcp: () => tcp };
}

export function connectWebSocket(port: number, options: WebSocketOptions = {}): Promise<WebSocketClient> {
  const { ws, tcp } = open(port, options);
  const lines = new LineQueue();
  let closing: { code: number; reason: string } | undefined;
  ws.on('message', (data) => lines.push(`${String(data)}\n`));
  ws.on('close', (code, reason) => {
    closing = { code, reason: reason.toString() };
    lines.end();
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => {
      ws.off('error', reject);
      ws.on('error', () => {});
      resolve({
        ws,
        tcp: tcp()!,
        send: (line, sendOptions = { binary: false }) => ws.send(line, sendOptions),
        next: (timeoutMs = 3000) => lines.next(timeoutMs),
        closed: async (timeoutMs = 3000) => {
          await lines.ended(timeoutMs);
          return closing!;
        },
        unread: () => lines.unread(),
        close: () => ws.terminate(),
      });
    });
  });
}

/** Tries to open a WebSocket that the server should refuse; resolves with the HTTP status it answered (0: it hung up without one). */
export function refusedStatus(port: number, options: WebSocketOptions = {}): Promise<number> {
  const { ws } = open(port, options);
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the server accepted the WebSocket'));
    });
    ws.on('error', () => {});
    ws.once('close', () => resolve(0));
  });
}
