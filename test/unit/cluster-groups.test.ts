// Which nodes of a cluster want which messages (src/core/cluster-groups.ts): a node tells the others when it gets
// its first member of a channel (or of a capability group) and when it loses its last, a message is forwarded
// only to the nodes that hold members of its group, a node that joins learns what every other holds, a node that
// is gone wants nothing, and what arrived together from Redis is one transition.
import { describe, expect, it } from 'vitest';
import { initialState } from '../../src/server-step.js';
import { forwardTarget } from '../../src/core/cluster.js';
import { channelGroup, nodesWanting } from '../../src/core/cluster-groups.js';
import type { Sent } from '../../src/core/steps.js';
import type { State } from '../../src/core/state.js';
import type { ClusterEvent, Command, Effect } from '../../src/core/types.js';
import { LIMITS, line, open, run } from '../support/core.js';

const at = 0;
const NODE = 'n1';
const cluster = (event: ClusterEvent): Command => ({ kind: 'cluster', event, at });
const batch = (...events: ClusterEvent[]): Command => ({ kind: 'clusterBatch', events, at });

function nodeWithRoom(): State {
  return initialState(LIMITS, { accounts: [], channels: ['room', 'hall'] }, undefined, { node: NODE, users: [] });
}

/** A channels user logged in here (the cluster granted the name). */
function channelsUser(state: State, conn: string, user: string, seq: number): State {
  const registered = run([open(conn), line(conn, `REGISTER ${user} pw`), { kind: 'passwordHashed', conn, user, hash: 'h', at },
    { kind: 'accountStored', conn, user, hash: 'h', ok: true, at }], state).state;
  return run([line(conn, `LOGIN ${user} pw`), { kind: 'passwordChecked', conn, user, ok: true, at },
    { kind: 'nameClaimed', conn, user, outcome: 'granted', seq, at }], registered).state;
}

const holdings = (effects: readonly Effect[]) => effects.flatMap((e) => (e.kind === 'announce' && (e.event.kind === 'holding' || e.event.kind === 'holdings') ? [{ event: e.event, ...(e.node !== undefined ? { to: e.node } : {}) }] : []));

/** Where a SAY in `channel` by the user on `conn` is forwarded, as the backplane would ask. */
function sayTargets(state: State, conn: string, channel: string): readonly string[] | undefined {
  const r = run([line(conn, `SAY ${channel} hello`)], state);
  const said = r.out.find((s: Sent) => s.msg.kind === 'recv');
  expect(said).toBeDefined();
  return forwardTarget(said!)?.nodes;
}

describe('a node tells the others which channels it holds members of', () => {
  it('the first member here is announced once, a second is not, and the last one leaving is', () => {
    const two = channelsUser(channelsUser(nodeWithRoom(), 'c1', 'cleo', 1), 'c2', 'carl', 2);
    const first = run([line('c1', 'JOIN room')], two);
    expect(holdings(first.effects)).toEqual([{ event: { kind: 'holding', node: NODE, group: '#room', held: true } }]);
    const second = run([line('c2', 'JOIN room')], first.state);
    expect(holdings(second.effects)).toEqual([]);
    const oneLeft = run([{ kind: 'closed', conn: 'c1', cause: 'ended', at }], second.state);
    expect(holdings(oneLeft.effects).filter((h) => h.event.kind === 'holding' && h.event.group === '#room')).toEqual([]);
    const noneLeft = run([{ kind: 'closed', conn: 'c2', cause: 'ended', at }], oneLeft.state);
    expect(holdings(noneLeft.effects)).toContainEqual({ event: { kind: 'holding', node: NODE, group: '#room', held: false } });
  });

  it('a server on its own announces nothing', () => {
    const alone = initialState(LIMITS, { accounts: [], channels: ['room'] });
    const r = run([open('c1'), line('c1', 'REGISTER cleo pw'), { kind: 'passwordHashed', conn: 'c1', user: 'cleo', hash: 'h', at },
      { kind: 'accountStored', conn: 'c1', user: 'cleo', hash: 'h', ok: true, at }, line('c1', 'LOGIN cleo pw'),
      { kind: 'passwordChecked', conn: 'c1', user: 'cleo', ok: true, at }, line('c1', 'JOIN room')], alone);
    expect(r.lines.c1?.at(-1)).toBe('RESULT JOIN room 1');
    expect(holdings(r.effects)).toEqual([]);
  });
});

