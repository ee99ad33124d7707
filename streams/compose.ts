// The composition root: the one place the pure core, the dialects and the pipeline are put together.
// `npm start`, the in-process replay and the tests all build their server here; the edges plug in as drivers.
import { heldUsers } from '../src/core/cluster.js';
import { DIALECTS, initialState, step } from '../src/server-step.js';
import type { Limits } from '../src/config/limits.js';
import { isServer } from '../src/core/flow.js';
import type { CoreLimits } from '../src/core/state.js';
import type { Federation } from '../src/server-step.js';
import type { LogEvent, LogLevel } from '../src/core/types.js';
import type { Backplane } from './cluster/backplane.js';
import { createPipeline, type Pipeline } from './pipeline.js';
import { createRouter } from './router.js';
import type { ServerStats } from './ops/stats.js';
import type { Store } from './services/store.js';

export interface ServerParts {
  /** Where the accounts and channels the server starts with are loaded from. */
  readonly store: Store;
  readonly log: (event: LogEvent) => void;
  readonly maxUsers: number;
  readonly limits: Limits;
  readonly federation?: Federation;
  readonly clock?: () => number;
  /** Counts for the metrics endpoint. */
  readonly stats?: ServerStats;
  /** The backplane, when this server is one node of a cluster: the users online on every node when it starts. */
  readonly cluster?: Backplane;
  /** Before every connection id (a worker's `n2.`), so ids are unique across the workers sharing one log. */
  readonly connPrefix?: string;
  /** The log's level (LOG_LEVEL): the core builds no event below it. Every event when unset. */
  readonly logLevel?: string;
}

/** The limits the pure core enforces, from the configured ones (0 turns the rate limit and the login timeout off). */
export function coreLimits(maxUsers: number, limits: Limits): CoreLimits {
  return {
    maxUsers,
    maxQueued: limits.maxQueued,
    maxLineLength: limits.maxLineLength,
    ...(limits.rateLimit > 0 ? { rate: { perSecond: limits.rateLimit, burst: limits.rateBurst, floodMs: limits.floodSeconds * 1000 } } : {}),
    // a link's burst: 5 s of its rate, as a client's default burst is
    ...(limits.linkRateLimit > 0 ? { serverRate: { perSecond: limits.linkRateLimit, burst: limits.linkRateLimit * 5, floodMs: limits.floodSeconds * 1000 } } : {}),
    ...(limits.loginTimeout > 0 ? { loginTimeoutMs: limits.loginTimeout * 1000 } : {}),
    ...(limits.loginDelayMs > 0 ? {
      loginThrottle: { freePerAccount: limits.loginFreeFailures, freePerAddress: limits.loginFreePerAddress, delayMs: limits.loginDelayMs, maxDelayMs: limits.loginMaxDelayMs },
    } : {}),
    quotas: { channelsPerUser: limits.maxChannelsPerUser, channels: limits.maxChannels, registerPerHour: limits.registerPerHour },
  };
}

/** The lowest level of event the core builds for a configured LOG_LEVEL (trace and debug: every event). */
function coreLogLevel(level: string | undefined): { logLevel?: LogLevel } {
  switch (level) {
    case 'info':
    case 'warn':
    case 'error':
      return { logLevel: level };
    case 'fatal':
    case 'silent':
      return { logLevel: 'error' };
    default:
      return {};
  }
}

/** The server's pipeline, from what the store and the cluster hold now; it runs once given its drivers. */
export async function composeServer({ store, log, maxUsers, limits, federation, clock = Date.now, stats, cluster, connPrefix, logLevel }: ServerParts): Promise<Pipeline> {
  const initial = initialState({ ...coreLimits(maxUsers, limits), ...coreLogLevel(logLevel) }, await store.load(), federation, cluster ? { node: cluster.node, users: await cluster.users() } : undefined);
  const pipeline = createPipeline({
    initial,
    step,
    clock,
    log,
    // framed up to the longest line any dialect allows (a federation link's); each dialect's limit is applied in the core
    maxLineLength: limits.maxLineLength + DIALECTS.maxLineSlack,
    ...(connPrefix ? { connPrefix } : {}),
    sink: {
      maxSendQueue: limits.maxSendQueue, closeGraceMs: limits.closeGraceMs, sendTimeoutMs: limits.sendTimeoutMs,
      // another server's connection carries a whole server's traffic
      maxSendQueueOf: (conn, state) => { const c = state.conns.get(conn); return c && isServer(c) ? limits.linkMaxSendQueue : limits.maxSendQueue; },
    },
    router: ({ sink, ack, tap, relay }) => createRouter({
      registry: DIALECTS,
      sink,
      ack,
      ...(tap ? { tap } : {}),
      ...(relay ? { relay } : {}),
      ...(stats ? { stats } : {}),
    }),
    ...(stats ? { stats } : {}),
  });
  // the users this node holds, for the backplane to claim again after its lease lapsed
  cluster?.holding(() => heldUsers(pipeline.state$.value));
  return pipeline;
}
