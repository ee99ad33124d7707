// What travels between nodes: JSON, a message a line, one or more lines per pub/sub publish. Names and
// users as the Lua scripts write them (capabilities as one comma-separated string, since Lua's JSON cannot
// tell [] from {}).
import type { Audience, Capability, ClusterEvent, RemoteAck, RemoteUser } from '../../src/core/types.js';
import type { Msg } from '../../src/core/messages.js';

const CAPABILITIES: ReadonlySet<string> = new Set<Capability>(['presence', 'broadcast', 'private']);

export function encodeCan(can: Iterable<Capability>): string {
  return [...can].join(',');
}

function decodeCan(text: unknown): Capability[] {
  return typeof text === 'string' ? text.split(',').filter((c): c is Capability => CAPABILITIES.has(c)) : [];
}

/** A user as `{p}users` holds it. */
export function decodeUser(text: string): RemoteUser | undefined {
  try {
    const { node, seq, can } = JSON.parse(text) as { node?: unknown; seq?: unknown; can?: unknown };
    return typeof node === 'string' && typeof seq === 'number' ? { node, seq, can: decodeCan(can) } : undefined;
  } catch {
    return undefined;
  }
}

export function encodeDeliver(origin: string, to: Audience, msg: Msg, ack?: RemoteAck): string {
  return JSON.stringify(ack ? { kind: 'deliver', origin, to, msg, ack } : { kind: 'deliver', origin, to, msg });
}

/** The messages of one publish: one or more, a line each (JSON holds no raw line end). */
export function splitBatch(text: string): string[] {
  return text.includes('\n') ? text.split('\n') : [text];
}

/** Whether a forwarded message that asked for it was written (to the node it came from). */
export function encodeAcked(origin: string, id: number, ok: boolean): string {
  return JSON.stringify({ kind: 'acked', origin, id, ok });
}

export type Message =
  | { readonly origin: string; readonly event: ClusterEvent }
  | { readonly origin: string; readonly acked: { readonly id: number; readonly ok: boolean } };

const str = (value: unknown): value is string => typeof value === 'string';
const isAck = (value: unknown): value is RemoteAck => typeof value === 'object' && value !== null && str((value as RemoteAck).node) && typeof (value as RemoteAck).id === 'number';

/** A message from the backplane and the node that sent it, or undefined if it is not one (logged by the caller). */
export function decodeMessage(text: string): Message | undefined {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!str(m.origin)) return undefined;
  if (m.kind === 'acked') return typeof m.id === 'number' ? { origin: m.origin, acked: { id: m.id, ok: m.ok === true } } : undefined;
  const event = decodeEvent(m);
  return event && { origin: m.origin, event };
}

function decodeEvent(m: Record<string, unknown>): ClusterEvent | undefined {
  switch (m.kind) {
    case 'online':
      return str(m.node) && str(m.user) && typeof m.seq === 'number' ? { kind: 'online', node: m.node, user: m.user, seq: m.seq, can: decodeCan(m.can) } : undefined;
    case 'offline':
      return str(m.node) && str(m.user) ? { kind: 'offline', node: m.node, user: m.user, how: m.how === 'quit' ? 'quit' : 'lost' } : undefined;
    case 'renamed':
      return str(m.node) && str(m.from) && str(m.to) ? { kind: 'renamed', node: m.node, from: m.from, to: m.to } : undefined;
    case 'nameTaken':
      return str(m.user) ? { kind: 'nameTaken', user: m.user } : undefined;
    case 'nodeJoined':
      return str(m.node) ? { kind: 'nodeJoined', node: m.node } : undefined;
    case 'nodeGone':
      return str(m.node) ? { kind: 'nodeGone', node: m.node } : undefined;
    case 'account':
      return str(m.user) && str(m.hash) ? { kind: 'account', user: m.user, hash: m.hash } : undefined;
    case 'channel':
      return str(m.channel) ? { kind: 'channel', channel: m.channel } : undefined;
    case 'dialect':
      // a dialect's own event: carried as it was announced; that dialect's onCluster checks it
      return str(m.dialect) && 'event' in m ? { kind: 'dialect', dialect: m.dialect, event: m.event } : undefined;
    case 'holding':
      return str(m.node) && str(m.group) && typeof m.held === 'boolean' ? { kind: 'holding', node: m.node, group: m.group, held: m.held } : undefined;
    case 'holdings':
      return str(m.node) && Array.isArray(m.groups) ? { kind: 'holdings', node: m.node, groups: m.groups.filter(str) } : undefined;
    case 'deliver':
      // written by encodeDeliver on another node of this cluster: trusted as the core's own Audience and Msg
      if (!m.to || typeof m.to !== 'object' || !m.msg || typeof m.msg !== 'object') return undefined;
      return { kind: 'deliver', to: m.to as Audience, msg: m.msg as Msg, ...(isAck(m.ack) ? { ack: m.ack } : {}) };
    default:
      return undefined;
  }
}
