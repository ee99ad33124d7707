// A user's JOINs of channels on other servers, under way until the owner answers, indexed by server so a
// link that goes answers them all. Pure.
import { Set as ISet } from 'immutable';
import type { Conn, State } from '../../../core/state.js';
import type { ConnId } from '../../../core/types.js';
import { splitChannel } from './names.js';
import { fed, fedConn, withFed, withFedConn } from './state.js';

export function joiningOf(conn: Conn): ISet<string> {
  return fedConn(conn).joining;
}

/** The user on `id` waits for `server`'s answer to its JOIN of `name` (`channel:server`). */
export function withJoining(state: State, id: ConnId, server: string, name: string): State {
  const conn = state.conns.get(id);
  if (!conn) return state;
  const current = fed(state);
  const waiting = withFedConn(state, id, { ...fedConn(conn), joining: fedConn(conn).joining.add(name) });
  return withFed(waiting, { ...current, joiningOn: current.joiningOn.set(server, (current.joiningOn.get(server) ?? ISet<ConnId>()).add(id)) });
}

/** The JOIN of `name` on `server` is answered (or failed): the user waits for it no more. */
export function withoutJoining(state: State, id: ConnId, server: string, name: string): State {
  const conn = state.conns.get(id);
  if (!conn) return state;
  const joining = fedConn(conn).joining.delete(name);
  const current = fed(state);
  const stillThere = joining.some((other) => splitChannel(other).server === server);
  const rest = current.joiningOn.get(server)?.delete(id);
  const joiningOn = stillThere || rest === undefined ? current.joiningOn : rest.size ? current.joiningOn.set(server, rest) : current.joiningOn.delete(server);
  return withFed(withFedConn(state, id, { ...fedConn(conn), joining }), { ...current, joiningOn });
}

/** The connections whose users wait on a JOIN there. */
export function joiningOn(state: State, server: string): ISet<ConnId> {
  return fed(state).joiningOn.get(server) ?? ISet();
}

/** A user's connection is closing: the index of joins under way forgets it. */
export function withoutJoinsOf(state: State, conn: Conn): State {
  let next = state;
  for (const name of joiningOf(conn)) {
    const { server } = splitChannel(name);
    if (server !== undefined) next = withoutJoining(next, conn.id, server, name);
  }
  return next;
}
