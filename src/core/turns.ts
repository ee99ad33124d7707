// Whose turn it is on a connection: its lines are handled one at a time, in the order they arrived. A line
// waits while the connection waits on an effect (bcrypt, the disk, a delivery), or until the rate limit lets
// it through; the queue it waits in is bounded by flow control (src/core/flow.ts), never by dropping.
import { chain, effect, foldSteps, join, none, note, type Step } from './steps.js';
import type { Ctx, DialectRules } from './dispatch.js';
import { flowControl, loggedIn } from './flow.js';
import { charge, rateOf, reportExcess, type RateLimit } from './rate-limit.js';
import { logOut } from './presence.js';
import { dequeued, NO_QUEUE, updateConn, withConn, type Conn, type QueuedInput, type State } from './state.js';
import type { Command, ConnId } from './types.js';

export interface TurnParts {
  /** Handles one line now (the connection waits on nothing); `text` is undefined for a line over the limit. */
  readonly handle: (state: State, conn: ConnId, text: string | undefined, now: number) => Step;
  /** Closes a connection whose input ended, once it has nothing left to answer. */
  readonly finishIfDone: (state: State, conn: ConnId) => Step;
  /** The connection's dialect's rules, once it has one. */
  readonly rulesOf: (conn: Conn) => DialectRules | undefined;
}

export interface Turns {
  /** A line arrives (`text` undefined: one over the limit): charged against the rate, then handled now or queued behind what came before. */
  arrive(state: State, conn: ConnId, text: string | undefined, at: number): Step;
  /** The lines of one read arrive: the same as each arriving in turn, in one step. */
  arriveAll(state: State, conn: ConnId, texts: readonly string[], at: number): Step;
  /** Handles the queued lines whose turn has come, as of `now`. */
  pump(state: State, conn: ConnId, now: number): Step;
  /** The connection's timer fired: its login deadline, or a delayed line's turn. */
  woke(state: State, command: Extract<Command, { kind: 'timer' }>): Step;
}

export function createTurns({ handle, finishIfDone, rulesOf }: TurnParts): Turns {
  function arrive(state: State, id: ConnId, text: string | undefined, at: number): Step {
    const conn = state.conns.get(id);
    if (!conn || conn.closing) return none(state);
    // another server's connection carries a whole server's lines: it has a rate of its own
    const limit = rateOf(state, conn);
    let current = conn;
    let notBefore = at;
    let report: Step | undefined;
    if (limit) {
      const charged = charge(conn.meter, at, limit);
      if (charged.flooding) return flooded(rulesOf(conn), state, conn, at, limit);
      current = { ...conn, meter: charged.meter };
      notBefore = charged.notBefore;
      report = reportExcess(withConn(state, current), id, at);
      current = report.state.conns.get(id)!;
    }
    const base = report ? report.state : state;
    // empty lines are ignored unless the dialect answers them; they are charged all the same, so a flood of them is slowed too
    if (text === '' && !rulesOf(conn)?.answersEmptyLines) return after(report, flowControl(base, id, at));
    if (!current.waiting && !current.paused && current.queue.size === 0 && notBefore <= at) {
      const handled = handle(base, id, text, at);
      // a handler that handed its line back to wait (retryAt) needs the timer for it
      const left = handled.state.conns.get(id);
      return left && left.queue.size > 0 ? after(report, handled, flowControl(handled.state, id, at)) : after(report, handled);
    }
    const line: QueuedInput = text === undefined ? { kind: 'tooLong', conn: id, at } : { kind: 'line', conn: id, text, at };
    const queued = withConn(base, { ...current, queue: current.queue.push(notBefore > at ? { ...line, notBefore } : line) });
    return after(report, pump(queued, id, at));
  }

  function arriveAll(state: State, id: ConnId, texts: readonly string[], at: number): Step {
    return texts.length === 1 ? arrive(state, id, texts[0], at) : foldSteps(state, texts, (s, text) => arrive(s, id, text, at));
  }

  function pump(state: State, id: ConnId, now: number): Step {
    const waited = state.conns.get(id);
    // the login deadline passed while the connection waited on an effect (a REGISTER's hash): that answer came first
    if (waited && pastLoginDeadline(waited, now)) return loginTimedOut(rulesOf(waited), state, waited, now);
    const steps: Step[] = [];
    let current = state;
    for (;;) {
      const conn = current.conns.get(id);
      if (!conn || conn.waiting || conn.closing) break;
      const next = conn.queue.first();
      if (next === undefined) {
        steps.push(finishIfDone(current, id));
        current = steps[steps.length - 1].state;
        break;
      }
      if (next.notBefore !== undefined && next.notBefore > now) break;
      const taken = handle(withConn(current, { ...conn, queue: dequeued(conn.queue) }), id, next.kind === 'line' ? next.text : undefined, now);
      steps.push(taken);
      current = taken.state;
    }
    steps.push(flowControl(current, id, now));
    return join(steps, steps[steps.length - 1].state);
  }

  function woke(state: State, { conn: id, at }: Extract<Command, { kind: 'timer' }>): Step {
    const conn = state.conns.get(id);
    if (!conn) return none(state);
    // the timer fires at or after the time it was set for, whatever the clock that reports it says
    const now = Math.max(at, conn.timerAt ?? at);
    return pump(updateConn(state, id, { timerAt: undefined }), id, now);
  }

  return { arrive, arriveAll, pump, woke };
}

