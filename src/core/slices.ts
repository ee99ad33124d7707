// Each dialect keeps its own part of the state: one server-wide slice and one slice per connection, under
// its name. The core stores them without reading them; a dialect reaches its own through a typed key made
// once (`slice`), and creates, updates and cleans them in its hooks (see docs/architecture.md). Every read and
// write is one lookup in a persistent map: O(log n), nothing copied but the path to the change.
import { Map as IMap } from 'immutable';
import type { Conn, State } from './state.js';
import type { ConnId, DialectName } from './types.js';

/** A dialect's key to its slices: `server` and `conn` are what a slice holds before anything is written to it. */
export interface Slice<S, C> {
  readonly dialect: DialectName;
  readonly server: S;
  readonly conn: C;
}

/** Slices by dialect; the same empty map for every connection that has none. */
export type Slices = IMap<DialectName, unknown>;
export const NO_SLICES: Slices = IMap();

export function slice<S, C>(dialect: DialectName, server: S, conn: C): Slice<S, C> {
  return { dialect, server, conn };
}

export function serverSlice<S>(state: State, key: Slice<S, unknown>): S {
  return (state.slices.get(key.dialect) as S | undefined) ?? key.server;
}

export function withServerSlice<S>(state: State, key: Slice<S, unknown>, value: S): State {
  return { ...state, slices: state.slices.set(key.dialect, value) };
}

export function connSlice<C>(conn: Conn, key: Slice<unknown, C>): C {
  return (conn.slices.get(key.dialect) as C | undefined) ?? key.conn;
}

export function withConnSlice<C>(state: State, id: ConnId, key: Slice<unknown, C>, value: C): State {
  const conn = state.conns.get(id);
  return conn ? { ...state, conns: state.conns.set(id, { ...conn, slices: conn.slices.set(key.dialect, value) }) } : state;
}
