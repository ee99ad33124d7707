// What the other nodes of a cluster tell this one, applied to this node's state. Each node holds its own
// connections and knows the others' users (for LIST, USERS, name checks and the user limit); messages for
// users elsewhere are forwarded by the router, and come in here as `deliver` for this node's users. Pure.
import { chain, effect, join, none, note, send, type Sent, type Step } from './steps.js';
import type { LeaveHow, Msg } from './messages.js';
import { logOut } from './presence.js';
import { updateConn, withChannel, type State } from './state.js';
import { withReindexed } from './name-policy.js';
import type { Audience, Capability, ClusterEvent, RemoteUser } from './types.js';
import { capableGroup, channelGroup, nodesWanting, tellHoldings, withCapabilityHoldings, withHolding, withHoldings, withoutNode } from './cluster-groups.js';

/** Presence notices for this node's users only: the node the change happened on told its own. */
const HERE = { kind: 'capable', capability: 'presence' } as const;

function joined(state: State, name: string, user: RemoteUser): Step {
  // a name this node holds is never another's: the claim in the backplane is atomic, so this is a stale event
  if (state.online.has(name)) return none(state);
  const before = state.remoteUsers.get(name);
  const next: State = withReindexed({
    ...state,
    remoteUsers: state.remoteUsers.set(name, user),
    loginOrder: (before ? state.loginOrder.without(before.seq) : state.loginOrder).with(user.seq, name),
    names: state.names.with(name, true),
  }, name);
  return before ? none(next) : sendHere(next, { kind: 'joined', user: name });
}

function left(state: State, name: string, how: LeaveHow): Step {
  const user = state.remoteUsers.get(name);
  if (!user) return none(state);
  const next: State = withReindexed({
    ...state,
    remoteUsers: state.remoteUsers.delete(name),
    loginOrder: state.loginOrder.without(user.seq),
    names: state.names.without(name),
  }, name);
  return sendHere(next, { kind: 'left', user: name, how });
}

function renamed(state: State, node: string, from: string, to: string): Step {
  const user = state.remoteUsers.get(from);
  if (user?.node !== node || state.online.has(to)) return none(state);
  const next: State = withReindexed({
    ...state,
    remoteUsers: state.remoteUsers.delete(from).set(to, user),
    loginOrder: state.loginOrder.with(user.seq, to),
    names: state.names.without(from).with(to, true),
  }, from, to);
  return sendHere(next, { kind: 'renamed', from, to });
}

/** A message for this node's connections only (the router forwards nothing of it). */
function hereOnly(step: Step): Step {
  return { ...step, out: step.out.map((sent) => ({ ...sent, here: true as const })) };
}

function sendHere(state: State, msg: Msg): Step {
  return hereOnly(send(state, HERE, msg));
}

/** The users of every other node as the backplane lists them: whoever this node missed joining or leaving is set right. */
function resync(state: State, users: ReadonlyArray<readonly [string, RemoteUser]>): Step {
  const listed = new Map(users.filter(([, user]) => user.node !== state.cluster));
  const steps: Step[] = [];
  let current = state;
  const take = (step: Step) => { steps.push(step); current = step.state; };
  for (const [name] of state.remoteUsers) if (!listed.has(name)) take(left(current, name, 'lost'));
  for (const [name, user] of listed) {
    const known = current.remoteUsers.get(name);
    if (!known || known.node !== user.node || known.seq !== user.seq) take(joined(current, name, user));
  }
  // what this node holds may have been missed too (or dropped, if it was taken for gone): every node hears it again
  take(tellHoldings(current));
  return join(steps, current);
}

/** A node is gone: its users leave (the dialects' onNodeGone then drop whatever they kept of it). */
export function nodeGone(state: State, node: string): Step {
  const steps: Step[] = [];
  let current = withoutNode(state, node);
  for (const [name, user] of state.remoteUsers) {
    if (user.node !== node) continue;
    const step = left(current, name, 'lost');
    steps.push(step);
    current = step.state;
  }
  steps.push(note(current, 'warn', 'nodeGone', `cluster node ${node} is gone; its ${steps.length} user(s) left`, { gone: node, users: steps.length }));
  return join(steps, current);
}

