// Logging in, out and renaming: shared by every dialect, since there is one namespace of online users. In a
// cluster that namespace spans every node: a name is claimed across the cluster before anyone is told it is theirs.
import { chain, effect, none, note, send, type Step } from './steps.js';
import type { LeaveHow } from './messages.js';
import { updateConn, withOnline, withoutOnline, withRename, type State } from './state.js';
import type { Audience, Capability, ConnId } from './types.js';
import { announceHolding, capableGroup, channelGroup, type GroupKey } from './cluster-groups.js';

/** Where a message for an online user whose dialect can show `capability` goes (SEND and WHISPER need `private`). */
export function reachable(state: State, name: string, capability: Capability): Audience | undefined {
  const target = state.online.get(name);
  if (target !== undefined) return state.conns.get(target)?.can.has(capability) ? { kind: 'conn', conn: target } : undefined;
  return state.remoteUsers.get(name)?.can.includes(capability) ? { kind: 'user', user: name } : undefined;
}

export function isOnline(state: State, name: string): boolean {
  return state.online.has(name) || state.remoteUsers.has(name);
}

/** Users online on every node. */
export function userCount(state: State): number {
  return state.online.size + state.remoteUsers.size;
}

export function isFull(state: State): boolean {
  return userCount(state) >= state.limits.maxUsers;
}

/**
 * Takes `user` for `conn` (renaming it from `from`), then goes on with `granted`. On one node the name is free
 * (the caller checked); in a cluster another node may take it at the same moment, so the connection waits for
 * the cluster's answer, which comes back as `nameClaimed` to its dialect's `onClaimed`.
 */
export function claim(state: State, conn: ConnId, user: string, granted: (state: State) => Step, from?: string): Step {
  if (state.cluster === undefined) return granted(state);
  const can = [...(state.conns.get(conn)?.can ?? [])];
  return effect(updateConn(state, conn, { waiting: true }), { kind: 'claimName', conn, user, can, ...(from !== undefined ? { from } : {}) });
}

/** Why the cluster refused a name, for the log. */
export const CLAIM_REFUSALS = {
  taken: 'the name is in use on another node',
  full: 'the cluster is full',
  failed: 'the cluster backplane did not answer',
} as const;

/** `seq`: the name's place in the login order, when the cluster gave it one. */
export function logIn(state: State, conn: ConnId, user: string, seq?: number): Step {
  const { remote, dialect, can } = state.conns.get(conn) ?? {};
  return chain(withOnline(state, conn, user, seq),
    (s) => announceHolding(s, groupsOf(can, [])),
    (s) => send(s, { kind: 'capable', capability: 'presence', except: conn }, { kind: 'joined', user }),
    (s) => note(s, 'info', 'login', `${user} logged in (${dialect}, ${conn})`, { conn, user, dialect, remote }),
  );
}

export function logOut(state: State, conn: ConnId, how: LeaveHow): Step {
  const before = state.conns.get(conn);
  const user = before?.user;
  if (user === undefined) return none(state);
  return chain(withoutOnline(state, conn),
    (s) => announceHolding(s, groupsOf(before!.can, before!.channels)),
    (s) => send(s, { kind: 'capable', capability: 'presence', except: conn }, { kind: 'left', user, how }),
    (s) => note(s, 'info', 'logout', `${user} left (${how})`, { conn, user, how }),
    (s) => release(s, user, how),
  );
}

/** The fan-out groups a connection is in: its channels, and the capability groups of its dialect. */
function groupsOf(can: Iterable<Capability> = [], channels: Iterable<string>): GroupKey[] {
  const groups: GroupKey[] = [];
  for (const capability of can) groups.push(capableGroup(capability));
  for (const channel of channels) groups.push(channelGroup(channel));
  return groups;
}

/** In a cluster, gives a name this node holds back (the other nodes learn it left). */
export function release(state: State, user: string, how: LeaveHow): Step {
  return state.cluster === undefined ? none(state) : effect(state, { kind: 'releaseName', user, how });
}

export function rename(state: State, conn: ConnId, from: string, to: string): Step {
  return chain(withRename(state, conn, to),
    (s) => send(s, { kind: 'capable', capability: 'presence' }, { kind: 'renamed', from, to }),
    (s) => note(s, 'info', 'rename', `${from} is now ${to}`, { conn, from, to }),
  );
}

