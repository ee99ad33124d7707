// step(state, command): the whole server as a pure function. Total: bad input becomes a reply and a log line.
import { chain, effect, foldSteps, join, none, note, type Step } from './steps.js';
import type { DialectModule, Registry } from './dialect.js';
import { dispatch, shownVerb, type Ctx } from './dispatch.js';
import { flowControl } from './flow.js';
import { reportExcess } from './rate-limit.js';
import { applyClusterEvent, nodeGone } from './cluster.js';
import { tellHoldings } from './cluster-groups.js';
import { logOut, release } from './presence.js';
import { kindOf, newConn, updateConn, withConn, withoutConn, type Conn, type State } from './state.js';
import { createTurns } from './turns.js';
import type { LeaveHow } from './messages.js';
import type { CloseCause, ClusterEvent, Command, ConnId, EffectResult } from './types.js';

export type NameClaimed = Extract<EffectResult, { kind: 'nameClaimed' }>;

/** The server: a state and a command in, the next state and what it sends, starts and logs out. */
export type StepFn = (state: State, command: Command) => Step;

type DialectOf = (conn: Conn) => DialectModule | undefined;

/** The server's step function over the dialects of `registry`. */
export function createStep(registry: Registry): StepFn {
  const dialectOf = (conn: Conn): DialectModule | undefined => (conn.dialect === undefined ? undefined : registry.dialects.get(conn.dialect));

  function handle(state: State, command: Command): Step {
    switch (command.kind) {
      case 'connected':
        return connected(registry, state, command);
      case 'line':
        return turns.arrive(state, command.conn, command.text, command.at);
      case 'lines':
        return turns.arriveAll(state, command.conn, command.texts, command.at);
      case 'tooLong':
        return turns.arrive(state, command.conn, undefined, command.at);
      case 'timer':
        return turns.woke(state, command);
      case 'inputEnded':
        return finishIfDone(updateConn(state, command.conn, { inputEnded: true }), command.conn);
      case 'closed':
        return closed(dialectOf, state, command.conn, command.cause, command.at);
      case 'cluster':
        return clusterEvent(registry, state, command.event);
      case 'clusterBatch':
        return foldSteps(state, command.events, (s, event) => clusterEvent(registry, s, event));
      case 'nameClaimed':
        return resume(state, command.conn, (s) => claimed(dialectOf, s, command), command.at);
      default: {
        const handler = registry.resultHandler(command.kind);
        if (!handler) return note(state, 'error', 'bug', `no dialect handles the effect result ${command.kind}`, { conn: command.conn });
        return resume(state, command.conn, (s) => handler(s, command), command.at);
      }
    }
  }

  /** A line (or an over-long one: `text` undefined) whose turn has come (src/core/turns.ts): dispatched to its dialect. */
  function input(state: State, id: ConnId, text: string | undefined, now: number): Step {
    const conn = state.conns.get(id);
    if (!conn || conn.closing) return none(state);
    let module = dialectOf(conn);
    let current = conn;
    if (!module) {
      // auto: the first line's verb picks the dialect; one no dialect knows gets the fallback dialect's answer
      const detected = text !== undefined ? registry.detect(text) : undefined;
      module = detected ?? registry.fallback;
      current = { ...conn, dialect: module.name, can: module.capabilities };
      if (!detected) {
        return chain(withConn(state, current),
          (s) => note(s, 'info', 'unknownDialect', 'first line matches no dialect', { conn: conn.id }),
          (s) => module!.rules.unknownVerb(ctxOf(s, current, now), text !== undefined ? shownVerb(text) : ''),
        );
      }
    }
    const next = current === conn ? state : withConn(state, current);
    // the edge frames lines up to the longest any dialect allows; each dialect's own limit is kept here
    return text === undefined || text.length > state.limits.maxLineLength + (module.lineSlack?.[kindOf(current)] ?? 0)
      ? module.rules.tooLong(ctxOf(next, current, now))
      : dispatch(module.rules, next, current, text, now);
  }

  const turns = createTurns({ handle: input, finishIfDone, rulesOf: (conn) => dialectOf(conn)?.rules });

  /**
   * An effect this connection waited on came back: handle it, then the input that queued meanwhile. A connection has
   * one effect at a time, so a result for an open connection that waits on none is not its own (an edge that reused
   * an id, a recording edited by hand): dropped, never let it log that connection in. One for a connection that closed
   * meanwhile is handled (an account stored, a name claimed, must still be known or given back).
   */
  function resume(state: State, connId: ConnId, handleResult: (state: State) => Step, now: number): Step {
    const conn = state.conns.get(connId);
    if (conn !== undefined && !conn.waiting) return note(state, 'error', 'strayResult', `an effect result came for ${connId}, which waits on none; dropped`, { conn: connId });
    const handled = handleResult(updateConn(state, connId, { waiting: false }));
    return join([handled, turns.pump(handled.state, connId, now)]);
  }

  /** A connection whose input ended is closed once it waits on nothing and has nothing queued. */
  function finishIfDone(state: State, connId: ConnId): Step {
    const conn = state.conns.get(connId);
    if (!conn?.inputEnded || conn.closing || conn.waiting || conn.queue.size > 0) return none(state);
    return chain(updateConn(state, connId, { closing: 'finished' }),
      (s) => logOut(s, connId, leaveHow(dialectOf, conn, 'ended')),
      (s) => effect(s, { kind: 'close', conn: connId }),
    );
  }

  return handle;
}

