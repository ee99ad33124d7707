// How a line reaches a federated server, and how this dialect tells the other nodes of a cluster what
// changed in its slice: a `dialect` cluster event the core carries unread to our onCluster (./cluster.ts).
import { none, send, type Step } from '../../../core/steps.js';
import { announce } from '../../../core/cluster.js';
import type { State } from '../../../core/state.js';
import { fed } from './state.js';

/** What this dialect tells the other nodes of a cluster. */
export type FederationEvent =
  /** `node` holds the link to `server` (at `host`), and every node's lines for it go there. */
  | { readonly kind: 'linked'; readonly node: string; readonly server: string; readonly host: string; readonly dialled: boolean }
  | { readonly kind: 'unlinked'; readonly node: string; readonly server: string }
  /** The linked server `server` has the channel `channel` (its FEDCHANNELS and FEDNEW, passed on by the node holding the link). */
  | { readonly kind: 'remoteChannel'; readonly server: string; readonly channel: string }
  /** `member` (`user@server`) joined our channel `channel` through the link to `server`. */
  | { readonly kind: 'remoteMember'; readonly channel: string; readonly member: string; readonly server: string }
  /** A FEDRESULT from `server` for a user of the node this is sent to (`rest`: what follows the user on the line). */
  | { readonly kind: 'fedResult'; readonly user: string; readonly server: string; readonly rest: string }
  /** A line for `server`, whose link the node this is sent to holds. */
  | { readonly kind: 'toPeer'; readonly server: string; readonly line: string };

/** Tells the other nodes (or one, `node`); on its own a server has no one to tell. */
export function tell(state: State, event: FederationEvent, node?: string): Step {
  return announce(state, { kind: 'dialect', dialect: 'channels', event }, node);
}

/** A line for the federated server `server`: on this node's link to it, or to the node that holds the link. */
export function toPeer(state: State, server: string, line: string): Step {
  const { links, remoteLinks } = fed(state);
  const here = links.get(server);
  if (here !== undefined) return send(state, { kind: 'conn', conn: here }, { kind: 'reply', line });
  const there = remoteLinks.get(server);
  return there ? tell(state, { kind: 'toPeer', server, line }, there.node) : none(state);
}

const str = (v: unknown): v is string => typeof v === 'string';

/** An event another node's channels dialect announced, checked field by field; undefined if it is not one. */
export function decodeFederationEvent(raw: unknown): FederationEvent | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.kind) {
    case 'linked':
      return str(m.node) && str(m.server) && str(m.host) ? { kind: 'linked', node: m.node, server: m.server, host: m.host, dialled: m.dialled === true } : undefined;
    case 'unlinked':
      return str(m.node) && str(m.server) ? { kind: 'unlinked', node: m.node, server: m.server } : undefined;
    case 'remoteChannel':
      return str(m.server) && str(m.channel) ? { kind: 'remoteChannel', server: m.server, channel: m.channel } : undefined;
    case 'remoteMember':
      return str(m.channel) && str(m.member) && str(m.server) ? { kind: 'remoteMember', channel: m.channel, member: m.member, server: m.server } : undefined;
    case 'fedResult':
      return str(m.user) && str(m.server) && str(m.rest) ? { kind: 'fedResult', user: m.user, server: m.server, rest: m.rest } : undefined;
    case 'toPeer':
      return str(m.server) && str(m.line) ? { kind: 'toPeer', server: m.server, line: m.line } : undefined;
    default:
      return undefined;
  }
}
