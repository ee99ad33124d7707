// Login throttling: failed LOGINs are counted per account and per address, and past a few free ones each
// further attempt must wait a delay that doubles with every failure (up to a cap). The attempt is delayed
// before its password is checked, so a guesser gets no answer sooner by hanging up, and bcrypt is spared too.
import { OrderedMap } from 'immutable';
import type { State } from './state.js';

export interface LoginThrottle {
  /** Failures an account may have before its logins are delayed (typos). */
  readonly freePerAccount: number;
  /** Failures an address may have before its logins are delayed (a class behind one NAT makes typos too). */
  readonly freePerAddress: number;
  /** The first delay; it doubles with each further failure. */
  readonly delayMs: number;
  readonly maxDelayMs: number;
}

export interface Failures {
  readonly count: number;
  /** The last failure, or the last attempt let through while delayed (so parallel attempts queue up). */
  readonly last: number;
}

/** Failed-login counts by `account:name` and `address:ip`, least recently touched first. */
export type LoginFailures = OrderedMap<string, Failures>;

export const NO_FAILURES: LoginFailures = OrderedMap();

/** A count is forgotten once quiet this many times the longest delay (5 min by default): the state stays bounded. */
const FORGET_AFTER_LONGEST_DELAYS = 10;

const accountKey = (user: string) => `account:${user}`;
const addressKey = (address: string) => `address:${address}`;

function delayAfter(count: number, free: number, limit: LoginThrottle): number {
  if (count <= free) return 0;
  return Math.min(limit.maxDelayMs, limit.delayMs * 2 ** Math.min(30, count - free - 1));
}

/** The earliest time a LOGIN as `user` from `address` may have its password checked. */
export function loginAllowedAt(state: State, user: string | undefined, address: string): number {
  const limit = state.limits.loginThrottle;
  if (!limit) return 0;
  let allowed = 0;
  const counted: Array<[string, number]> = [[addressKey(address), limit.freePerAddress]];
  if (user !== undefined) counted.push([accountKey(user), limit.freePerAccount]);
  for (const [key, free] of counted) {
    const failures = state.loginFailures.get(key);
    if (failures) allowed = Math.max(allowed, failures.last + delayAfter(failures.count, free, limit));
  }
  return allowed;
}

function touched(failures: LoginFailures, key: string, change: (old: Failures | undefined) => Failures): LoginFailures {
  // delete, then set: the key moves to the end, so the front always holds the least recently touched
  return failures.delete(key).set(key, change(failures.get(key)));
}

/** Forgets counts quiet for long enough, oldest first: O(1) each, and nothing on a per-line path. */
function pruned(failures: LoginFailures, at: number, limit: LoginThrottle): LoginFailures {
  const forget = FORGET_AFTER_LONGEST_DELAYS * limit.maxDelayMs;
  let current = failures;
  for (let oldest = current.first(); oldest !== undefined && oldest.last + forget <= at; oldest = current.first()) {
    current = current.delete(current.keySeq().first()!);
  }
  return current;
}

/** A LOGIN failed (a wrong password, or no such account: then only the address counts). */
export function withLoginFailure(state: State, user: string | undefined, address: string, at: number): State {
  const limit = state.limits.loginThrottle;
  if (!limit) return state;
  const forget = FORGET_AFTER_LONGEST_DELAYS * limit.maxDelayMs;
  const bump = (old: Failures | undefined): Failures => ({ count: old && old.last + forget > at ? old.count + 1 : 1, last: at });
  let failures = touched(pruned(state.loginFailures, at, limit), addressKey(address), bump);
  if (user !== undefined) failures = touched(failures, accountKey(user), bump);
  return { ...state, loginFailures: failures };
}

/** A delayed attempt goes ahead at `at`: the next one for the same account or address waits a full delay after it. */
export function withLoginAttempt(state: State, user: string, address: string, at: number): State {
  if (!state.limits.loginThrottle) return state;
  let failures = state.loginFailures;
  for (const key of [accountKey(user), addressKey(address)]) {
    const old = failures.get(key);
    if (old && old.last < at) failures = touched(failures, key, () => ({ ...old, last: at }));
  }
  return failures === state.loginFailures ? state : { ...state, loginFailures: failures };
}

/** The account logged in: its count starts afresh (the address's does not, or one good account would reset it). */
export function withLoginSuccess(state: State, user: string): State {
  const key = accountKey(user);
  return state.loginFailures.has(key) ? { ...state, loginFailures: state.loginFailures.delete(key) } : state;
}
