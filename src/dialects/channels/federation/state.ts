// The channels dialect's slice of the state: this server among its federation peers, the links to them,
// their channels, and their users in our channels; and, per connection, a link's peer or a user's joins
// under way there. Pure. A remote user is `user@server`, a remote channel `channel:server`; bare at home.
import { Map as IMap, Set as ISet } from 'immutable';
import { connSlice, serverSlice, slice, withConnSlice, withServerSlice } from '../../../core/slices.js';
import { SortedMap } from '../../../core/sorted.js';
import { updateConn, type Conn, type State } from '../../../core/state.js';
import type { ConnId, HostPort } from '../../../core/types.js';
import type { Peer } from '../../../config/peers.js';

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
const withFed = (state: State, value: FederationState): State => withServerSlice(state, FEDERATION, value);
export const fedConn = (conn: Conn): FederationConn => connSlice(conn, FEDERATION);
const withFedConn = (state: State, id: ConnId, value: FederationConn): State => withConnSlice(state, id, FEDERATION, value);

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

/** `channel:server` → its parts; a bare name has no server. */
export function splitChannel(name: string): { readonly channel: string; readonly server?: string } {
  const colon = name.indexOf(':');
  return colon < 0 ? { channel: name } : { channel: name.slice(0, colon), server: name.slice(colon + 1) };
}

/** `user@server` → its parts; a bare name has no server. */
export function splitUser(name: string): { readonly user: string; readonly server?: string } {
  const at = name.indexOf('@');
  return at < 0 ? { user: name } : { user: name.slice(0, at), server: name.slice(at + 1) };
}

/** Whether a link may come from this address: only the peers file's hosts may link. */
export function isPeerAddress(state: State, address: string): boolean {
  return fed(state).self.peers.some((peer) => peer.address === plain(address));
}

