// Puts a server on its port, turning the usual failures into a sentence that says what to do.
import type { Server } from 'node:net';
import type { LogEvent } from '../../src/core/types.js';
import { StartupError } from '../ops/startup-error.js';

export interface ListenTarget {
  readonly address: string;
  readonly port: number;
  /** How the message names the port, e.g. `port` or `web port`. */
  readonly name: string;
  /** The flag and env var that set it, for the advice. */
  readonly flag: string;
  readonly env: string;
}

export function listenOn(server: Server, { address, port, name, flag, env }: ListenTarget): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `${address}:${port}`;
      reject(new StartupError(
        error.code === 'EADDRINUSE' ? `${name} ${port} is in use — pass ${flag} or set ${env}`
          : error.code === 'EADDRNOTAVAIL' ? `cannot listen on ${where}: no such local address — pass --address or set CHAT_ADDRESS`
          : error.code === 'EACCES' ? `not allowed to listen on ${where} — pick a port above 1023`
          : `cannot listen on ${where}: ${error.message}`));
    };
    server.once('error', onError);
    server.listen(port, address, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Logs what a listening server reports: its errors. (Connections over the caps are the admission's: streams/net/admission.ts.) */
export function logListenerEvents(server: Server, what: string, log: (event: LogEvent) => void): void {
  server.on('error', (error) => log({ level: 'error', event: 'listenerError', msg: `${what} error: ${error.message}` }));
}