describe('a channel message goes only to the nodes holding members of that channel', () => {
  const sender = () => run([line('c1', 'JOIN room')], channelsUser(nodeWithRoom(), 'c1', 'cleo', 1)).state;

  it('no other node holds the channel: the message stays here', () => {
    expect(sayTargets(sender(), 'c1', 'room')).toBeUndefined();
  });

  it('only the nodes that said they hold it, until they say they no longer do or are gone', () => {
    const told = run([cluster({ kind: 'holding', node: 'n2', group: '#room', held: true }),
      cluster({ kind: 'holding', node: 'n3', group: '#hall', held: true }),
      cluster({ kind: 'holding', node: 'n4', group: '#room', held: true })], sender()).state;
    expect([...(sayTargets(told, 'c1', 'room') ?? [])].sort()).toEqual(['n2', 'n4']);
    const n2left = run([cluster({ kind: 'holding', node: 'n2', group: '#room', held: false })], told).state;
    expect(sayTargets(n2left, 'c1', 'room')).toEqual(['n4']);
    const n4gone = run([cluster({ kind: 'nodeGone', node: 'n4' })], n2left).state;
    expect(sayTargets(n4gone, 'c1', 'room')).toBeUndefined();
    expect(n4gone.groups.byNode.has('n4')).toBe(false);
    expect(nodesWanting(n4gone, channelGroup('hall')).toArray()).toEqual(['n3']);
  });

  it('this node’s own holding, echoed back by the bus, never makes it a target', () => {
    const echoed = run([cluster({ kind: 'holding', node: NODE, group: '#room', held: true })], sender()).state;
    expect(sayTargets(echoed, 'c1', 'room')).toBeUndefined();
  });

  it('a broadcast goes only to the nodes holding someone who can be shown broadcasts', () => {
    const mia = run([open('m1'), line('m1', 'NAME mia'), { kind: 'nameClaimed', conn: 'm1', user: 'mia', outcome: 'granted', seq: 1, at }], nodeWithRoom());
    expect(holdings(mia.effects)).toContainEqual({ event: { kind: 'holding', node: NODE, group: '*broadcast', held: true } });
    const broadcast = (state: State) => forwardTarget(run([line('m1', 'BROADCAST hi')], state).out.find((s) => s.msg.kind === 'broadcast')!)?.nodes;
    expect(broadcast(mia.state)).toBeUndefined();
    const told = run([cluster({ kind: 'holding', node: 'n2', group: '*broadcast', held: true })], mia.state).state;
    expect(broadcast(told)).toEqual(['n2']);
  });

  it('a user online on another node makes that node a target for what its dialect can be shown, before its holding arrives', () => {
    const mia = run([open('m1'), line('m1', 'NAME mia'), { kind: 'nameClaimed', conn: 'm1', user: 'mia', outcome: 'granted', seq: 1, at }], nodeWithRoom());
    const broadcast = (state: State) => forwardTarget(run([line('m1', 'BROADCAST hi')], state).out.find((s) => s.msg.kind === 'broadcast')!)?.nodes;
    const moeOnline = run([cluster({ kind: 'online', node: 'n3', user: 'moe', seq: 2, can: ['broadcast', 'presence', 'private'] })], mia.state).state;
    expect(broadcast(moeOnline)).toEqual(['n3']);
    const directOnline = run([cluster({ kind: 'online', node: 'n4', user: 'dee', seq: 3, can: ['presence', 'private'] })], mia.state).state;
    expect(broadcast(directOnline)).toBeUndefined();
  });
});

describe('a node that joins late learns what every node holds', () => {
  it('nodeJoined: this node tells the newcomer, and only it, every group it holds', () => {
    const state = run([line('c1', 'JOIN room')], channelsUser(nodeWithRoom(), 'c1', 'cleo', 1)).state;
    const r = run([cluster({ kind: 'nodeJoined', node: 'n9' })], state);
    const told = holdings(r.effects);
    expect(told).toHaveLength(1);
    expect(told[0].to).toBe('n9');
    expect(told[0].event.kind === 'holdings' && [...told[0].event.groups].sort()).toEqual(['#room']);
  });

  it('holdings replace what was known of that node: a group it no longer holds is dropped', () => {
    const state = run([cluster({ kind: 'holding', node: 'n2', group: '#hall', held: true })], nodeWithRoom()).state;
    const r = run([cluster({ kind: 'holdings', node: 'n2', groups: ['#room'] })], state).state;
    expect(nodesWanting(r, channelGroup('room')).toArray()).toEqual(['n2']);
    expect(nodesWanting(r, channelGroup('hall')).size).toBe(0);
  });

  it('after a reconnection (the users resync), this node tells every node again what it holds', () => {
    const state = run([line('c1', 'JOIN room')], channelsUser(nodeWithRoom(), 'c1', 'cleo', 1)).state;
    const told = holdings(run([cluster({ kind: 'users', users: [] })], state).effects);
    expect(told).toHaveLength(1);
    expect(told[0].to).toBeUndefined();
    expect(told[0].event.kind === 'holdings' && told[0].event.groups).toContain('#room');
  });
});

describe('what arrived together is one transition', () => {
  it('a batch of forwarded messages is handled as one command, in order, as the same events one by one', () => {
    const state = run([line('c1', 'JOIN room')], channelsUser(nodeWithRoom(), 'c1', 'cleo', 1)).state;
    const events: ClusterEvent[] = ['one', 'two', 'three'].map((text) => ({ kind: 'deliver', to: { kind: 'channel', channel: 'room' }, msg: { kind: 'recv', from: 'rita', channel: 'room', text } }));
    const together = run([batch(...events)], state);
    expect(together.lines.c1).toEqual(['RECV rita room one', 'RECV rita room two', 'RECV rita room three']);
    expect(together.out.every((s) => s.here === true)).toBe(true);
    expect(together.lines).toEqual(run(events.map(cluster), state).lines);
  });
});
