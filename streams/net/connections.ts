// A listening server as an observable of connections: a plain TCP one, or a TLS one once each handshake is done.
// Only sockets the admission let in (streams/net/admission.ts) become connections.
import { Observable } from 'rxjs';
import type { Server, Socket } from 'node:net';
import type { ListenerMode } from '../../src/core/types.js';
import type { Connection } from '../pipeline.js';
import type { Admission } from './admission.js';

export function connectionsOf(server: Server, listener: ListenerMode, admission: Admission, event: 'connection' | 'secureConnection' = 'connection'): Observable<Connection> {
  return new Observable<Connection>((subscriber) => {
    const onConnection = (socket: Socket) => {
      const admitted = admission.admitted(socket);
      // refused or closed to make room at accept, or gone during its TLS handshake
      if (!admitted || socket.destroyed) return;
      socket.setNoDelay(true);
      // errors surface as the close cause in commandsOf; without a listener they would crash the process
      socket.on('error', () => {});
      subscriber.next({ socket, listener, admitted, remote: { address: socket.remoteAddress ?? 'unknown', port: socket.remotePort ?? 0 } });
    };
    server.on(event, onConnection);
    return () => server.off(event, onConnection);
  });
}
