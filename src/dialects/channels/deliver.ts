// A channel message reaches every member: local ones as RECV through the channel's audience, remote ones
// as one FEDRECV each on the link to their server (channels.md, "Federation").
import { join, none, send, type Step } from '../../core/steps.js';
import type { State } from '../../core/state.js';
import { fedRecv } from './federation/codec.js';
import { toPeer } from './federation/route.js';
import { splitUser } from './federation/names.js';
import { remoteMembersOf } from './federation/remote.js';
import { fed } from './federation/state.js';

/** `from` is named as this server names it: bare for its own users, `user@server` for others. */
export function deliverToChannel(state: State, channel: string, from: string, text: string): Step {
  const steps: Step[] = [send(state, { kind: 'channel', channel }, { kind: 'recv', from, channel, text })];
  remoteMembersOf(state, channel)?.forEach((member, server) => {
    steps.push(toPeer(state, server, fedRecv(splitUser(member).user, from, channel, text)));
  });
  return steps.length === 1 ? steps[0] : join(steps, state);
}

/** Tells every linked server about something (a new channel). */
export function toEveryPeer(state: State, line: string): Step {
  const steps: Step[] = [];
  // in a cluster, the links other nodes hold too: the router sends those lines on to them
  const { links, remoteLinks } = fed(state);
  for (const held of [links, remoteLinks]) held.forEach((_held, server) => steps.push(toPeer(state, server, line)));
  return steps.length ? join(steps, state) : none(state);
}
