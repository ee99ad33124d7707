// Federation in a cluster: what the node holding a link tells the other nodes (see `tell`), applied on
// theirs. Links live on one node; its peers' channels and members, and the answers for users elsewhere, travel.
import { join, none, note, type Step } from '../../../core/steps.js';
import type { State } from '../../../core/state.js';
import { fedJoin } from './codec.js';
import { fedResultFor, linkGone } from './handlers.js';
import { decodeFederationEvent, tell, toPeer } from './route.js';
import { withRemoteLink } from './links.js';
import { plain } from './names.js';
import { membershipsOn, withoutRemoteChannels, withRemoteChannel, withRemoteMember } from './remote.js';
import { dialledOf, fed, serverName } from './state.js';

/** What another node's channels dialect told this one. */
export function onCluster(state: State, raw: unknown): Step {
  const event = decodeFederationEvent(raw);
  if (!event) return note(state, 'warn', 'clusterEventIgnored', 'ignored a malformed federation event from another node');
  switch (event.kind) {
    // another node linked with `server`: its channels come again, and this node's users rejoin theirs there
    case 'linked': {
      const { node, server, host, dialled } = event;
      const linked = withRemoteLink(state, server, { node, host, dialled });
      if (fed(state).links.has(server)) return none(linked);
      const next = withoutRemoteChannels(linked, server);
      const steps = membershipsOn(next, server).map(({ user, channel }) => toPeer(next, server, fedJoin(`${user}@${serverName(next)}`, channel)));
      return steps.length ? join(steps, next) : none(next);
    }
    case 'unlinked':
      return fed(state).remoteLinks.get(event.server)?.node === event.node ? linkGone(state, event.server, 'there') : none(state);
    case 'remoteChannel': return none(withRemoteChannel(state, event.server, event.channel));
    case 'remoteMember': return none(withRemoteMember(state, event.channel, event.member, event.server));
    case 'fedResult': return fedResultFor(state, event.user, event.server, event.rest);
    case 'toPeer': return toPeer(state, event.server, event.line);
  }
}

/** A node that just joined learns the links this one holds, with their channels and members. */
export function onNodeJoined(state: State, node: string): Step {
  const steps: Step[] = [];
  const { links, remoteChannels, remoteMembers } = fed(state);
  links.forEach((id, server) => {
    const conn = state.conns.get(id);
    const host = plain(conn?.remote.address ?? '');
    steps.push(tell(state, { kind: 'linked', node: state.cluster!, server, host, dialled: conn !== undefined && dialledOf(conn) !== undefined }, node));
    for (const channel of remoteChannels.get(server) ?? []) steps.push(tell(state, { kind: 'remoteChannel', server, channel }, node));
  });
  remoteMembers.forEach((members, channel) => members.forEach((member, server) => {
    if (links.has(server)) steps.push(tell(state, { kind: 'remoteMember', channel, member, server }, node));
  }));
  return steps.length ? join(steps, state) : none(state);
}

/** A node is gone, and the links it held with it: as when it says a link is down, joins under way there fail. */
export function onNodeGone(state: State, node: string): Step {
  const steps: Step[] = [];
  let current = state;
  for (const [server, held] of fed(state).remoteLinks) {
    if (held.node !== node) continue;
    const gone = linkGone(current, server, 'there');
    steps.push(gone);
    current = gone.state;
  }
  return steps.length ? join(steps, current) : none(state);
}
