// The TLS listener: the same dialects as the plain port, over TLS. A handshake has a deadline
// (CHAT_TLS_HANDSHAKE_MS), and one that fails or runs past it ends its socket: a half-open socket left
// behind would hold its place in the admission for ever.
import type { Server } from 'node:net';
import { createServer } from 'node:tls';
import type { LogEvent } from '../../src/core/types.js';
import { StartupError } from '../ops/startup-error.js';
import { Summary } from '../ops/summary.js';

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** The files' names, for the error message. */
  readonly names: { readonly cert: string; readonly key: string };
}

export function tlsServer(files: TlsFiles, handshakeMs: number, log: (event: LogEvent) => void): Server {
  let server: Server;
  try {
    // half-open, as the plain port: a client that finishes sending still gets every answer
    server = createServer({ cert: files.cert, key: files.key, allowHalfOpen: true, handshakeTimeout: handshakeMs });
  } catch (error) {
    throw new StartupError(`cannot use ${files.names.cert} and ${files.names.key} for TLS: ${(error as Error).message} — they must be a PEM certificate and its private key`);
  }
  const slow = new Summary(log);
  server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: { destroy(): void; remoteAddress?: string }) => {
    const from = socket.remoteAddress ?? 'unknown'; // read before destroy() forgets it
    socket.destroy();
    if (error.code !== 'ERR_TLS_HANDSHAKE_TIMEOUT') {
      return log({ level: 'debug', event: 'tlsError', msg: `a TLS handshake from ${from} failed: ${error.message}`, remote: { address: from } });
    }
    slow.note(from,
      () => ({ level: 'warn', event: 'tlsTimeout', msg: `closed a TLS connection from ${from}: no handshake within ${handshakeMs} ms (CHAT_TLS_HANDSHAKE_MS)`, remote: { address: from } }),
      (more) => ({ level: 'warn', event: 'tlsTimeout', msg: `closed ${more} more TLS connections from ${from} without a handshake in ${slow.windowSeconds} s (CHAT_TLS_HANDSHAKE_MS)`, remote: { address: from }, count: more }));
  });
  return server;
}
