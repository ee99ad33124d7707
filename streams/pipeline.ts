// The server as one stream: sockets → lines → commands → step (pure) → writes, effects, log events.
import { asapScheduler, concat, defer, EMPTY, from, merge, Observable, of, Subject } from 'rxjs';
import { catchError, map, mergeMap, observeOn, scan, share, takeUntil } from 'rxjs/operators';
import type { Duplex } from 'node:stream';
import { step, type Transition } from '../src/core/step.js';
import type { State } from '../src/core/state.js';
import type { CloseCause, Command, ConnId, Effect, EffectResult, ListenerMode, LogEvent, Remote } from '../src/core/types.js';
import { END_OF_INPUT, linesOf, TOO_LONG } from './lines.js';
import { SocketSink } from './sink.js';

export interface Connection {
  readonly socket: Duplex;
  readonly remote: Remote;
  readonly listener: ListenerMode;
}

/** Runs an effect that produces a result (everything but `close`); never rejects. */
export type EffectRunner = (effect: Exclude<Effect, { type: 'close' }>) => Promise<DistributiveOmit<EffectResult, 'at'>>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface PipelineOptions {
  readonly initial: State;
  readonly clock: () => number;
  readonly runEffect: EffectRunner;
  readonly log: (event: LogEvent) => void;
  readonly maxLineLength: number;
  readonly maxSendQueue: number;
  readonly closeGraceMs: number;
}

export interface Pipeline {
  /** Effects still under way; zero when the server has nothing left to finish. */
  pending(): number;
  /** Stops accepting, closes every connection, and waits (briefly) for running effects to finish. */
  stop(): Promise<void>;
}

export function startPipeline(connection$: Observable<Connection>, options: PipelineOptions): Pipeline {
  const { clock, log } = options;
  const feedback$ = new Subject<Command>();
  const stop$ = new Subject<void>();
  let nextId = 0;
  let inFlight = 0;
  let settled: (() => void) | undefined;

  const sink = new SocketSink({
    maxSendQueue: options.maxSendQueue,
    closeGraceMs: options.closeGraceMs,
    log,
    ack: (conn, ok) => feedback$.next({ kind: 'delivered', conn, ok, at: clock() }),
  });

  const commandsOf = ({ socket, remote, listener }: Connection): Observable<Command> => {
    const conn: ConnId = `c${++nextId}`;
    sink.add(conn, socket);
    let cause: CloseCause = 'ended';
    return concat(
      of<Command>({ kind: 'connected', conn, remote, listener, at: clock() }),
      linesOf(socket, options.maxLineLength, (c) => { cause = c; }).pipe(
        map((event): Command =>
          event === TOO_LONG ? { kind: 'tooLong', conn, at: clock() }
            : event === END_OF_INPUT ? { kind: 'inputEnded', conn, at: clock() }
            : { kind: 'line', conn, text: event, at: clock() }),
        catchError((error: unknown) => {
          log({ level: 'error', event: 'socketError', msg: `reading from ${conn} failed: ${String(error)}`, conn });
          socket.destroy();
          return EMPTY;
        }),
      ),
      defer(() => of<Command>({ kind: 'closed', conn, cause, at: clock() })),
    );
  };

  // Effect results and write acknowledgements re-enter through one scheduler hop, never synchronously
  // from inside a subscriber, so a command is always fully handled before the next one starts.
  const command$ = merge(
    connection$.pipe(takeUntil(stop$), mergeMap(commandsOf)),
    feedback$.pipe(observeOn(asapScheduler)),
  );

  const start: Transition = { state: options.initial, out: [], effects: [], log: [] };
  const transition$ = command$.pipe(
    scan((previous: Transition, command: Command): Transition => {
      try {
        return step(previous.state, command);
      } catch (error) {
        // step is total by design; should it ever throw, keep the state and go on
        log({ level: 'error', event: 'bug', msg: `step failed on ${command.kind}: ${String(error)}`, stack: (error as Error).stack });
        return { ...start, state: previous.state };
      }
    }, start),
    share(),
  );

  // Subscription order is the order of work for each transition: log it, write it, then run its effects
  // (so a `close` effect comes after the last line written to that connection).
  transition$.pipe(mergeMap((t) => from(t.log))).subscribe(log);
  transition$.pipe(mergeMap((t) => from(t.out))).subscribe((write) => sink.write(write));
  transition$.pipe(mergeMap((t) => from(t.effects))).subscribe((e) => {
    if (e.type === 'close') return sink.close(e.conn);
    inFlight++;
    void options.runEffect(e).then((result) => {
      inFlight--;
      feedback$.next({ ...result, at: clock() } as Command);
      if (inFlight === 0) settled?.();
    });
  });
  return {
    pending: () => inFlight,
    async stop() {
      stop$.next();
      sink.closeAll();
      // let database writes under way land before the store closes; bounded, so a stuck effect cannot hang shutdown
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          settled = resolve;
          setTimeout(resolve, options.closeGraceMs).unref();
        });
      }
    },
  };
}
