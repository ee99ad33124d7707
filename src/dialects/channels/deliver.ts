// A channel message reaches every member: local ones as RECV through the channel's audience, remote ones
// as one FEDRECV each on the link to their server (channels.md, "Federation").
import { join, none, send, type Step } from '../../core/steps.js';
import { splitUser } from '../../core/federation.js';
import type { State } from '../../core/state.js';
import { fedRecv } from '../link/codec.js';

/** `from` is named as this server names it: bare for its own users, `user@server` for others. */
export function deliverToChannel(state: State, channel: string, from: string, text: string): Step {
  const steps: Step[] = [send(state, { kind: 'channel', channel }, { type: 'recv', from, channel, text })];
  state.remoteMembers.get(channel)?.forEach((member, server) => {
    steps.push(send(state, { kind: 'peer', peer: server }, { type: 'reply', line: fedRecv(splitUser(member).user, from, channel, text) }));
  });
  return steps.length === 1 ? steps[0] : join(steps, state);
}

/** Tells every linked server about something (a new channel). */
export function toEveryPeer(state: State, line: string): Step {
  const steps: Step[] = [];
  // in a cluster, the links other nodes hold too: the router sends those lines on to them
  for (const links of [state.links, state.remoteLinks]) links.forEach((_held, server) => steps.push(send(state, { kind: 'peer', peer: server }, { type: 'reply', line })));
  return steps.length ? join(steps, state) : none(state);
}