/** Two nodes must never both hold a name: this node's user of it is closed (its name is no longer its own). */
function nameTaken(state: State, user: string): Step {
  const conn = state.online.get(user);
  if (conn === undefined) return none(state);
  return chain(updateConn(state, conn, { closing: 'refused' }),
    (s) => logOut(s, conn, 'lost'),
    (s) => effect(s, { kind: 'close', conn }),
    (s) => note(s, 'warn', 'nameTaken', `${user} was logged in on another node while this one was cut off from the cluster; closing ${conn}`, { conn, user }),
  );
}

/** In a cluster: tells the other nodes (or one of them) what changed here; on its own a server has no one to tell. */
export function announce(state: State, event: ClusterEvent, node?: string): Step {
  return state.cluster === undefined ? none(state) : effect(state, { kind: 'announce', event, ...(node !== undefined ? { node } : {}) });
}

export function applyClusterEvent(state: State, event: ClusterEvent): Step {
  switch (event.kind) {
    case 'online': return joined(withCapabilityHoldings(state, event.node, event.can), event.user, { node: event.node, seq: event.seq, can: event.can });
    case 'offline': return state.remoteUsers.get(event.user)?.node === event.node ? left(state, event.user, event.how) : none(state);
    case 'renamed': return renamed(state, event.node, event.from, event.to);
    case 'nodeGone': return nodeGone(state, event.node);
    // what a node that joined must know of this one is the dialects' business (onNodeJoined)
    case 'users': return resync(state, event.users);
    case 'account': return none(withReindexed({ ...state, accounts: state.accounts.set(event.user, event.hash) }, event.user));
    case 'channel': return none(withChannel(state, event.channel));
    case 'deliver': {
      const step = hereOnly(send(state, event.to, event.msg));
      return event.ack ? { ...step, out: step.out.map((sent) => ({ ...sent, remoteAck: event.ack! })) } : step;
    }
    case 'nodeJoined': return none(state);
    case 'holding': return none(withHolding(state, event.node, event.group, event.held));
    case 'holdings': return none(withHoldings(state, event.node, event.groups));
    case 'nameTaken': return nameTaken(state, event.user);
    default: return note(state, 'error', 'bug', `no dialect handles the cluster event ${event.kind}`);
  }
}

/** The users this node holds, with their place in the login order and what they can be shown. */
export function heldUsers(state: State): Array<{ readonly user: string; readonly seq: number; readonly can: ReadonlySet<Capability> }> {
  const held: Array<{ user: string; seq: number; can: ReadonlySet<Capability> }> = [];
  state.online.forEach((id, user) => {
    const conn = state.conns.get(id);
    if (conn?.loginSeq !== undefined) held.push({ user, seq: conn.loginSeq, can: conn.can });
  });
  return held;
}

/** Messages only: presence notices are made by every node from the cluster's events, never forwarded. */
const FORWARDED: ReadonlySet<Msg['kind']> = new Set(['private', 'broadcast', 'recv']);

/** Other nodes a message may go to: the one holding its user, or those holding members of its group. */
export interface ForwardTarget {
  readonly nodes: readonly string[];
  readonly to: Audience;
}

/**
 * Which other nodes a message sent here is also for: the one node holding its user, or the nodes holding members
 * of its channel or capability group (with an audience they can resolve), or none. Decided against the state it
 * was sent in.
 */
export function forwardTarget({ to, msg, state }: Sent): ForwardTarget | undefined {
  if (!FORWARDED.has(msg.kind)) return undefined;
  switch (to.kind) {
    case 'user': {
      const node = state.online.has(to.user) ? undefined : state.remoteUsers.get(to.user)?.node;
      return node === undefined ? undefined : { nodes: [node], to };
    }
    case 'channel':
    case 'capable': {
      const nodes = nodesWanting(state, to.kind === 'channel' ? channelGroup(to.channel) : capableGroup(to.capability));
      if (nodes.size === 0) return undefined;
      // `except` names a connection of this node: the others have no such connection
      const { except: _, ...everywhere } = to;
      return { nodes: nodes.toArray(), to: everywhere };
    }
    case 'conn':
      return undefined;
  }
}