/** An IPv4 address as IPv4, whether or not it came through an IPv6 socket. */
export function plain(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Whether we need not dial the server at `host`: it linked to us, and that link is up. A link we dialled would
 * only be refused (an established link is replaced only by one that proved itself, see `linkUp`) or replace a
 * link that works; two links at once happen only when both ends dial at the same moment, and `keepsExisting` settles it.
 */
export function usesLinkFrom(state: State, host: string): boolean {
  const { links, remoteLinks } = fed(state);
  // in a cluster, one link per peer for all nodes: whichever node holds it
  for (const [, held] of remoteLinks) if (held.host === host) return true;
  for (const [, id] of links) {
    const conn = state.conns.get(id);
    if (conn && !dialledOf(conn) && plain(conn.remote.address) === host) return true;
  }
  return false;
}

/** The connection of this node's link to `server`, if it holds one. */
export function linkConn(state: State, server: string): ConnId | undefined {
  return fed(state).links.get(server);
}

/** Links up on this node (for the metrics). */
export function linkCount(state: State): number {
  return fed(state).links.size;
}

/** Whether messages for `server` have a way there: a link of this node's, or (in a cluster) another node's. */
export function isLinked(state: State, server: string): boolean {
  const { links, remoteLinks } = fed(state);
  return links.has(server) || remoteLinks.has(server);
}

/** Whether `server` lists `channel` (a link to it is up, here or on another node). */
export function hasRemoteChannel(state: State, server: string, channel: string): boolean {
  return isLinked(state, server) && (fed(state).remoteChannels.get(server)?.has(channel) ?? false);
}

/**
 * Two links to one server (both listed each other and dialled at once): both ends keep the link dialled by
 * the server whose name sorts first, so they agree without a word and never deliver twice.
 */
export function keepsExisting(state: State, server: string, existing: ConnId): boolean {
  const conn = state.conns.get(existing);
  return keepsLinkDialledBy(state, server, conn !== undefined && dialledOf(conn) !== undefined);
}

/** The same rule for a link another node of the cluster holds (dialled by the cluster, or by the peer). */
export function keepsLinkDialledBy(state: State, server: string, dialledByUs: boolean): boolean {
  const ourNameFirst = serverName(state) < server;
  return dialledByUs === ourNameFirst;
}

/** The link on `conn` is accepted as `server`'s: the connection registers as a server's. */
export function withLink(state: State, server: string, id: ConnId): State {
  const conn = state.conns.get(id);
  if (!conn) return state;
  const { handshake: _done, ...kept } = fedConn(conn);
  const named = withFedConn(updateConn(state, id, { registered: 'server' }), id, { ...kept, peer: server });
  // a fresh link starts with no channels from that server: its FEDCHANNELS lines will say them again
  const current = fed(named);
  return withoutRemoteChannels(withFed(named, { ...current, links: current.links.set(server, id) }), server);
}

export function withRemoteLink(state: State, server: string, held: RemoteLink): State {
  const current = fed(state);
  return withFed(state, { ...current, remoteLinks: current.remoteLinks.set(server, held) });
}

export function withRemoteChannel(state: State, server: string, channel: string): State {
  const current = fed(state);
  const known = current.remoteChannels.get(server) ?? ISet<string>();
  if (known.has(channel)) return state;
  return withFed({ ...state, channelNames: state.channelNames.with(`${channel}:${server}`, true) },
    { ...current, remoteChannels: current.remoteChannels.set(server, known.add(channel)) });
}

export function withoutRemoteChannels(state: State, server: string): State {
  const current = fed(state);
  const known = current.remoteChannels.get(server);
  if (!known) return state;
  let channelNames = state.channelNames;
  for (const channel of known) channelNames = channelNames.without(`${channel}:${server}`);
  return withFed({ ...state, channelNames }, { ...current, remoteChannels: current.remoteChannels.delete(server) });
}

/**
 * The link to `server` is gone (here, or on the cluster node that held it): its channels leave the list and its
 * users leave our channels, unless another link to it is still up (in a cluster, for a moment, two nodes may hold one).
 */
export function withoutLink(state: State, server: string, where: 'here' | 'there' = 'here'): State {
  const current = fed(state);
  if (where === 'here' && current.remoteLinks.has(server)) return withFed(state, { ...current, links: current.links.delete(server) });
  if (where === 'there' && current.links.has(server)) return withFed(state, { ...current, remoteLinks: current.remoteLinks.delete(server) });
  const remoteMembers = current.remoteMembers.map((members) => {
    let kept = members;
    members.forEach((member, home) => { if (home === server) kept = kept.without(member); });
    return kept;
  });
  return withoutRemoteChannels(withFed(state, {
    ...current, links: current.links.delete(server), remoteLinks: current.remoteLinks.delete(server), remoteMembers, membersFrom: current.membersFrom.delete(server),
  }), server);
}

export function withRemoteMember(state: State, channel: string, member: string, server: string): State {
  const current = fed(state);
  const members = current.remoteMembers.get(channel) ?? SortedMap.of<string, string>();
  if (members.has(member)) return state;
  return withFed(state, {
    ...current,
    remoteMembers: current.remoteMembers.set(channel, members.with(member, server)),
    membersFrom: current.membersFrom.set(server, (current.membersFrom.get(server) ?? 0) + 1),
  });
}

export function isRemoteMember(state: State, channel: string, member: string): boolean {
  return fed(state).remoteMembers.get(channel)?.has(member) ?? false;
}

/** Remote members of `channel`, each with its server. */
export function remoteMembersOf(state: State, channel: string): SortedMap<string, string> | undefined {
  return fed(state).remoteMembers.get(channel);
}

/** Local users who are members of channels on `server`, with those channels' bare names. */
export function membershipsOn(state: State, server: string): Array<{ readonly user: string; readonly channel: string }> {
  const found: Array<{ user: string; channel: string }> = [];
  const suffix = `:${server}`;
  state.conns.forEach((conn) => {
    if (conn.user === undefined) return;
    for (const name of conn.channels) if (name.endsWith(suffix)) found.push({ user: conn.user, channel: name.slice(0, -suffix.length) });
  });
  return found;
}

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

/** Members `server` has in our channels, all channels together. */
export function membersFrom(state: State, server: string): number {
  return fed(state).membersFrom.get(server) ?? 0;
}
