// The server's whole state, in persistent collections (Immutable.js hash maps, sorted B+ trees): every
// change makes a new version in O(log n) and shares the rest, so `step` stays a pure function and an
// outbound message can be resolved against the very version it was sent in.
import { List, Map as IMap, Set as ISet } from 'immutable';
import type { Meter, RateLimit } from './rate-limit.js';
import { NO_FAILURES, type LoginFailures, type LoginThrottle } from './login-throttle.js';
import { SortedMap, sortedNames, type SortedNames } from './sorted.js';
import { NO_SLICES, type Slices } from './slices.js';
import type { Capability, Command, ConnId, DialectName, HostPort, ListenerMode, LogLevel, RemoteUser, Transport } from './types.js';
import { lookalikesOf, withReindexed, type Lookalikes } from './name-policy.js';
import { quotaCountsOf, type QuotaCounts, type QuotaLimits } from './quotas.js';
import { NO_GROUPS, type ClusterGroups } from './cluster-groups.js';

/** A line waiting its turn; `notBefore` is set when the rate limit delays it. */
export type QueuedInput = Extract<Command, { kind: 'line' | 'tooLong' }> & { readonly notBefore?: number };

/**
 * What a connection is, for the guard of the command tables (as ngIRCd's client types): nothing yet, a logged-in
 * user, one this server opened whose other end has not answered yet (`outgoing`), or another server, accepted.
 */
export type ConnKind = 'unknown' | 'user' | 'outgoing' | 'server';

export interface Conn {
  readonly id: ConnId;
  readonly remote: HostPort;
  readonly listener: ListenerMode;
  /** Fixed by the listener, or by the first line on an `auto` listener. */
  readonly dialect?: DialectName;
  /** What this connection's dialect can show (its module's capabilities); empty until the dialect is known. */
  readonly can: ReadonlySet<Capability>;
  /** The name this connection is logged in as. */
  readonly user?: string;
  /** Its place in the login order, while logged in. */
  readonly loginSeq?: number;
  /** The channels (fan-out groups, by name) this connection's user is a member of; a dialect may name more here. */
  readonly channels: ISet<string>;
  /** Set when it registered as something other than a user (see ConnKind); its dialect sets `server`. */
  readonly registered?: 'outgoing' | 'server';
  /** Fresh randomness the edge made for it (the `connected` command's), for a handshake that must not replay. */
  readonly nonce?: string;
  /** This server opened the connection (dialled a peer): its log lines say `to` the peer, not `from`. */
  readonly outbound?: true;
  /** Its dialect's per-connection slice (src/core/slices.ts); dropped with the connection. */
  readonly slices: Slices;
  /** Set when its lines come over a WebSocket rather than a plain stream. */
  readonly transport?: Transport;
  /** True while an effect this connection started (bcrypt, a write, a store) is under way. */
  readonly waiting: boolean;
  /** Input that arrived while waiting, handled in order once the wait ends. */
  readonly queue: List<QueuedInput>;
  /** Its socket is not being read (flow control): it has queued more than it may, or is over its rate. */
  readonly paused?: boolean;
  /** Its rate limit's account (src/core/meter.ts). */
  readonly meter?: Meter;
  /** When the timer set for this connection fires (one at a time). */
  readonly timerAt?: number;
  /** It is closed if no one has logged in on it by then. */
  readonly loginBy?: number;
  /** The client will send nothing more; close once everything it sent is answered. */
  readonly inputEnded?: boolean;
  /** Set once the server decided to close it: later input is dropped. */
  readonly closing?: 'quit' | 'refused' | 'finished' | 'flooded' | 'timedOut';
}

export interface CoreLimits {
  readonly maxUsers: number;
  /** Lines a connection may queue while it waits on an effect before its socket is no longer read. */
  readonly maxQueued: number;
  /** Longest line a client may send, in UTF-16 units; a dialect's `lineSlack` adds to it. */
  readonly maxLineLength: number;
  /** Lines a second each connection may send; none when unset. */
  readonly rate?: RateLimit;
  /** Lines a second another server's connection may send (each its own account, like a client's); none when unset. */
  readonly serverRate?: RateLimit;
  /** A connection no one has logged in on within this long is closed; never when unset. */
  readonly loginTimeoutMs?: number;
  /** Growing delays after failed LOGINs; none when unset. */
  readonly loginThrottle?: LoginThrottle;
  /** Channels per account and in all, registrations per address an hour (src/core/quotas.ts); none when unset. */
  readonly quotas?: QuotaLimits;
  /** Log events below this level are not built at all (the log would drop them); every event is built when unset. */
  readonly logLevel?: LogLevel;
}

