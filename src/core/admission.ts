// Admission: what to do with a socket a listener just accepted, before anything is read from it. The edge
// (streams/net/admission.ts) keeps the counts over every listener and closes sockets; the decision is here.
import type { ConnId } from './types.js';
import { kindOf, type State } from './state.js';

export interface AdmissionLimits {
  /** CHAT_MAX_CONNECTIONS: open sockets on every listener together. */
  readonly maxConnections: number;
  /** CHAT_MAX_PER_ADDRESS: open sockets from one address. */
  readonly maxPerAddress: number;
  /** CHAT_PRE_LOGIN_SHARE of maxConnections: open sockets nobody has logged in on. */
  readonly maxPreLogin: number;
}

/** The counts as they stand when a socket arrives (it is not counted yet). */
export interface Tally {
  readonly open: number;
  /** Sockets nobody has logged in on: HTTP requests, TLS handshakes, chat connections before their login. */
  readonly preLogin: number;
  readonly fromAddress: number;
}

export type Verdict =
  | 'admit'
  /** Admit it, and close the oldest socket nobody has logged in on to make room. */
  | 'admitEvictingOldest'
  | 'refusePerAddress'
  | 'refuseFull';

export function admissionOf({ open, preLogin, fromAddress }: Tally, limits: AdmissionLimits): Verdict {
  // one host cannot take every place, logged in or not
  if (fromAddress >= limits.maxPerAddress) return 'refusePerAddress';
  // sockets still arriving may hold only their share, and never the places of those who logged in: the newest
  // one wins over the oldest, so silent sockets cannot lock out a person who is about to log in
  if (preLogin >= limits.maxPreLogin || open >= limits.maxConnections) return preLogin > 0 ? 'admitEvictingOldest' : 'refuseFull';
  return 'admit';
}

/** The socket limit for sockets nobody logged in on: a share of all of them, at least one. */
export function preLoginLimit(maxConnections: number, sharePercent: number): number {
  return Math.max(1, Math.floor((maxConnections * sharePercent) / 100));
}

/** Whether someone logged in on this connection (a user, or an accepted federation link): it has proved itself. */
export function loggedIn(state: State, conn: ConnId): boolean {
  const found = state.conns.get(conn);
  return found !== undefined && kindOf(found) !== 'unknown';
}