// over its rate for longer than CHAT_FLOOD_SECONDS: the dialect's error (if it has one), then close
function flooded(rules: DialectRules | undefined, state: State, conn: Conn, at: number, limit: RateLimit): Step {
  return chain(state,
    (s) => reportExcess(s, conn.id, at, true),
    (s) => note(updateConn(s, conn.id, { closing: 'flooded', queue: NO_QUEUE }), 'warn', 'flooded',
      `disconnected ${conn.id} from ${conn.remote.address}: over ${limit.perSecond} lines a second for ${Math.round(limit.floodMs / 1000)} s`,
      { conn: conn.id, user: conn.user, remote: conn.remote }),
    (s) => (rules ? rules.flooded({ state: s, conn, args: [], at }) : none(s)),
    (s) => logOut(s, conn.id, 'lost'),
    (s) => effect(s, { kind: 'close', conn: conn.id }),
  );
}

// nobody logged in within CHAT_LOGIN_TIMEOUT: the dialect's notice (if it has one), then close
function loginTimedOut(rules: DialectRules | undefined, state: State, conn: Conn, at: number): Step {
  return chain(updateConn(state, conn.id, { closing: 'timedOut', queue: NO_QUEUE }),
    (s) => note(s, 'info', 'loginTimeout', `closing ${conn.id} from ${conn.remote.address}:${conn.remote.port}: no login within ${Math.round(s.limits.loginTimeoutMs! / 1000)} s`,
      { conn: conn.id, remote: conn.remote }),
    (s) => (rules ? rules.loginTimedOut({ state: s, conn, args: [], at }) : none(s)),
    (s) => effect(s, { kind: 'close', conn: conn.id }),
  );
}

/**
 * Nobody logged in on it by its deadline, and it waits on nothing: a connection waiting on an effect at the deadline
 * (a REGISTER's hash) gets its answer first, and is closed once it comes (every request gets one answer).
 */
function pastLoginDeadline(conn: Conn, now: number): boolean {
  return !loggedIn(conn) && conn.loginBy !== undefined && now >= conn.loginBy && !conn.closing && !conn.waiting;
}

/** What a line's rate report (if any) and its handling produced, in order; no copy when there is no report. */
function after(report: Step | undefined, ...steps: Step[]): Step {
  return report ? join([report, ...steps]) : steps.length === 1 ? steps[0] : join(steps);
}

/** Hands the line being handled back to the head of its connection's queue, to be handled again at `until`. */
export function retryAt({ state, conn, text, at }: Ctx, until: number): Step {
  const current = state.conns.get(conn.id);
  if (!current || text === undefined) return none(state);
  return none(withConn(state, { ...current, queue: current.queue.unshift({ kind: 'line', conn: conn.id, text, at, notBefore: until }) }));
}
