// Logging in, out and renaming: shared by every dialect, since there is one namespace of online users.
import { chain, none, note, send, type Step } from './build.js';
import type { LeaveHow } from './messages.js';
import { withOnline, withoutOnline, withRename, type State } from './state.js';
import type { Capability, ConnId } from './types.js';

/** The connection of an online user whose dialect can show `capability` (SEND and WHISPER need `private`). */
export function reachable(state: State, name: string, capability: Capability): ConnId | undefined {
  const target = state.online.get(name);
  return target !== undefined && state.conns.get(target)?.can.has(capability) ? target : undefined;
}

export function isOnline(state: State, name: string): boolean {
  return state.online.has(name);
}

export function isFull(state: State): boolean {
  return state.online.size >= state.limits.maxUsers;
}

export function logIn(state: State, conn: ConnId, user: string): Step {
  const { remote, dialect } = state.conns.get(conn) ?? {};
  return chain(withOnline(state, conn, user),
    (s) => send(s, { kind: 'capable', capability: 'presence', except: conn }, { type: 'joined', user }),
    (s) => note(s, 'info', 'login', `${user} logged in (${dialect}, ${conn})`, { conn, user, dialect, remote }),
  );
}

export function logOut(state: State, conn: ConnId, how: LeaveHow): Step {
  const user = state.conns.get(conn)?.user;
  if (user === undefined) return none(state);
  return chain(withoutOnline(state, conn),
    (s) => send(s, { kind: 'capable', capability: 'presence', except: conn }, { type: 'left', user, how }),
    (s) => note(s, 'info', 'logout', `${user} left (${how})`, { conn, user, how }),
  );
}

export function rename(state: State, conn: ConnId, from: string, to: string): Step {
  return chain(withRename(state, conn, to),
    (s) => send(s, { kind: 'capable', capability: 'presence' }, { type: 'renamed', from, to }),
    (s) => note(s, 'info', 'rename', `${from} is now ${to}`, { conn, from, to }),
  );
}
