// step(state, command): the whole server as a pure function. Total: bad input becomes a reply and a log line.
import { DEFAULT_LIMITS } from '../config/limits.js';
import { accountStored, channelStored, passwordChecked, passwordHashed } from '../dialects/channels/results.js';
import { detectDialect } from '../dialects/detect.js';
import { delivered, refuseAndClose } from '../dialects/direct/handlers.js';
import { ENCODERS, RULES } from '../dialects/index.js';
import { andThen, chain, effect, none, note, type Step } from './build.js';
import { dispatch } from './dispatch.js';
import { logOut } from './presence.js';
import { updateConn, withConn, withoutMapEntry, type Conn, type State } from './state.js';
import type { Command, ConnId, Effect, LogEvent, Outbound, Write } from './types.js';

export interface Transition {
  readonly state: State;
  readonly out: readonly Write[];
  readonly effects: readonly Effect[];
  readonly log: readonly LogEvent[];
}

export function step(state: State, command: Command): Transition {
  const result = handle(state, command);
  return { state: result.state, out: render(result.state, result.out), effects: result.effects, log: result.log };
}

function handle(state: State, command: Command): Step {
  switch (command.kind) {
    case 'connected': {
      const { conn, remote, listener } = command;
      const fixed = listener === 'auto' ? {} : { dialect: listener };
      return chain(withConn(state, { id: conn, remote, listener, waiting: false, queue: [], ...fixed }),
        (s) => note(s, 'info', 'connection', `connection ${conn} from ${remote.address}:${remote.port}`, { conn, remote }),
      );
    }
    case 'line':
    case 'tooLong':
      return input(state, command);
    case 'inputEnded':
      return finishIfDone(updateConn(state, command.conn, { inputEnded: true }), command.conn);
    case 'closed':
      return closed(state, command.conn, command.cause);
    case 'delivered':
      return resume(state, command.conn, (s) => delivered(s, command.conn, command.ok));
    case 'passwordHashed':
      return passwordHashed(state, command);
    case 'accountStored':
      return resume(state, command.conn, (s) => accountStored(s, command));
    case 'passwordChecked':
      return resume(state, command.conn, (s) => passwordChecked(s, command));
    case 'channelStored':
      return resume(state, command.conn, (s) => channelStored(s, command));
  }
}

/** A line (or an over-long one) from a connection: queued while it waits, else dispatched. */
function input(state: State, command: Extract<Command, { kind: 'line' | 'tooLong' }>): Step {
  const conn = state.conns.get(command.conn);
  // every dialect ignores empty lines
  if (!conn || conn.closing || (command.kind === 'line' && command.text === '')) return none(state);
  if (conn.waiting) {
    if (conn.queue.length < (state.limits.maxQueued ?? DEFAULT_LIMITS.maxQueued)) return none(withConn(state, { ...conn, queue: [...conn.queue, command] }));
    return chain(state,
      (s) => note(s, 'warn', 'overloaded', `dropped a line from ${conn.id}: too many sent while it waited`, { conn: conn.id }),
      (s) => (conn.dialect ? RULES[conn.dialect].overloaded({ state: s, conn, args: [], at: command.at }) : none(s)),
    );
  }
  const dialect = conn.dialect ?? (command.kind === 'line' ? detectDialect(command.text) : undefined);
  if (!dialect) {
    // auto: a first line no dialect knows gets the direct dialect's answer, the only one the specs define
    return chain(withConn(state, { ...conn, dialect: 'direct' }),
      (s) => note(s, 'info', 'unknownDialect', 'first line matches no dialect', { conn: conn.id }),
      (s) => refuseAndClose(s, conn.id, 'BAD-RQST-HDR'),
    );
  }
  const current = conn.dialect ? conn : { ...conn, dialect };
  const next = current === conn ? state : withConn(state, current);
  const rules = RULES[dialect];
  return command.kind === 'line'
    ? dispatch(rules, next, current, command.text, command.at)
    : rules.tooLong({ state: next, conn: current, args: [], at: command.at });
}

/** An effect this connection waited on came back: handle it, then the input that queued meanwhile. */
function resume(state: State, connId: ConnId, handleResult: (state: State) => Step): Step {
  let result = handleResult(updateConn(state, connId, { waiting: false }));
  for (;;) {
    const conn = result.state.conns.get(connId);
    if (!conn || conn.waiting) return result;
    if (conn.queue.length === 0) return andThen(result, (s) => finishIfDone(s, connId));
    const [next, ...rest] = conn.queue;
    result = andThen(result, (s) => input(updateConn(s, connId, { queue: rest }), next as Extract<Command, { kind: 'line' | 'tooLong' }>));
  }
}

/** A connection whose input ended is closed once it waits on nothing and has nothing queued. */
function finishIfDone(state: State, connId: ConnId): Step {
  const conn = state.conns.get(connId);
  if (!conn?.inputEnded || conn.closing || conn.waiting || conn.queue.length > 0) return none(state);
  return chain(updateConn(state, connId, { closing: 'finished' }),
    (s) => logOut(s, connId, leaveHow(conn, 'ended')),
    (s) => effect(s, { type: 'close', conn: connId }),
  );
}

// messenger users leave with QUIT; elsewhere closing the socket cleanly is the way to leave
function leaveHow(conn: Conn, cause: 'ended' | 'error'): 'quit' | 'lost' {
  return conn.closing === 'quit' || (conn.dialect !== 'messenger' && cause === 'ended') ? 'quit' : 'lost';
}

function closed(state: State, connId: ConnId, cause: 'ended' | 'error'): Step {
  const conn = state.conns.get(connId);
  if (!conn) return none(state);
  return chain(state,
    (s) => logOut(s, connId, leaveHow(conn, cause)),
    (s) => none({ ...s, conns: withoutMapEntry(s.conns, connId) }),
    (s) => note(s, 'info', 'disconnect', `connection ${connId} from ${conn.remote.address}:${conn.remote.port} ${cause === 'ended' ? 'closed' : 'dropped (reset or error)'}`,
      { conn: connId, user: conn.user, cause, remote: conn.remote }),
  );
}

/** Encodes each outbound message once per dialect and addresses it to each live connection. */
function render(state: State, out: readonly Outbound[]): Write[] {
  const writes: Write[] = [];
  for (const { to, msg, ack } of out) {
    const lines = new Map<string, string | undefined>();
    for (const id of to) {
      const conn: Conn | undefined = state.conns.get(id);
      if (!conn?.dialect) continue;
      if (!lines.has(conn.dialect)) lines.set(conn.dialect, ENCODERS[conn.dialect](msg));
      const line = lines.get(conn.dialect);
      if (line !== undefined) writes.push(ack ? { conn: id, line, ack } : { conn: id, line });
    }
  }
  return writes;
}
