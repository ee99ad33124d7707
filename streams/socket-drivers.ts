// The pipeline's own edges as drivers: the socket sink (the `close` effect, and the write acknowledgements
// that come back as `delivered`), read control (`pause`, `resume`) and the connection timers (`timer`).
import { Subject } from 'rxjs';
import type { Command, ConnId } from '../src/core/types.js';
import type { Driver } from './drivers.js';
import type { Intake } from './net/read-control.js';
import type { SocketSink } from './net/sink.js';
import { Timers } from './net/timers.js';

export interface SocketsDriver extends Driver {
  /** Reports whether an acknowledged message reached its recipient's socket (as a `delivered` command). */
  ack(conn: ConnId, ok: boolean): void;
}

/** Closing ends every connection after what was written to it has gone out. */
export function socketsDriver(sink: SocketSink, clock: () => number): SocketsDriver {
  const acks$ = new Subject<Command>();
  return {
    name: 'sockets',
    commands$: acks$,
    effects: { close: (effect) => sink.close(effect.conn) },
    ack: (conn, ok) => acks$.next({ kind: 'delivered', conn, ok, at: clock() }),
    // the pipeline forgets a connection once its socket has closed
    forget: (conn) => sink.forget(conn),
    counts: () => sink.counts(),
    async close() {
      sink.closeAll();
    },
  };
}

export function readControlDriver(intake: Intake): Driver {
  return {
    name: 'read control',
    effects: { pause: (effect) => intake.pause(effect.conn), resume: (effect) => intake.resume(effect.conn) },
    counts: () => ({ readers: intake.size }),
    async close() {},
  };
}

/** Each timer that fires comes back as a `timer` command; a connection's timer goes when the connection goes. */
export function timersDriver(clock: () => number): Driver {
  const fired$ = new Subject<Command>();
  const timers = new Timers(clock, (conn) => fired$.next({ kind: 'timer', conn, at: clock() }));
  return {
    name: 'timers',
    commands$: fired$,
    effects: { timer: (effect) => timers.set(effect.conn, effect.at) },
    forget: (conn) => timers.clear(conn),
    counts: () => ({ timers: timers.size }),
    async close() {},
  };
}