/** This process as one node of a cluster: names are claimed across the cluster, and other nodes' users are known. */
export interface ClusterNode {
  /** This node's name on the backplane (unique for the life of the process). */
  readonly node: string;
  /** Users online on other nodes when this one started. */
  readonly users?: ReadonlyArray<readonly [string, RemoteUser]>;
}

export interface State {
  readonly limits: CoreLimits;
  /** Set when this process is one node of a cluster; its name. */
  readonly cluster?: string;
  /** Users online on other nodes of the cluster (each is in `names` and `loginOrder` too, never in `online`). */
  readonly remoteUsers: IMap<string, RemoteUser>;
  /** Which fan-out groups this node and the others hold members of, so a message goes only where it is wanted (src/core/cluster-groups.ts). */
  readonly groups: ClusterGroups;
  readonly conns: IMap<ConnId, Conn>;
  /** Every online user of every dialect: name → connection. One namespace. */
  readonly online: IMap<string, ConnId>;
  /** Online user names by when they logged in (a rename keeps its place). */
  readonly loginOrder: SortedMap<number, string>;
  readonly nextLoginSeq: number;
  /** Online user names, sorted by code point. */
  readonly names: SortedNames;
  /** Online connections by what their dialect can show. */
  readonly capable: IMap<Capability, Members>;
  /** Registered accounts: name → bcrypt hash (never a password). */
  readonly accounts: IMap<string, string>;
  /** Names whose registration is being hashed or stored. */
  readonly registering: ISet<string>;
  /** Every name held (online, registered, being registered) by its confusable skeleton (src/core/name-policy.ts). */
  readonly lookalikes: Lookalikes;
  /** Channels: name → member connections. */
  readonly channels: IMap<string, Members>;
  /** Channel names as CHANNELS lists them, local ones bare and remote ones as `channel:server`, sorted by code point. */
  readonly channelNames: SortedNames;
  /** Channels whose creation is being stored. */
  readonly creating: ISet<string>;
  /** Recent failed LOGINs per account and per address (src/core/login-throttle.ts). */
  readonly loginFailures: LoginFailures;
  /** Each dialect's server-wide slice, by dialect (src/core/slices.ts). */
  readonly slices: Slices;
  /** What quotas count: channels per account, registrations per address (src/core/quotas.ts). */
  readonly quotas: QuotaCounts;
}

export interface Stored {
  readonly accounts: Iterable<readonly [string, string]>;
  readonly channels: Iterable<string>;
  /** Who created each channel (channel → account), where the store recorded it: the per-account quota counts them. */
  readonly channelOwners?: Iterable<readonly [string, string]>;
}

/** A group of connections that may receive one message, each with its dialect (so the router encodes once per dialect without a lookup). */
export type Members = SortedMap<ConnId, DialectName>;

export const NO_CAPABILITIES: ReadonlySet<Capability> = new Set();
const NO_MEMBERS: Members = SortedMap.of();

export function initialState(limits: CoreLimits, stored: Stored = { accounts: [], channels: [] }, cluster?: ClusterNode): State {
  const channelNames = [...stored.channels];
  const remoteUsers = IMap((cluster?.users ?? []).filter(([, user]) => user.node !== cluster?.node).map(([name, user]): [string, RemoteUser] => [name, user]));
  return {
    limits,
    ...(cluster ? { cluster: cluster.node } : {}),
    remoteUsers,
    groups: NO_GROUPS,
    conns: IMap(),
    online: IMap(),
    loginOrder: SortedMap.of(remoteUsers.toArray().map(([name, user]): [number, string] => [user.seq, name])),
    nextLoginSeq: 0,
    names: sortedNames(remoteUsers.keySeq().toArray()),
    capable: IMap(),
    accounts: IMap([...stored.accounts].map(([name, hash]): [string, string] => [name, hash])),
    registering: ISet(),
    lookalikes: lookalikesOf([...stored.accounts].map(([name]) => name).concat(remoteUsers.keySeq().toArray())),
    channels: IMap(channelNames.map((name): [string, Members] => [name, NO_MEMBERS])),
    channelNames: sortedNames(channelNames),
    creating: ISet(),
    loginFailures: NO_FAILURES,
    slices: NO_SLICES,
    quotas: quotaCountsOf(stored.channelOwners ?? []),
  };
}