/** What another node said: a dialect's own business goes to that dialect; a node gone, to the core and then every dialect. */
function clusterEvent(registry: Registry, state: State, event: ClusterEvent): Step {
  switch (event.kind) {
    case 'dialect': {
      const onCluster = registry.dialects.get(event.dialect)?.onCluster;
      return onCluster ? onCluster(state, event.event) : note(state, 'error', 'bug', `no dialect ${event.dialect} handles its cluster events`);
    }
    case 'nodeGone':
      return chain(state, (s) => nodeGone(s, event.node), ...everyDialect(registry, (m, s) => m.onNodeGone?.(s, event.node)));
    case 'nodeJoined':
      return chain(state, (s) => tellHoldings(s, event.node), ...everyDialect(registry, (m, s) => m.onNodeJoined?.(s, event.node)));
    default:
      return applyClusterEvent(state, event);
  }
}

/** One step per dialect that has the hook, in the registry's order. */
function everyDialect(registry: Registry, hook: (module: DialectModule, state: State) => Step | undefined): Array<(state: State) => Step> {
  return [...registry.dialects.values()].map((module) => (s: State) => hook(module, s) ?? none(s));
}

function ctxOf(state: State, conn: Conn, at: number): Ctx {
  return { state, conn, args: [], at };
}

/** A socket opened: the connection is known, with its dialect when its listener fixes one, and its login deadline. */
function connected(registry: Registry, state: State, command: Extract<Command, { kind: 'connected' }>): Step {
  const { conn, remote, listener, dialled, transport, nonce } = command;
  const fixed = listener === 'auto' ? undefined : registry.dialects.get(listener);
  const fresh: Conn = {
    ...newConn(conn, remote, listener), ...(dialled ? { registered: 'outgoing' as const, outbound: true as const } : {}), ...(transport ? { transport } : {}), ...(nonce !== undefined ? { nonce } : {}),
  };
  // a connection we opened registers by itself (onDialled); every other connection must log in in time
  const loginBy = state.limits.loginTimeoutMs && !dialled ? { loginBy: command.at + state.limits.loginTimeoutMs } : {};
  const opened = fixed ? { ...fresh, ...loginBy, dialect: fixed.name, can: fixed.capabilities } : { ...fresh, ...loginBy };
  return chain(withConn(state, opened),
    (s) => note(s, 'info', 'connection', dialled ? `connection ${conn} to ${remote.address}:${remote.port}` : `connection ${conn} from ${remote.address}:${remote.port}`, { conn, remote }),
    (s) => (dialled && fixed?.onDialled ? fixed.onDialled(ctxOf(s, opened, command.at), dialled) : none(s)),
    (s) => flowControl(s, conn, command.at),
  );
}

/** The cluster answered a name claim: the connection's dialect goes on, unless it closed meanwhile. */
function claimed(dialectOf: DialectOf, state: State, result: NameClaimed): Step {
  const conn = state.conns.get(result.conn);
  const onClaimed = conn && !conn.closing ? dialectOf(conn)?.onClaimed : undefined;
  if (onClaimed) return onClaimed(ctxOf(state, conn!, result.at), result);
  // nobody is left to take the name: give it back
  if (result.outcome !== 'granted') return none(state);
  return chain(state,
    (s) => release(s, result.user, 'lost'),
    (s) => note(s, 'info', 'claimAbandoned', `${result.user}'s connection closed before the cluster granted the name`, { conn: result.conn, user: result.user }),
  );
}

// a dialect with QUIT leaves with it; in the others closing the socket cleanly is the way to leave
function leaveHow(dialectOf: DialectOf, conn: Conn, cause: CloseCause): LeaveHow {
  return conn.closing === 'quit' || (cause === 'ended' && dialectOf(conn)?.cleanCloseIsQuit !== false) ? 'quit' : 'lost';
}

function closed(dialectOf: DialectOf, state: State, connId: ConnId, cause: CloseCause, at: number): Step {
  const conn = state.conns.get(connId);
  if (!conn) return none(state);
  const module = dialectOf(conn);
  return chain(state,
    (s) => reportExcess(s, connId, at, true),
    (s) => (module?.onClosed ? module.onClosed(s, conn) : none(s)),
    (s) => logOut(s, connId, leaveHow(dialectOf, conn, cause)),
    (s) => none(withoutConn(s, connId)),
    (s) => note(s, 'info', 'disconnect', `connection ${connId} ${conn.outbound ? 'to' : 'from'} ${conn.remote.address}:${conn.remote.port} ${cause === 'ended' ? 'closed' : 'dropped (reset or error)'}`,
      { conn: connId, user: conn.user, cause, remote: conn.remote }),
  );
}
