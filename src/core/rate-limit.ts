// The per-connection rate limit: a token bucket that lines may overdraw. A line that finds no token is not
// refused: it waits until its token has refilled, and the connection is read no further meanwhile (like
// ngIRCd's penalty), so a flooder slows only itself. Pure arithmetic on the times commands carry.
import { none, note, type Step } from './steps.js';
import type { Conn, State } from './state.js';
import type { ConnId } from './types.js';

export interface RateLimit {
  /** Lines a second, sustained. */
  readonly perSecond: number;
  /** Lines that may arrive at once before the rate applies. */
  readonly burst: number;
  /** How long a connection may stay over its rate before it is disconnected. */
  readonly floodMs: number;
}

export interface Meter {
  /** Tokens at `at`; below zero, that many lines are waiting for tokens not yet refilled. */
  readonly tokens: number;
  readonly at: number;
  /** Since when the connection has been over its rate; unset once it is back under by half a burst. */
  readonly overSince?: number;
  /** Lines delayed since `reportedAt`, for the one summary log line per REPORT_MS. */
  readonly delayed: number;
  readonly reportedAt?: number;
}

/** One log line per connection per 10 s about its excess, however fast it floods. */
export const REPORT_MS = 10_000;

export function tokensAt(meter: Meter | undefined, at: number, limit: RateLimit): number {
  if (!meter) return limit.burst;
  return Math.min(limit.burst, meter.tokens + ((Math.max(at, meter.at) - meter.at) * limit.perSecond) / 1000);
}

/** When the connection's debt is paid: until then it is over its rate, and its socket is not read. */
export function paidAt(meter: Meter | undefined, limit: RateLimit): number | undefined {
  return meter && meter.tokens < 0 ? meter.at + (-meter.tokens * 1000) / limit.perSecond : undefined;
}

export interface Charged {
  readonly meter: Meter;
  /** When the line may be handled: at once, or once its token has refilled. */
  readonly notBefore: number;
  /** Over its rate for longer than it may be: the connection is to be disconnected. */
  readonly flooding: boolean;
}

/** Charges one line arriving at `at`. */
export function charge(meter: Meter | undefined, at: number, limit: RateLimit): Charged {
  const available = tokensAt(meter, at, limit);
  const tokens = available - 1;
  const delayed = tokens < 0;
  // a connection counts as back under its rate only once half a burst has refilled, so the moment its
  // debt is paid (and it is read again) does not reset the clock of a flooder that goes straight on
  const recovered = available >= limit.burst / 2;
  const overSince = delayed ? (recovered ? at : (meter?.overSince ?? at)) : recovered ? undefined : meter?.overSince;
  const next: Meter = {
    tokens,
    at: Math.max(at, meter?.at ?? at),
    delayed: (meter?.delayed ?? 0) + (delayed ? 1 : 0),
    ...(overSince === undefined ? {} : { overSince }),
    ...(meter?.reportedAt === undefined ? {} : { reportedAt: meter.reportedAt }),
  };
  return {
    meter: next,
    notBefore: delayed ? at + (-tokens * 1000) / limit.perSecond : at,
    flooding: delayed && overSince !== undefined && at - overSince >= limit.floodMs,
  };
}

/**
 * The log lines about a connection's excess, summarised: one when it first goes over its rate, then at most
 * one per REPORT_MS with the count, and a last one once it is back under (or gone, with `final`).
 */
/** The rate a connection is held to: a client's, or (for another server's connection, which carries many users) a server's. */
export function rateOf(state: State, conn: Conn): RateLimit | undefined {
  return conn.registered !== undefined ? state.limits.serverRate : state.limits.rate;
}

export function reportExcess(state: State, id: ConnId, at: number, final = false): Step {
  const conn = state.conns.get(id);
  const meter = conn?.meter;
  const limit = conn && rateOf(state, conn);
  if (!conn || !meter || !limit) return none(state);
  const over = meter.overSince !== undefined && !final;
  if (over && meter.reportedAt === undefined) {
    return note({ ...state, conns: state.conns.set(id, { ...conn, meter: { ...meter, reportedAt: at } }) }, 'warn', 'rateLimited',
      `${id} from ${conn.remote.address} sends more than ${limit.perSecond} lines a second: delaying its lines`, { conn: id, remote: conn.remote });
  }
  const due = meter.reportedAt !== undefined && (!over || at - meter.reportedAt >= REPORT_MS);
  if (!due) return none(state);
  const { reportedAt: since = at, delayed } = meter;
  const rest = over ? { ...meter, delayed: 0, reportedAt: at } : { tokens: meter.tokens, at: meter.at, delayed: 0 };
  const next = { ...state, conns: state.conns.set(id, { ...conn, meter: rest }) };
  if (delayed === 0) return none(next);
  const seconds = Math.max(1, Math.round((at - since) / 1000));
  const how = final ? '' : over ? '' : '; it is back under its rate';
  return note(next, 'warn', 'rateLimited', `delayed ${delayed} lines from ${id} in ${seconds} s${how}`, { conn: id, delayed, seconds });
}
