// Logging in, out and renaming: shared by every dialect, since there is one namespace of online users.
import { chain, none, note, send, type Step } from './build.js';
import type { LeaveHow } from './messages.js';
import { connsOf, updateConn, withMapEntry, withoutMapEntry, type State } from './state.js';
import type { ConnId, Dialect } from './types.js';

/** Presence notices reach the dialects that can show them. */
const PRESENCE_DIALECTS = ['messenger'] as const;
/** Dialects that can show a private message: SEND and WHISPER reach their users, and nobody else. */
const PRIVATE_DIALECTS: readonly Dialect[] = ['direct', 'messenger'];

/** The connection of an online user who can receive a private message (SEND, WHISPER). */
export function privateRecipient(state: State, name: string): ConnId | undefined {
  const target = state.online.get(name);
  const dialect = target === undefined ? undefined : state.conns.get(target)?.dialect;
  return dialect && PRIVATE_DIALECTS.includes(dialect) ? target : undefined;
}

export function isOnline(state: State, name: string): boolean {
  return state.online.has(name);
}

export function isFull(state: State): boolean {
  return state.online.size >= state.limits.maxUsers;
}

export function logIn(state: State, conn: ConnId, user: string): Step {
  const remote = state.conns.get(conn)?.remote;
  const next = { ...updateConn(state, conn, { user }), online: withMapEntry(state.online, user, conn) };
  return chain(next,
    (s) => send(s, connsOf(s, PRESENCE_DIALECTS, conn), { type: 'joined', user }),
    (s) => note(s, 'info', 'login', `${user} logged in (${s.conns.get(conn)?.dialect}, ${conn})`, { conn, user, dialect: s.conns.get(conn)?.dialect, remote }),
  );
}

export function logOut(state: State, conn: ConnId, how: LeaveHow): Step {
  const user = state.conns.get(conn)?.user;
  if (user === undefined) return none(state);
  const channels = new Map(state.channels);
  for (const [name, members] of state.channels) {
    if (members.has(user)) {
      const rest = new Set(members);
      rest.delete(user);
      channels.set(name, rest);
    }
  }
  const next = { ...updateConn(state, conn, { user: undefined }), online: withoutMapEntry(state.online, user), channels };
  return chain(next,
    (s) => send(s, connsOf(s, PRESENCE_DIALECTS, conn), { type: 'left', user, how }),
    (s) => note(s, 'info', 'logout', `${user} left (${how})`, { conn, user, how }),
  );
}

export function rename(state: State, conn: ConnId, from: string, to: string): Step {
  const online = withMapEntry(withoutMapEntry(state.online, from), to, conn);
  const next = { ...updateConn(state, conn, { user: to }), online };
  return chain(next,
    (s) => send(s, connsOf(s, PRESENCE_DIALECTS), { type: 'renamed', from, to }),
    (s) => note(s, 'info', 'rename', `${from} is now ${to}`, { conn, from, to }),
  );
}
