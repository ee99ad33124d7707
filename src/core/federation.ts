// Federation state: links to other servers, their channels, and their users in our channels. Pure.
// A remote user is `user@server`, a remote channel `channel:server`; on its own server each is bare.
import { Set as ISet } from 'immutable';
import { SortedMap } from './sorted.js';
import { updateConn, type State } from './state.js';
import type { ConnId } from './types.js';

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
  return state.federation.peers.some((peer) => peer.host === plain(address));
}

/** An IPv4 address as IPv4, whether or not it came through an IPv6 socket. */
export function plain(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Whether we need not dial the server at `host`: it linked to us, and by the rule in `keepsExisting` its
 * link is the one both ends keep (its name sorts first), so a link we dialled would only be closed again.
 */
export function usesLinkFrom(state: State, host: string): boolean {
  // in a cluster, one link per peer for all nodes: whichever node holds it
  for (const [, held] of state.remoteLinks) if (held.host === host) return true;
  for (const [server, id] of state.links) {
    const conn = state.conns.get(id);
    if (conn && !conn.dialled && plain(conn.remote.address) === host && server < state.federation.name) return true;
  }
  return false;
}

export function linkTo(state: State, server: string): ConnId | undefined {
  return state.links.get(server);
}

/** Whether messages for `server` have a way there: a link of this node's, or (in a cluster) another node's. */
export function isLinked(state: State, server: string): boolean {
  return state.links.has(server) || state.remoteLinks.has(server);
}

/**
 * Two links to one server (both listed each other and dialled at once): both ends keep the link dialled by
 * the server whose name sorts first, so they agree without a word and never deliver twice.
 */
export function keepsExisting(state: State, server: string, existing: ConnId): boolean {
  return keepsLinkDialledBy(state, server, state.conns.get(existing)?.dialled !== undefined);
}

/** The same rule for a link another node of the cluster holds (dialled by the cluster, or by the peer). */
export function keepsLinkDialledBy(state: State, server: string, dialledByUs: boolean): boolean {
  const ourNameFirst = state.federation.name < server;
  return dialledByUs === ourNameFirst;
}

export function withLink(state: State, server: string, conn: ConnId): State {
  const named = updateConn(state, conn, { peer: server });
  // a fresh link starts with no channels from that server: its FEDCHANNELS lines will say them again
  return withoutRemoteChannels({ ...named, links: named.links.set(server, conn) }, server);
}

export function withRemoteChannel(state: State, server: string, channel: string): State {
  const known = state.remoteChannels.get(server) ?? ISet<string>();
  if (known.has(channel)) return state;
  return {
    ...state,
    remoteChannels: state.remoteChannels.set(server, known.add(channel)),
    channelNames: state.channelNames.with(`${channel}:${server}`, true),
  };
}

export function withoutRemoteChannels(state: State, server: string): State {
  let channelNames = state.channelNames;
  for (const channel of state.remoteChannels.get(server) ?? []) channelNames = channelNames.without(`${channel}:${server}`);
  return { ...state, channelNames, remoteChannels: state.remoteChannels.delete(server) };
}

/**
 * The link to `server` is gone (here, or on the cluster node that held it): its channels leave the list and its
 * users leave our channels, unless another link to it is still up (in a cluster, for a moment, two nodes may hold one).
 */
export function withoutLink(state: State, server: string, where: 'here' | 'there' = 'here'): State {
  if (where === 'here' && state.remoteLinks.has(server)) return { ...state, links: state.links.delete(server) };
  if (where === 'there' && state.links.has(server)) return { ...state, remoteLinks: state.remoteLinks.delete(server) };
  const remoteMembers = state.remoteMembers.map((members) => {
    let kept = members;
    members.forEach((member, home) => { if (home === server) kept = kept.without(member); });
    return kept;
  });
  return withoutRemoteChannels({ ...state, links: state.links.delete(server), remoteLinks: state.remoteLinks.delete(server), remoteMembers }, server);
}

export function withRemoteMember(state: State, channel: string, member: string, server: string): State {
  const members = state.remoteMembers.get(channel) ?? SortedMap.of<string, string>();
  return { ...state, remoteMembers: state.remoteMembers.set(channel, members.with(member, server)) };
}

export function isRemoteMember(state: State, channel: string, member: string): boolean {
  return state.remoteMembers.get(channel)?.has(member) ?? false;
}

/** Local users who are members of (or joining) channels on `server`, with those channels' bare names. */
export function membershipsOn(state: State, server: string): Array<{ readonly user: string; readonly channel: string }> {
  const found: Array<{ user: string; channel: string }> = [];
  const suffix = `:${server}`;
  state.conns.forEach((conn) => {
    if (conn.user === undefined) return;
    for (const name of conn.channels) if (name.endsWith(suffix)) found.push({ user: conn.user, channel: name.slice(0, -suffix.length) });
  });
  return found;
}
