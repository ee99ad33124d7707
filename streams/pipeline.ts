// The server as one stream: the drivers' connections and commands → step (pure) → outbound, effects, log
// events; each effect runs through the driver registered for its type. The states stepped through are `state$`.
import { asapScheduler, merge, Observable, Subject } from 'rxjs';
import { finalize, mergeMap, observeOn, scan, share, takeUntil, tap } from 'rxjs/operators';
import type { Duplex } from 'node:stream';
import type { Sent, Step } from '../src/core/steps.js';
import { failedResult } from '../src/core/effects.js';
import type { State } from '../src/core/state.js';
import type { StepFn } from '../src/core/step.js';
import type { Command, ConnId, Effect, HostPort, ListenerMode, LogEvent, Transport } from '../src/core/types.js';
import { runsAtOnce, wire, type Driver, type Relay, type TrafficTap, type Wiring } from './drivers.js';
import type { Admitted } from './net/admission.js';
import { Intake } from './net/read-control.js';
import { commandsOf } from './net/lines.js';
import { SocketSink, type SinkOptions } from './net/sink.js';
import type { ServerStats } from './ops/stats.js';
import { readControlDriver, socketsDriver, timersDriver } from './socket-drivers.js';
import { StateObservable } from './state.js';

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

/** What the router is built from, once the drivers are known. */
export interface RouterParts {
  readonly sink: SocketSink;
  /** Reports whether an acknowledged message reached its recipient's socket. */
  readonly ack: (conn: ConnId, ok: boolean) => void;
  readonly tap?: TrafficTap;
  readonly relay?: Relay;
}

export interface PipelineParts {
  readonly initial: State;
  readonly step: StepFn;
  readonly clock: () => number;
  readonly log: (event: LogEvent) => void;
  readonly maxLineLength: number;
  /** Put before every connection id (`n2.` makes `n2.c7`), so the ids of a cluster's workers differ. */
  readonly connPrefix?: string;
  readonly sink: Pick<SinkOptions, 'maxSendQueue' | 'maxSendQueueOf' | 'closeGraceMs' | 'sendTimeoutMs'>;
  /** Delivers outbound messages: builds the router over the sink. */
  readonly router: (parts: RouterParts) => (sent: Sent) => void;
  /** Counts lines in, closes and lines the rate limit delays, for the metrics. */
  readonly stats?: ServerStats;
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

/** The pipeline is a driver too: acquired before the edges that feed it, released (stopped) after them. */
export interface Pipeline extends Driver {
  /** The state after each command, and the current one (`state$.value`). */
  readonly state$: StateObservable<State>;
  /** Starts handling: every driver's connections and commands in, every effect out through its driver. Once. */
  run(drivers: readonly Driver[]): void;
  /** Effects still under way; zero when the server has nothing left to finish. */
  pending(): number;
  /** Counts of what the server holds, to check that nothing leaks (see SIGUSR2 in streams/cli/server.ts). */
  holdings(): Holdings;
  /** Stops taking connections, closes every connection, and waits (briefly) for running effects and for the sockets to go. */
  close(): Promise<void>;
}

/** What the metrics learn from a command and the state it left: lines in (and how many the rate limit queued for later), a close. */
function count(stats: ServerStats, command: Command, after: State): void {
  if (command.kind === 'line' || command.kind === 'lines') {
    const lines = command.kind === 'line' ? 1 : command.texts.length;
    stats.linesIn += lines;
    // this command's lines that wait for the rate are the last in the queue, with its time
    const queue = after.conns.get(command.conn)?.queue;
    for (let i = 1; queue && i <= Math.min(lines, queue.size); i++) {
      const queued = queue.get(queue.size - i)!;
      if (queued.at !== command.at) break;
      if (queued.notBefore !== undefined && queued.notBefore > command.at) stats.rateLimitDelays++;
    }
  } else if (command.kind === 'inputEnded') stats.clientEnds(command.conn);
  else if (command.kind === 'closed') stats.closed(command.conn, command.cause);
}

/** Logs an event; a logger that throws costs at most the connection the event is about. */
function guardedLog(log: (event: LogEvent) => void, destroy: (conn: ConnId) => void): (event: LogEvent) => void {
  return (event) => {
    try {
      log(event);
    } catch (error) {
      const conn = typeof event.conn === 'string' ? event.conn : undefined;
      if (conn) destroy(conn);
      const report = `logging ${event.event} failed${conn ? `, closing ${conn}` : ''}: ${(error as Error).stack ?? String(error)}\n`;
      try {
        log({ level: 'error', event: 'logFailed', msg: `logging ${event.event} failed${conn ? `, closing ${conn}` : ''}: ${String(error)}`, conn, stack: (error as Error).stack });
      } catch {
        process.stderr.write(report);
      }
    }
  };
}

/** Runs effects through their drivers: an edge effect at once; any other later, its result (or failure) back into `results$`. */
function effectRunner(wiring: Wiring, results$: Subject<Command>, clock: () => number, log: (event: LogEvent) => void) {
  let inFlight = 0;
  let settled: (() => void) | undefined;
  const run = (e: Effect) => {
    const handler = wiring.handler(e.kind);
    // an edge effect no driver runs is one this server has no edge for (no cluster: no names to release)
    if (runsAtOnce(e)) {
      try {
        handler?.(e);
      } catch (error) {
        log({ level: 'error', event: 'bug', msg: `running ${e.kind} failed: ${String(error)}`, stack: (error as Error).stack });
      }
      return;
    }
    inFlight++;
    void Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`no driver runs ${e.kind} effects`);
        return handler(e) as Promise<Omit<Command, 'at'>>;
      })
      .catch((error: unknown) => {
        log({ level: 'error', event: 'effectFailed', msg: `${e.kind} for ${e.conn} failed: ${String(error)}`, conn: e.conn, stack: (error as Error).stack });
        return failedResult(e);
      })
      .then((result) => {
        inFlight--;
        results$.next({ ...result, at: clock() } as Command);
        if (inFlight === 0) settled?.();
      });
  };
  /** Resolves once no effect is under way, or after `ms`, whichever comes first. */
  const drained = (ms: number) => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => {
    settled = resolve;
    setTimeout(resolve, ms).unref();
  }));
  return { run, drained, pending: () => inFlight };
}

