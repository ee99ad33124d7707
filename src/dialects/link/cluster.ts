// Federation in a cluster: what the node holding a link tells the other nodes (see `announce`), applied on
// theirs. Links live on one node; its peers' channels and members, and the answers for users elsewhere, travel.
import { join, none, send, type Step } from '../../core/steps.js';
import { announce } from '../../core/cluster.js';
import type { DialectModule } from '../../core/dialect.js';
import { membershipsOn, plain, withoutRemoteChannels, withRemoteChannel, withRemoteMember } from '../../core/federation.js';
import { fedJoin } from './codec.js';
import { fedResultFor, linkGone } from './handlers.js';

export const clusterHandlers: NonNullable<DialectModule['onCluster']> = {
  // another node linked with `server`: its channels come again, and this node's users rejoin theirs there
  linked: (state, { node, server, host, dialled }) => {
    const remoteLinks = state.remoteLinks.set(server, { node, host, dialled });
    if (state.links.has(server)) return none({ ...state, remoteLinks });
    const next = { ...withoutRemoteChannels(state, server), remoteLinks };
    const steps = membershipsOn(next, server).map(({ user, channel }) => send(next, { kind: 'peer', peer: server }, { type: 'reply', line: fedJoin(`${user}@${next.federation.name}`, channel) }));
    return steps.length ? join(steps, next) : none(next);
  },
  unlinked: (state, { node, server }) => (state.remoteLinks.get(server)?.node === node ? linkGone(state, server, 'there') : none(state)),
  remoteChannel: (state, { server, channel }) => none(withRemoteChannel(state, server, channel)),
  remoteMember: (state, { channel, member, server }) => none(withRemoteMember(state, channel, member, server)),
  fedResult: (state, { user, server, rest }) => fedResultFor(state, user, server, rest),
  // a node that just joined learns the links this one holds, with their channels and members
  nodeJoined: (state, { node }) => {
    const steps: Step[] = [];
    state.links.forEach((id, server) => {
      const host = plain(state.conns.get(id)?.remote.address ?? '');
      steps.push(announce(state, { type: 'linked', node: state.cluster!, server, host, dialled: state.conns.get(id)?.dialled !== undefined }, node));
      for (const channel of state.remoteChannels.get(server) ?? []) steps.push(announce(state, { type: 'remoteChannel', server, channel }, node));
    });
    state.remoteMembers.forEach((members, channel) => members.forEach((member, server) => {
      if (state.links.has(server)) steps.push(announce(state, { type: 'remoteMember', channel, member, server }, node));
    }));
    return steps.length ? join(steps, state) : none(state);
  },
};
