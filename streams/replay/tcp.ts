// Replays against a live server over TCP.
import { connect } from 'node:net';
import { LineQueue, type ReplayConnection, type Transport } from './transport.js';

/** How long a live server must stay quiet at the end before "nothing more arrives" is believed. */
const QUIET_MS = 300;

export function tcpTransport(host: string, port: number): Transport {
  const sockets = new Set<ReturnType<typeof connect>>();
  return {
    open: (name, from) => new Promise<ReplayConnection>((resolve, reject) => {
      const socket = connect({ host, port, ...(from ? { localAddress: from } : {}) });
      sockets.add(socket);
      const lines = new LineQueue();
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => lines.push(chunk));
      socket.on('close', () => lines.end());
      socket.once('error', (error) => reject(new Error(`${name} could not connect to ${host}:${port}: ${error.message}`)));
      socket.once('connect', () => resolve({
        write: (bytes) => { socket.write(bytes); },
        end: () => { socket.end(); },
        next: (ms) => lines.next(ms),
        closed: (ms) => lines.closed(ms),
        unread: () => lines.unread(),
      }));
    }),
    settle: () => new Promise((resolve) => setTimeout(resolve, QUIET_MS)),
    async stop() {
      for (const socket of sockets) socket.destroy();
    },
  };
}
