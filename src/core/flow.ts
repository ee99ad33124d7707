// Flow control: when to read a connection's socket, and when to look at the connection again. Its socket is
// not read while it has queued more than it may (TCP pushes back on the client; no line is dropped) or while
// it is over its rate; one timer per connection wakes the core for the next thing due on it.
import { chain, effect, none, note, type Step } from './steps.js';
import { paidAt, rateOf } from './rate-limit.js';
import { updateConn, type Conn, type State } from './state.js';
import type { ConnId } from './types.js';

/** Pauses or resumes reading `id`'s socket and sets its timer, as its state at `now` requires. */
export function flowControl(state: State, id: ConnId, now: number): Step {
  const conn = state.conns.get(id);
  if (!conn || conn.closing) return none(state);
  const max = state.limits.maxQueued;
  const size = conn.queue.size;
  const rate = rateOf(state, conn);
  const debtPaid = rate && paidAt(conn.meter, rate);
  const over = debtPaid !== undefined && debtPaid > now;
  // hysteresis: paused at the limit, read again at half, so a busy client is not paused and resumed per line
  const paused = over || size >= max || (conn.paused === true && size > max / 2);
  const due = earliest(now, conn.waiting ? undefined : conn.queue.first()?.notBefore, over ? debtPaid : undefined,
    loggedIn(conn) ? undefined : conn.loginBy);

  const steps: Array<(s: State) => Step> = [];
  if (paused !== (conn.paused === true)) {
    steps.push(
      (s) => effect(updateConn(s, id, { paused }), { kind: paused ? 'pause' : 'resume', conn: id }),
      (s) => note(s, 'debug', paused ? 'paused' : 'resumed', `${paused ? 'stopped' : 'started'} reading ${id}: ${size} lines queued`, { conn: id, queued: size }),
    );
  }
  // one timer a connection: set it only when something falls due before the one already set
  if (due !== undefined && (conn.timerAt === undefined || due < conn.timerAt)) {
    steps.push((s) => effect(updateConn(s, id, { timerAt: due }), { kind: 'timer', conn: id, at: due }));
  }
  return steps.length ? chain(state, ...steps) : none(state);
}

function earliest(now: number, ...times: Array<number | undefined>): number | undefined {
  let first: number | undefined;
  for (const time of times) if (time !== undefined && time > now && (first === undefined || time < first)) first = time;
  return first;
}

/** A connection to another server (opened by us, or registered as one): it carries a whole server's lines. */
export function isServer(conn: Conn): boolean {
  return conn.registered !== undefined;
}

/** A user logged in on it, or it is another server's: the login timeout is over for it. */
export function loggedIn(conn: Conn): boolean {
  return conn.user !== undefined || isServer(conn);
}
