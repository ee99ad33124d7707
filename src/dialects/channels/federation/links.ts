// The links to federated servers: which connection (or which node of the cluster) holds each, which of two
// links to one server both ends keep, and what goes when a link goes. Pure.
import { updateConn, type State } from '../../../core/state.js';
import type { ConnId } from '../../../core/types.js';
import { plain } from './names.js';
import { withoutRemoteChannels } from './remote.js';
import { dialledOf, fed, fedConn, serverName, withFed, withFedConn, type RemoteLink } from './state.js';

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
