// The server's whole state: immutable records and maps. Helpers copy only the map they change.
import type { Command, ConnId, Dialect, ListenerMode, Remote } from './types.js';

export interface Conn {
  readonly id: ConnId;
  readonly remote: Remote;
  readonly listener: ListenerMode;
  /** Fixed by the listener, or by the first line on an `auto` listener. */
  readonly dialect?: Dialect;
  /** The name this connection is logged in as. */
  readonly user?: string;
  /** True while an effect this connection started (bcrypt, a write, a store) is under way. */
  readonly waiting: boolean;
  /** Input that arrived while waiting, handled in order once the wait ends. */
  readonly queue: readonly Command[];
  /** The client will send nothing more; close once everything it sent is answered. */
  readonly inputEnded?: boolean;
  /** Set once the server decided to close it: later input is dropped. */
  readonly closing?: 'quit' | 'refused' | 'finished';
}

export interface Limits {
  readonly maxUsers: number;
  /** Lines a connection may queue while it waits on an effect (DEFAULT_LIMITS.maxQueued when left out). */
  readonly maxQueued?: number;
}

export interface State {
  readonly limits: Limits;
  readonly conns: ReadonlyMap<ConnId, Conn>;
  /** Every online user of every dialect: name → connection. One namespace. */
  readonly online: ReadonlyMap<string, ConnId>;
  /** Registered accounts: name → bcrypt hash (never a password). */
  readonly accounts: ReadonlyMap<string, string>;
  /** Names whose registration is being hashed or stored. */
  readonly registering: ReadonlySet<string>;
  /** Channels: name → member user names. */
  readonly channels: ReadonlyMap<string, ReadonlySet<string>>;
  /** Channels whose creation is being stored. */
  readonly creating: ReadonlySet<string>;
}

export interface Stored {
  readonly accounts: Iterable<readonly [string, string]>;
  readonly channels: Iterable<string>;
}

export function initialState(limits: Limits, stored: Stored = { accounts: [], channels: [] }): State {
  return {
    limits,
    conns: new Map(),
    online: new Map(),
    accounts: new Map(stored.accounts),
    registering: new Set(),
    channels: new Map([...stored.channels].map((name) => [name, new Set<string>()])),
    creating: new Set(),
  };
}

export function withMapEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  return new Map(map).set(key, value);
}

export function withoutMapEntry<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

export function withSetEntry<T>(set: ReadonlySet<T>, value: T): ReadonlySet<T> {
  return new Set(set).add(value);
}

export function withoutSetEntry<T>(set: ReadonlySet<T>, value: T): ReadonlySet<T> {
  const copy = new Set(set);
  copy.delete(value);
  return copy;
}

export function withConn(state: State, conn: Conn): State {
  return { ...state, conns: withMapEntry(state.conns, conn.id, conn) };
}

export function updateConn(state: State, id: ConnId, change: Partial<Conn>): State {
  const conn = state.conns.get(id);
  return conn ? withConn(state, { ...conn, ...change }) : state;
}

export function withMember(state: State, channel: string, user: string): State {
  const members = state.channels.get(channel) ?? new Set<string>();
  return { ...state, channels: withMapEntry(state.channels, channel, withSetEntry(members, user)) };
}

/** Connections of online users whose dialect is one of `dialects`, except `except`. */
export function connsOf(state: State, dialects: readonly Dialect[], except?: ConnId): ConnId[] {
  const ids: ConnId[] = [];
  for (const id of state.online.values()) {
    const conn = state.conns.get(id);
    if (id !== except && conn?.dialect && dialects.includes(conn.dialect)) ids.push(id);
  }
  return ids;
}

export function sortByCodePoint(names: Iterable<string>): string[] {
  return [...names].sort(compareCodePoints);
}

// `<` compares UTF-16 code units, which puts U+10000 and up (😀) before U+E000–U+FFFF (ｚ); compare code points
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
