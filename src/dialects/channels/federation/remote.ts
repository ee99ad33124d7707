// What federated servers bring here: their channels in our list, their users in our channels (and how many
// each server has there), and our users in theirs. Pure.
import { Set as ISet } from 'immutable';
import { SortedMap } from '../../../core/sorted.js';
import type { State } from '../../../core/state.js';
import { fed, withFed } from './state.js';

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

/** Members `server` has in our channels, all channels together. */
export function membersFrom(state: State, server: string): number {
  return fed(state).membersFrom.get(server) ?? 0;
}
