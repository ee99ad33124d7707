// Replays against a live server over TCP.
import { connect, type Socket } from 'node:net';
import { LineQueue, type ReplayConnection, type Transport } from './transport.js';

/** How long a live server must stay quiet at the end before "nothing more arrives" is believed. */
const QUIET_MS = 300;
/** How long the server gets, at the end, to close the connections we end (so it has logged their users out). */
const GOODBYE_MS = 2000;

export function tcpTransport(host: string, port: number, timeoutMs = 3000): Transport {
  const sockets = new Set<Socket>();
  return {
    open: (name, from) => new Promise<ReplayConnection>((resolve, reject) => {
      const socket = connect({ host, port, ...(from ? { localAddress: from } : {}) });
      sockets.add(socket);
      const lines = new LineQueue();
      const timer = setTimeout(() => { socket.destroy(); reject(new Error(`${name} got no connection to ${host}:${port} in ${timeoutMs} ms`)); }, timeoutMs);
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => lines.push(chunk));
      socket.on('close', () => lines.end());
      socket.on('error', (error) => { clearTimeout(timer); reject(new Error(`${name} could not connect to ${host}:${port}: ${error.message}`)); });
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve({
          write: (bytes) => { socket.write(bytes); },
          end: () => { socket.end(); },
          next: (ms) => lines.next(ms),
          closed: (ms) => lines.closed(ms),
          unread: () => lines.unread(),
        });
      });
    }),
    settle: () => new Promise((resolve) => setTimeout(resolve, QUIET_MS)),
    async stop() {
      // end each connection and wait for the server to close it: by then it has logged the user out, so the
      // next recording on this server finds the names free and the lists empty
      await Promise.all([...sockets].map((socket) => new Promise<void>((done) => {
        if (socket.closed) return done();
        const timer = setTimeout(() => { socket.destroy(); }, GOODBYE_MS);
        socket.once('close', () => { clearTimeout(timer); done(); });
        socket.end();
      })));
    },
  };
}
