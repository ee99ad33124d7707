// A listening server as an observable of connections: a plain TCP one, or a TLS one once each handshake is done.
import { Observable } from 'rxjs';
import type { Server, Socket } from 'node:net';
import type { ListenerMode } from '../../src/core/types.js';
import type { Connection } from '../pipeline.js';

export function connectionsOf(server: Server, listener: ListenerMode, event: 'connection' | 'secureConnection' = 'connection'): Observable<Connection> {
  return new Observable<Connection>((subscriber) => {
    const onConnection = (socket: Socket) => {
      socket.setNoDelay(true);
      // errors surface as the close cause in commandsOf; without a listener they would crash the process
      socket.on('error', () => {});
      subscriber.next({ socket, listener, remote: { address: socket.remoteAddress ?? 'unknown', port: socket.remotePort ?? 0 } });
    };
    server.on(event, onConnection);
    return () => server.off(event, onConnection);
  });
}
