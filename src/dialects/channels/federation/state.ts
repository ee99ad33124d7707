// The channels dialect's slice of the state: this server among its federation peers and, per connection, a
// link's peer and handshake or a user's joins under way there; the accessors the federation's other files
// build on (./links.ts, ./remote.ts, ./joins.ts). Pure. A remote user is `user@server`, a remote channel
// `channel:server`; bare at home (./names.ts).
import { Map as IMap, Set as ISet } from 'immutable';
import { connSlice, serverSlice, slice, withConnSlice, withServerSlice } from '../../../core/slices.js';
import type { SortedMap } from '../../../core/sorted.js';
import type { Conn, State } from '../../../core/state.js';
import type { ConnId, HostPort } from '../../../core/types.js';
import type { Peer } from '../../../config/peers.js';
import { plain } from './names.js';

/** HMAC-SHA-256 of `message` under `key`, as hex. A pure function the edge hands in (node:crypto's). */
export type Hmac = (key: string, message: string) => string;

/** This server among its federation peers. */
export interface Federation {
  /** The name this server announces, and by which its users and channels are known elsewhere. */
  readonly name: string;
  /** The servers it may link with: a link is accepted only from one of these addresses (and, with a key, only once it proves it holds it). */
  readonly peers: readonly Peer[];
  /** How links prove they hold their key (see ./handshake.ts); a keyed link cannot come up without it. */
  readonly hmac?: Hmac;
  /** CHAT_MAX_REMOTE_MEMBERS: members one peer may add to our channels; none when unset. */
  readonly maxRemoteMembers?: number;
}

export const NO_FEDERATION: Federation = { name: 'localhost', peers: [] };

/** A federation link another node of the cluster holds: which node, the peer's host, and whether the cluster dialled it. */
export interface RemoteLink {
  readonly node: string;
  readonly host: string;
  readonly dialled: boolean;
}

export interface FederationState {
  readonly self: Federation;
  /** The link in use to each federated server, by its name. */
  readonly links: IMap<string, ConnId>;
  /** In a cluster: links to federated servers that another node holds. */
  readonly remoteLinks: IMap<string, RemoteLink>;
  /** Each federated server's channels (bare names), by server name. */
  readonly remoteChannels: IMap<string, ISet<string>>;
  /** Remote members of local channels: channel → `user@server` → server. */
  readonly remoteMembers: IMap<string, SortedMap<string, string>>;
  /** Connections whose user waits on a JOIN of a channel there, by server: the index `linkGone` answers from. */
  readonly joiningOn: IMap<string, ISet<ConnId>>;
  /** How many members each server has in our channels, all channels together (for CHAT_MAX_REMOTE_MEMBERS). */
  readonly membersFrom: IMap<string, number>;
}

/** A keyed link's handshake under way (./handshake.ts): who it says it is, the key, the other end's nonce. */
export interface Handshake {
  readonly server: string;
  readonly key: string;
  readonly theirNonce: string;
  /** The other end proved it holds the key (a link we dialled, waiting for FEDERATE-CONFIRM). */
  readonly proved?: true;
}

/** A connection's part: a link's peer (once accepted) and what it dialled, or a user's joins under way elsewhere. */
export interface FederationConn {
  /** Remote channels (`channel:server`) this user asked to join, waiting for the owner's answer. */
  readonly joining: ISet<string>;
  /** A link this server dialled: the peers-file entry it dialled. */
  readonly dialled?: HostPort;
  /** A link, once accepted: the name its server is known by. */
  readonly peer?: string;
  /** A keyed link before it is accepted. */
  readonly handshake?: Handshake;
}

const EMPTY: FederationState = {
  self: NO_FEDERATION, links: IMap(), remoteLinks: IMap(), remoteChannels: IMap(), remoteMembers: IMap(), joiningOn: IMap(), membersFrom: IMap(),
};
const NO_JOINS: FederationConn = { joining: ISet() };

const FEDERATION = slice<FederationState, FederationConn>('channels', EMPTY, NO_JOINS);

export const fed = (state: State): FederationState => serverSlice(state, FEDERATION);
export const fedConn = (conn: Conn): FederationConn => connSlice(conn, FEDERATION);
/** Writers of the slice, for the federation's own files (./links.ts, ./remote.ts, ./joins.ts). */
export const withFed = (state: State, value: FederationState): State => withServerSlice(state, FEDERATION, value);
export const withFedConn = (state: State, id: ConnId, value: FederationConn): State => withConnSlice(state, id, FEDERATION, value);

/** The slice at start: this server's name and peers, nothing linked. */
export function withFederation(state: State, self: Federation): State {
  return withFed(state, { ...EMPTY, self });
}

/** The name this server is known by to its peers. */
export function serverName(state: State): string {
  return fed(state).self.name;
}

/** The server an accepted link's connection speaks for. */
export function peerOf(conn: Conn): string | undefined {
  return fedConn(conn).peer;
}

export function dialledOf(conn: Conn): HostPort | undefined {
  return fedConn(conn).dialled;
}

export function withHandshake(state: State, id: ConnId, handshake: Handshake): State {
  const conn = state.conns.get(id);
  return conn ? withFedConn(state, id, { ...fedConn(conn), handshake }) : state;
}

/** A connection this server opened to a peers-file entry: remembered, so FEDERATE-CONFIRM knows what it dialled. */
export function withDialled(state: State, id: ConnId, to: HostPort): State {
  const conn = state.conns.get(id);
  return conn ? withFedConn(state, id, { ...fedConn(conn), dialled: to }) : state;
}

/** Whether a link may come from this address: only the peers file's hosts may link. */
export function isPeerAddress(state: State, address: string): boolean {
  return fed(state).self.peers.some((peer) => peer.address === plain(address));
}