/** step over the commands; a step that throws (it is total by design) keeps the last state and goes on. */
function transitions(command$: Observable<Command>, parts: PipelineParts, log: (event: LogEvent) => void): Observable<Step> {
  const start: Step = { state: parts.initial, out: [], effects: [], log: [] };
  return command$.pipe(
    scan((previous: Step, command: Command): Step => {
      try {
        const next = parts.step(previous.state, command);
        if (parts.stats) count(parts.stats, command, next.state);
        return next;
      } catch (error) {
        log({ level: 'error', event: 'bug', msg: `step failed on ${command.kind}: ${String(error)}`, stack: (error as Error).stack });
        return { ...start, state: previous.state };
      }
    }, start),
    share(),
  );
}

/** The pipeline's own edges (the sink, read control, timers), wired up with the server's drivers. */
function assemble(parts: PipelineParts, drivers: readonly Driver[]) {
  const intake = new Intake();
  // the sink tells the taps of each close it starts; they are known once everything is wired
  const observer = { closing: (conn: ConnId) => wiring.tap?.closing(conn) };
  const sink = new SocketSink({ ...parts.sink, log: parts.log, observer, ...(parts.stats ? { stats: parts.stats } : {}) });
  const sockets = socketsDriver(sink, parts.clock);
  const own = [sockets, readControlDriver(intake), timersDriver(parts.clock)];
  const wiring = wire([...own, ...drivers]);
  const route = parts.router({ sink, ack: sockets.ack, ...(wiring.tap ? { tap: wiring.tap } : {}), ...(wiring.relay ? { relay: wiring.relay } : {}) });
  return { sink, intake, sockets, own, wiring, route };
}

