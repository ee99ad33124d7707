// The per-address cap, over every kind of client connection (TCP and WebSocket alike): past
// CHAT_MAX_PER_ADDRESS open from one address, a new one is closed at once, before anything is read or
// allocated for it. Links this server dialled are its own and are not counted.
import { Observable } from 'rxjs';
import type { LogEvent } from '../../src/core/types.js';
import type { Connection } from '../pipeline.js';
import { Summary } from '../ops/summary.js';

export function capPerAddress(connection$: Observable<Connection>, maxPerAddress: number, log: (event: LogEvent) => void): Observable<Connection> {
  return new Observable<Connection>((subscriber) => {
    const open = new Map<string, number>();
    const refusals = new Summary(log);
    return connection$.subscribe({
      next(connection) {
        const { socket, remote: { address }, dialled } = connection;
        if (dialled) return subscriber.next(connection);
        const count = open.get(address) ?? 0;
        if (count >= maxPerAddress) {
          socket.destroy();
          refusals.note(address,
            () => ({ level: 'warn', event: 'refused', msg: `refused a connection from ${address}: ${maxPerAddress} are open from there (CHAT_MAX_PER_ADDRESS)`, remote: { address } }),
            (more) => ({ level: 'warn', event: 'refused', msg: `refused ${more} more connections from ${address} in ${refusals.windowSeconds} s (CHAT_MAX_PER_ADDRESS)`, remote: { address }, count: more }));
          return;
        }
        open.set(address, count + 1);
        socket.once('close', () => {
          const left = (open.get(address) ?? 1) - 1;
          if (left > 0) open.set(address, left);
          else open.delete(address);
        });
        subscriber.next(connection);
      },
      error: (error) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });
  });
}
