// The server as one stream: sockets → lines → commands → step (pure) → outbound, effects, log events.
import { asapScheduler, merge, Observable, Subject } from 'rxjs';
import { finalize, mergeMap, observeOn, scan, share, takeUntil, tap } from 'rxjs/operators';
import type { Duplex } from 'node:stream';
import type { Sent } from '../src/core/steps.js';
import { failedResult } from '../src/core/effects.js';
import type { State } from '../src/core/state.js';
import type { StepFn } from '../src/core/step.js';
import type { Step } from '../src/core/steps.js';
import type { ClusterEvent, Command, ConnId, EdgeEffect, Effect, EffectResult, ListenerMode, LogEvent, HostPort, Transport } from '../src/core/types.js';
import type { Admitted } from './net/admission.js';
import { Intake } from './net/read-control.js';
import { commandsOf } from './net/lines.js';
import type { SocketSink } from './net/sink.js';
import type { ServerStats } from './ops/stats.js';
import { Timers } from './net/timers.js';

export interface Connection {
  readonly socket: Duplex;
  readonly remote: HostPort;
  readonly listener: ListenerMode;
  /** Set on a federation link this server dialled: the peer it dialled. */
  readonly dialled?: HostPort;
  /** Set on a socket a listener accepted: its place in the admission, which learns the connection's id. */
  readonly admitted?: Admitted;
  /** Set when the socket is a WebSocket (some dialects need a plain stream). */
  readonly transport?: Transport;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** Runs an effect that produces a result (everything but `close`). A rejection becomes the effect's failure result. */
export type EffectRunner = (effect: Exclude<Effect, EdgeEffect>) => Promise<DistributiveOmit<EffectResult, 'at'>>;

export interface PipelineParts {
  readonly initial: State;
  readonly step: StepFn;
  readonly sink: SocketSink;
  /** Delivers one outbound message (the router). */
  readonly route: (sent: Sent) => void;
  /** Where write acknowledgements and other edge feedback re-enter the command stream. */
  readonly feedback$: Subject<Command>;
  readonly clock: () => number;
  readonly runEffect: EffectRunner;
  readonly log: (event: LogEvent) => void;
  readonly maxLineLength: number;
  readonly closeGraceMs: number;
  /** Put before every connection id (`n2.` makes `n2.c7`), so the ids of a cluster's workers differ. */
  readonly connPrefix?: string;
  /** Counts lines in, closes and lines the rate limit delays, for the metrics. */
  readonly stats?: ServerStats;
  /** Learns every command a socket causes, before the server handles it (the --record recorder). */
  readonly onSocketCommand?: (command: Command) => void;
  /** Learns the state after each command (what edges like the link dialler need to see). */
  readonly states?: { next(state: State): void };
  /** Commands from outside any socket: what the other nodes of a cluster tell this one. */
  readonly events$?: Observable<Command>;
  /** Gives a name back to the cluster (the `releaseName` effect). */
  readonly releaseName?: (user: string, how: 'quit' | 'lost') => void;
  /** Tells the other nodes of the cluster, or one of them, what changed here (the `announce` effect). */
  readonly announce?: (event: ClusterEvent, node?: string) => void;
}

/** What the server holds, per kind: every count returns to its idle value once the connections are gone. */
export interface Holdings {
  readonly connections: number;
  readonly online: number;
  readonly loginFailures: number;
  readonly sockets: number;
  readonly backlogged: number;
  readonly readers: number;
  readonly timers: number;
  readonly subscriptions: number;
  readonly effects: number;
}

export interface Pipeline {
  /** Effects still under way; zero when the server has nothing left to finish. */
  pending(): number;
  /** Counts of what the server holds, to check that nothing leaks (see SIGUSR2 in streams/cli/server.ts). */
  holdings(): Holdings;
  /** Stops accepting, closes every connection, and waits (briefly) for running effects to finish. */
  stop(): Promise<void>;
}

/** What the metrics learn from a command and the state it left: a line in (and whether the rate limit queued it for later), a close. */
function count(stats: ServerStats, command: Command, after: State): void {
  if (command.kind === 'line') {
    stats.linesIn++;
    const queued = after.conns.get(command.conn)?.queue.last();
    if (queued?.notBefore !== undefined && queued.notBefore > command.at && queued.at === command.at) stats.rateLimitDelays++;
  } else if (command.kind === 'inputEnded') stats.clientEnds(command.conn);
  else if (command.kind === 'closed') stats.closed(command.conn, command.cause);
}

export function startPipeline(connection$: Observable<Connection>, parts: PipelineParts): Pipeline {
  const { clock, sink, feedback$ } = parts;
  const stop$ = new Subject<void>();
  let nextId = 0;
  let inFlight = 0;
  let settled: (() => void) | undefined;
  const intake = new Intake();
  let subscriptions = 0;
  const timers = new Timers(clock, (conn) => feedback$.next({ kind: 'timer', conn, at: clock() }));

  /** Logs an event; a logger that throws costs at most the connection the event is about. */
  const log = (event: LogEvent) => {
    try {
      parts.log(event);
    } catch (error) {
      const conn = typeof event.conn === 'string' ? event.conn : undefined;
      if (conn) sink.destroy(conn);
      const report = `logging ${event.event} failed${conn ? `, closing ${conn}` : ''}: ${(error as Error).stack ?? String(error)}\n`;
      try {
        parts.log({ level: 'error', event: 'logFailed', msg: `logging ${event.event} failed${conn ? `, closing ${conn}` : ''}: ${String(error)}`, conn, stack: (error as Error).stack });
      } catch {
        process.stderr.write(report);
      }
    }
  };

  const connectionCommands = ({ socket, remote, listener, dialled, admitted, transport }: Connection): Observable<Command> => {
    const conn: ConnId = `${parts.connPrefix ?? ''}c${++nextId}`;
    admitted?.bind(conn);
    sink.add(conn, socket);
    subscriptions++;
    const command$ = commandsOf({ conn, socket, remote, listener, dialled, transport, maxLineLength: parts.maxLineLength, clock, log, intake }).pipe(
      finalize(() => {
        subscriptions--;
        timers.clear(conn);
      }),
    );
    return parts.onSocketCommand ? command$.pipe(tap(parts.onSocketCommand)) : command$;
  };

  // Effect results and write acknowledgements re-enter through one scheduler hop, never synchronously
  // from inside a subscriber, so a command is always fully handled before the next one starts.
  const command$ = merge(
    connection$.pipe(takeUntil(stop$), mergeMap(connectionCommands)),
    feedback$.pipe(observeOn(asapScheduler)),
    ...(parts.events$ ? [parts.events$.pipe(takeUntil(stop$))] : []),
  );

  const start: Step = { state: parts.initial, out: [], effects: [], log: [] };
  const transition$ = command$.pipe(
    scan((previous: Step, command: Command): Step => {
      try {
        const next = parts.step(previous.state, command);
        if (parts.stats) count(parts.stats, command, next.state);
        return next;
      } catch (error) {
        // step is total by design; should it ever throw, keep the last state (it is persistent) and go on
        log({ level: 'error', event: 'bug', msg: `step failed on ${command.kind}: ${String(error)}`, stack: (error as Error).stack });
        return { ...start, state: previous.state };
      }
    }, start),
    share(),
  );

  const route = (sent: Sent) => {
    try {
      parts.route(sent);
    } catch (error) {
      log({ level: 'error', event: 'bug', msg: `routing a ${sent.msg.type} message failed: ${String(error)}`, stack: (error as Error).stack });
    }
  };

  const run = (e: Effect) => {
    switch (e.type) {
      case 'close': return sink.close(e.conn);
      case 'pause': return intake.pause(e.conn);
      case 'resume': return intake.resume(e.conn);
      case 'timer': return timers.set(e.conn, e.at);
      case 'releaseName': return parts.releaseName?.(e.user, e.how);
      case 'announce': return parts.announce?.(e.event, e.node);
    }
    inFlight++;
    void Promise.resolve()
      .then(() => parts.runEffect(e))
      .catch((error: unknown) => {
        log({ level: 'error', event: 'effectFailed', msg: `${e.type} for ${e.conn} failed: ${String(error)}`, conn: e.conn, stack: (error as Error).stack });
        return failedResult(e);
      })
      .then((result) => {
        inFlight--;
        feedback$.next({ ...result, at: clock() } as Command);
        if (inFlight === 0) settled?.();
      });
  };

  parts.states?.next(parts.initial);
  // The order of work for each transition: log it, write it, then run its effects (so a `close` effect
  // comes after the last line written to that connection).
  let latest = parts.initial;
  transition$.subscribe((t) => {
    parts.states?.next(t.state);
    latest = t.state;
    for (const event of t.log) log(event);
    for (const sent of t.out) route(sent);
    for (const e of t.effects) run(e);
  });

  return {
    pending: () => inFlight,
    holdings: () => ({
      connections: latest.conns.size,
      online: latest.online.size,
      loginFailures: latest.loginFailures.size,
      ...sink.counts(),
      readers: intake.size,
      timers: timers.size,
      subscriptions,
      effects: inFlight,
    }),
    async stop() {
      stop$.next();
      sink.closeAll();
      // let database writes under way land before the store closes; bounded, so a stuck effect cannot hang shutdown
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          settled = resolve;
          setTimeout(resolve, parts.closeGraceMs).unref();
        });
      }
    },
  };
}
