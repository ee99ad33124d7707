// Which nodes of a cluster want which messages. A message for a channel (or for everyone who can be shown
// broadcasts) is forwarded only to the nodes that hold a member of that fan-out group: each node tells the
// others when it gets its first member of a group and when it loses its last (`holding`), tells a node that
// joins everything it holds (`holdings`), and forgets a node that is gone. Pure.
import { Map as IMap, Set as ISet } from 'immutable';
import { effect, join, none, type Step } from './steps.js';
import type { State } from './state.js';
import type { Capability, ClusterEvent } from './types.js';

/** A fan-out group as the nodes name it: `#name` for a channel, `*capability` for everyone whose dialect has it. */
export type GroupKey = string;

export const channelGroup = (channel: string): GroupKey => `#${channel}`;
export const capableGroup = (capability: Capability): GroupKey => `*${capability}`;

export interface ClusterGroups {
  /** The groups this node has members of, as it last told the other nodes. */
  readonly held: ISet<GroupKey>;
  /** The other nodes holding members of each group. */
  readonly wanted: IMap<GroupKey, ISet<string>>;
  /** The same by node, so that a node that is gone (or tells all it holds again) is dropped without a scan. */
  readonly byNode: IMap<string, ISet<GroupKey>>;
}

export const NO_GROUPS: ClusterGroups = { held: ISet(), wanted: IMap(), byNode: IMap() };
const NO_NODES: ISet<string> = ISet();

/** The other nodes that hold members of `group`. */
export function nodesWanting(state: State, group: GroupKey): ISet<string> {
  return state.groups.wanted.get(group) ?? NO_NODES;
}

function hasLocalMembers(state: State, group: GroupKey): boolean {
  const name = group.slice(1);
  const members = group.startsWith('#') ? state.channels.get(name) : state.capable.get(name as Capability);
  return members !== undefined && members.size > 0;
}

/**
 * After a change of membership here: for each of `groups` that got its first member or lost its last, the other
 * nodes are told (one `holding` each). On a server alone, nothing.
 */
export function announceHolding(state: State, groups: Iterable<GroupKey>): Step {
  const node = state.cluster;
  if (node === undefined) return none(state);
  let held = state.groups.held;
  const steps: Step[] = [];
  for (const group of groups) {
    const now = hasLocalMembers(state, group);
    if (now === held.has(group)) continue;
    held = now ? held.add(group) : held.remove(group);
    steps.push(effect(state, { kind: 'announce', event: { kind: 'holding', node, group, held: now } }));
  }
  if (!steps.length) return none(state);
  const next: State = { ...state, groups: { ...state.groups, held } };
  return join(steps, next);
}

/** Everything this node holds, for one node that joined (or, after this node was away, for every node). */
export function tellHoldings(state: State, to?: string): Step {
  const node = state.cluster;
  if (node === undefined) return none(state);
  const event: ClusterEvent = { kind: 'holdings', node, groups: [...state.groups.held] };
  return effect(state, { kind: 'announce', event, ...(to !== undefined ? { node: to } : {}) });
}

/** `node` has (or no longer has) members of `group`. */
export function withHolding(state: State, node: string, group: GroupKey, held: boolean): State {
  if (node === state.cluster) return state;
  const { wanted, byNode } = state.groups;
  const nodes = wanted.get(group) ?? NO_NODES;
  const mine = byNode.get(node) ?? ISet<GroupKey>();
  const nextNodes = held ? nodes.add(node) : nodes.remove(node);
  const nextMine = held ? mine.add(group) : mine.remove(group);
  return {
    ...state,
    groups: {
      ...state.groups,
      wanted: nextNodes.size ? wanted.set(group, nextNodes) : wanted.remove(group),
      byNode: nextMine.size ? byNode.set(node, nextMine) : byNode.remove(node),
    },
  };
}

/** `node` holds exactly `groups` (what it told a node that joined, or every node after it was away). */
export function withHoldings(state: State, node: string, groups: Iterable<GroupKey>): State {
  let next = withoutNode(state, node);
  for (const group of groups) next = withHolding(next, node, group, true);
  return next;
}

/**
 * A user of `node` came online: that node holds the capability groups of its dialect. Its own `holding` announcement
 * may come a moment later than the `online` event (they travel apart), and a broadcast in between must reach it;
 * holding a group too long only forwards a message the node drops.
 */
export function withCapabilityHoldings(state: State, node: string, can: Iterable<Capability>): State {
  let next = state;
  for (const capability of can) {
    const group = capableGroup(capability);
    if (!nodesWanting(next, group).has(node)) next = withHolding(next, node, group, true);
  }
  return next;
}

/** `node` is gone: it wants nothing any more. */
export function withoutNode(state: State, node: string): State {
  const mine = state.groups.byNode.get(node);
  if (!mine) return state;
  let next = state;
  for (const group of mine) next = withHolding(next, node, group, false);
  return next;
}