export function createPipeline(parts: PipelineParts): Pipeline {
  const { clock } = parts;
  const stop$ = new Subject<void>();
  const states$ = new Subject<State>();
  const state$ = new StateObservable(states$, parts.initial);
  const results$ = new Subject<Command>();
  let running: (ReturnType<typeof assemble> & { effects: ReturnType<typeof effectRunner> }) | undefined;
  let nextId = 0;
  let subscriptions = 0;
  let gone: (() => void) | undefined;

  function run(drivers: readonly Driver[]): void {
    if (running) throw new Error('the pipeline runs already');
    const edges = drivers.filter((driver) => driver !== pipeline);
    const assembled = assemble(parts, edges);
    const { sink, intake, own, wiring } = assembled;
    const log = guardedLog(parts.log, (conn) => sink.destroy(conn));
    const effects = effectRunner(wiring, results$, clock, log);
    running = { ...assembled, effects };

    const connectionCommands = ({ socket, remote, listener, dialled, admitted, transport }: Connection): Observable<Command> => {
      const conn: ConnId = `${parts.connPrefix ?? ''}c${++nextId}`;
      admitted?.bind(conn);
      sink.add(conn, socket);
      subscriptions++;
      const command$ = commandsOf({ conn, socket, remote, listener, dialled, transport, maxLineLength: parts.maxLineLength, clock, intake }).pipe(
        finalize(() => {
          subscriptions--;
          wiring.forget(conn);
          if (subscriptions === 0) gone?.();
        }),
      );
      return wiring.tap ? command$.pipe(tap((command) => wiring.tap!.command(command))) : command$;
    };

    const connection$ = merge(...edges.flatMap((driver) => (driver.connection$ ? [driver.connection$] : [])));
    // Whatever an edge feeds in (effect results, write acknowledgements, timers, other nodes) re-enters through
    // one scheduler hop, never synchronously from inside a subscriber, so a command is fully handled before the next.
    const command$ = merge(
      connection$.pipe(takeUntil(stop$), mergeMap(connectionCommands)),
      results$.pipe(observeOn(asapScheduler)),
      ...own.flatMap((driver) => (driver.commands$ ? [driver.commands$.pipe(observeOn(asapScheduler))] : [])),
      ...edges.flatMap((driver) => (driver.commands$ ? [driver.commands$.pipe(takeUntil(stop$), observeOn(asapScheduler))] : [])),
    );

    const route = (sent: Sent) => {
      try {
        assembled.route(sent);
      } catch (error) {
        log({ level: 'error', event: 'bug', msg: `routing a ${sent.msg.kind} message failed: ${String(error)}`, stack: (error as Error).stack });
      }
    };
    // The order of work for each transition: log it, write it, then run its effects (so a `close` effect
    // comes after the last line written to that connection).
    transitions(command$, parts, log).subscribe((t) => {
      states$.next(t.state);
      for (const event of t.log) log(event);
      for (const sent of t.out) route(sent);
      for (const e of t.effects) effects.run(e);
    });
  }

  const pipeline: Pipeline = {
    name: 'pipeline',
    state$,
    run,
    pending: () => running?.effects.pending() ?? 0,
    holdings: () => {
      const state = state$.value;
      const counts = { sockets: 0, backlogged: 0, readers: 0, timers: 0, ...running?.wiring.counts() };
      return {
        connections: state.conns.size, online: state.online.size, loginFailures: state.loginFailures.size,
        sockets: counts.sockets, backlogged: counts.backlogged, readers: counts.readers, timers: counts.timers,
        subscriptions, effects: running?.effects.pending() ?? 0,
      };
    },
    async close() {
      stop$.next();
      if (!running) return;
      await running.sockets.close();
      // let database writes under way land before the store closes; bounded, so a stuck effect cannot hang shutdown
      await running.effects.drained(parts.sink.closeGraceMs);
      // every socket is gone once the sink's grace ran out: then the listeners, already closed, have finished too
      if (subscriptions > 0) {
        await new Promise<void>((resolve) => {
          gone = resolve;
          setTimeout(resolve, parts.sink.closeGraceMs * 2).unref();
        });
      }
    },
  };
  return pipeline;
}
