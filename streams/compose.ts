// The composition root: the one place the pure core, the dialects and the edges are put together.
// `npm start`, the in-process replay and the tests all build their server here.
import { map, Observable, Subject } from 'rxjs';
import { heldUsers } from '../src/core/cluster.js';
import { DIALECTS, initialState, step } from '../src/server-step.js';
import type { Limits } from '../src/config/limits.js';
import { isServer } from '../src/core/flow.js';
import type { Limits as CoreLimits, State } from '../src/core/state.js';
import type { Federation } from '../src/server-step.js';
import type { Sent } from '../src/core/steps.js';
import type { ClusterEvent, Command, LogEvent, RemoteAck } from '../src/core/types.js';
import type { Backplane } from './cluster/backplane.js';
import { effectRunner } from './services/effects.js';
import type { Hasher } from './services/hasher.js';
import { startPipeline, type Connection, type Pipeline } from './pipeline.js';
import { createRouter } from './router.js';
import type { Recorder } from './ops/recorder.js';
import { SocketSink } from './net/sink.js';
import type { ServerStats } from './ops/stats.js';
import type { Store } from './services/store.js';

export interface ServerParts {
  readonly connection$: Observable<Connection>;
  readonly store: Store;
  readonly hasher: Hasher;
  readonly log: (event: LogEvent) => void;
  readonly maxUsers: number;
  readonly limits: Limits;
  readonly federation?: Federation;
  readonly clock?: () => number;
  /** Learns the state after each command. */
  readonly states?: { next(state: State): void };
  /** Writes the traffic in the recording format (--record). */
  readonly recorder?: Recorder;
  /** Counts for the metrics endpoint. */
  readonly stats?: ServerStats;
  /** The backplane, when this server is one node of a cluster (its store is then the backplane's). */
  readonly cluster?: Backplane;
  /** Before every connection id (a worker's `n2.`), so ids are unique across the workers sharing one log. */
  readonly connPrefix?: string;
}

/** The limits the pure core enforces, from the configured ones (0 turns the rate limit and the login timeout off). */
export function coreLimits(maxUsers: number, limits: Limits): CoreLimits {
  return {
    maxUsers,
    maxQueued: limits.maxQueued,
    maxLineLength: limits.maxLineLength,
    ...(limits.rateLimit > 0 ? { rate: { perSecond: limits.rateLimit, burst: limits.rateBurst, floodMs: limits.floodSeconds * 1000 } } : {}),
    ...(limits.loginTimeout > 0 ? { loginTimeoutMs: limits.loginTimeout * 1000 } : {}),
    ...(limits.loginDelayMs > 0 ? {
      loginThrottle: { freePerAccount: limits.loginFreeFailures, freePerAddress: limits.loginFreePerAddress, delayMs: limits.loginDelayMs, maxDelayMs: limits.loginMaxDelayMs },
    } : {}),
  };
}

export async function composeServer({ connection$, store, hasher, log, maxUsers, limits, federation, clock = Date.now, states, recorder, stats, cluster, connPrefix }: ServerParts): Promise<Pipeline> {
  const feedback$ = new Subject<Command>();
  const sink = new SocketSink({ maxSendQueue: limits.maxSendQueue, closeGraceMs: limits.closeGraceMs, sendTimeoutMs: limits.sendTimeoutMs, log, ...(recorder ? { observer: recorder } : {}), ...(stats ? { stats } : {}) });
  const route = createRouter({
    registry: DIALECTS,
    sink,
    ack: (conn, ok) => feedback$.next({ kind: 'delivered', conn, ok, at: clock() }),
    // another server's connection carries a whole server's traffic
    maxSendQueue: (conn, state) => { const c = state.conns.get(conn); return c && isServer(c) ? limits.linkMaxSendQueue : limits.maxSendQueue; },
    ...(recorder ? { onLine: (conn: string, line: string) => recorder.wrote(conn, line) } : {}),
    ...(stats ? { stats } : {}),
    ...(cluster ? { forward: (sent: Sent) => cluster.forward(sent), remoteAck: (to: RemoteAck, ok: boolean) => cluster.acked(to, ok) } : {}),
  });
  const initial = initialState(coreLimits(maxUsers, limits), await store.load(), federation, cluster ? { node: cluster.node, users: await cluster.users() } : undefined);
  let latest = initial;
  cluster?.holding(() => heldUsers(latest));
  return startPipeline(connection$, {
    initial,
    step,
    sink,
    route,
    feedback$,
    clock,
    runEffect: effectRunner(store, hasher, cluster),
    log,
    // framed up to the longest line any dialect allows (a federation link's); each dialect's limit is applied in the core
    maxLineLength: limits.maxLineLength + DIALECTS.maxLineSlack,
    closeGraceMs: limits.closeGraceMs,
    ...(connPrefix ? { connPrefix } : {}),
    states: { next(state) { latest = state; states?.next(state); } },
    ...(stats ? { stats } : {}),
    ...(cluster ? {
      events$: cluster.event$.pipe(map((event): Command => ({ kind: 'cluster', event, at: clock() }))),
      releaseName: (user: string, how: 'quit' | 'lost') => cluster.release(user, how),
      announce: (event: ClusterEvent, node?: string) => cluster.announce(event, node),
    } : {}),
    ...(recorder ? { onSocketCommand: (command: Command) => recorder.command(command) } : {}),
  });
}