/** The one empty queue: a connection whose queue emptied holds this one, not an empty list of its own. */
export const NO_QUEUE: List<QueuedInput> = List();

/** `queue` without its first line; the shared empty queue once nothing is left (idle connections are many). */
export function dequeued(queue: List<QueuedInput>): List<QueuedInput> {
  return queue.size <= 1 ? NO_QUEUE : queue.shift();
}

export function newConn(id: ConnId, remote: HostPort, listener: ListenerMode): Conn {
  return { id, remote, listener, can: NO_CAPABILITIES, channels: ISet(), slices: NO_SLICES, waiting: false, queue: NO_QUEUE };
}

/** What the connection is, for the command tables' guard. */
export function kindOf(conn: Conn): ConnKind {
  return conn.user !== undefined ? 'user' : conn.registered ?? 'unknown';
}

export function withConn(state: State, conn: Conn): State {
  return { ...state, conns: state.conns.set(conn.id, conn) };
}

export function updateConn(state: State, id: ConnId, change: Partial<Conn>): State {
  const conn = state.conns.get(id);
  return conn ? withConn(state, { ...conn, ...change }) : state;
}

export function withoutConn(state: State, id: ConnId): State {
  return { ...state, conns: state.conns.delete(id) };
}

/** `user` is online on `conn`: every index learns it. `seq` is its place in the login order when the cluster gave it one. */
export function withOnline(state: State, id: ConnId, user: string, seq?: number): State {
  const conn = state.conns.get(id);
  if (!conn?.dialect) return state;
  let capable = state.capable;
  for (const capability of conn.can) capable = capable.set(capability, (capable.get(capability) ?? NO_MEMBERS).with(id, conn.dialect));
  const loginSeq = seq ?? state.nextLoginSeq;
  return withReindexed({
    ...withConn(state, { ...conn, user, loginSeq }),
    online: state.online.set(user, id),
    loginOrder: state.loginOrder.with(loginSeq, user),
    nextLoginSeq: Math.max(state.nextLoginSeq, loginSeq + 1),
    names: state.names.with(user, true),
    capable,
  }, user);
}

/** `conn` is no longer online: out of every index and every channel. */
export function withoutOnline(state: State, id: ConnId): State {
  const conn = state.conns.get(id);
  if (conn?.user === undefined) return state;
  let capable = state.capable;
  for (const capability of conn.can) capable = capable.update(capability, (members = NO_MEMBERS) => members.without(id));
  let channels = state.channels;
  for (const channel of conn.channels) if (channels.has(channel)) channels = channels.update(channel, (members = NO_MEMBERS) => members.without(id));
  return withReindexed({
    ...withConn(state, { ...conn, user: undefined, loginSeq: undefined, channels: ISet() }),
    online: state.online.delete(conn.user),
    loginOrder: conn.loginSeq === undefined ? state.loginOrder : state.loginOrder.without(conn.loginSeq),
    names: state.names.without(conn.user),
    capable,
    channels,
  }, conn.user);
}

/** The user on `conn` is now called `to`; their place in the login order stays. */
export function withRename(state: State, id: ConnId, to: string): State {
  const conn = state.conns.get(id);
  if (conn?.user === undefined) return state;
  return withReindexed({
    ...withConn(state, { ...conn, user: to }),
    online: state.online.delete(conn.user).set(to, id),
    loginOrder: conn.loginSeq === undefined ? state.loginOrder : state.loginOrder.with(conn.loginSeq, to),
    names: state.names.without(conn.user).with(to, true),
  }, conn.user, to);
}

export function withChannel(state: State, channel: string): State {
  if (state.channels.has(channel)) return state;
  return { ...state, channels: state.channels.set(channel, NO_MEMBERS), channelNames: state.channelNames.with(channel, true) };
}

export function withMember(state: State, channel: string, id: ConnId): State {
  const conn = state.conns.get(id);
  const members = state.channels.get(channel);
  if (!conn?.dialect || !members) return state;
  return { ...withConn(state, { ...conn, channels: conn.channels.add(channel) }), channels: state.channels.set(channel, members.with(id, conn.dialect)) };
}

/** Online users in the order they logged in; the same array until someone logs in, out or renames. */
export function usersInLoginOrder(state: State): readonly string[] {
  return state.loginOrder.values();
}
