// Cluster mode in the pure core: what the other nodes tell this one (applyClusterEvent), the users this node
// holds (heldUsers), and the name claim every dialect's login and rename goes through in a cluster.
import { describe, expect, it } from 'vitest';
import { DIALECTS, initialState } from '../../src/server-step.js';
import type { Sent } from '../../src/core/steps.js';
import { applyClusterEvent, heldUsers } from '../../src/core/cluster.js';
import { forEachDelivery } from '../../src/core/audience.js';
import type { State } from '../../src/core/state.js';
import type { ClaimOutcome, ClusterEvent, Command, LogEvent, RemoteUser } from '../../src/core/types.js';
import { closed, LIMITS, line, open, run } from '../support/core.js';

const at = 0;
const NODE = 'n1';

/** Users of other nodes, as the backplane lists them. */
const REMOTE: Array<[string, RemoteUser]> = [
  ['rita', { node: 'n2', seq: 1, can: ['private'] }],
  ['ross', { node: 'n3', seq: 3, can: ['presence', 'broadcast', 'private'] }],
];

function clusterState(users: Array<[string, RemoteUser]> = REMOTE, limits = LIMITS): State {
  return initialState(limits, { accounts: [], channels: [] }, undefined, { node: NODE, users });
}

const event = (e: ClusterEvent): Command => ({ kind: 'cluster', event: e, at });
const claimed = (conn: string, user: string, outcome: ClaimOutcome, seq?: number, from?: string): Command =>
  ({ kind: 'nameClaimed', conn, user, outcome, ...(seq !== undefined ? { seq } : {}), ...(from !== undefined ? { from } : {}), at });

/** A connection logged in through the cluster: its login line, then the claim granted with `seq`. */
function loggedIn(state: State, conn: string, login: string, user: string, seq: number): State {
  return run([open(conn), line(conn, login), claimed(conn, user, 'granted', seq)], state).state;
}

/** Applies cluster events one after another (through applyClusterEvent itself, not step). */
function apply(state: State, ...events: ClusterEvent[]) {
  const lines: Record<string, string[]> = {};
  const out: Sent[] = [];
  const log: LogEvent[] = [];
  for (const e of events) {
    const s = applyClusterEvent(state, e);
    state = s.state;
    out.push(...s.out);
    log.push(...s.log);
    // after a reconnection (`users`) a node tells every node again what it holds (test/unit/cluster-groups.test.ts)
    expect(s.effects.filter((e) => !(e.kind === 'announce' && e.event.kind === 'holdings'))).toEqual([]);
    for (const sent of s.out) forEachDelivery(DIALECTS, sent, (conn, text) => (lines[conn] ??= []).push(text));
  }
  return { state, lines, out, log };
}

describe('the initial state of a cluster node', () => {
  it('knows the other nodes’ users, in their login order, and not itself among them', () => {
    const state = clusterState([...REMOTE, ['mine', { node: NODE, seq: 2, can: [] }]]);
    expect(state.cluster).toBe(NODE);
    expect([...state.remoteUsers.keys()].sort()).toEqual(['rita', 'ross']);
    expect([...state.loginOrder.values()]).toEqual(['rita', 'ross']);
    expect(state.online.size).toBe(0);
  });

  it('a server on its own has no cluster and no remote users', () => {
    const state = initialState(LIMITS);
    expect(state.cluster).toBeUndefined();
    expect(state.remoteUsers.size).toBe(0);
  });
});

describe('logging in through a cluster claim', () => {
  it('HELLO-FROM claims the name across the cluster and answers nothing yet; the connection waits', () => {
    const r = run([open('c1'), line('c1', 'HELLO-FROM dora'), line('c1', 'LIST')], clusterState());
    expect(r.effects).toEqual([{ kind: 'claimName', conn: 'c1', user: 'dora', can: ['private'] }]);
    expect(r.lines.c1).toBeUndefined();
    expect(r.state.conns.get('c1')?.waiting).toBe(true);
    expect(r.state.conns.get('c1')?.queue.size).toBe(1);
    expect(r.state.online.has('dora')).toBe(false);
  });

  it('granted: HELLO, the place in the login order the cluster gave, JOINED to the others, then the queued LIST', () => {
    const state = loggedIn(clusterState(), 'm1', 'NAME mia', 'mia', 4);
    const r = run([open('c1'), line('c1', 'HELLO-FROM dora'), line('c1', 'LIST'), claimed('c1', 'dora', 'granted', 7)], state);
    expect(r.lines.c1).toEqual(['HELLO dora', 'LIST-OK rita,ross,mia,dora']);
    expect(r.lines.m1).toEqual(['JOINED dora']);
    expect(r.state.conns.get('c1')?.loginSeq).toBe(7);
    expect(r.state.nextLoginSeq).toBe(8);
    expect(r.state.online.get('dora')).toBe('c1');
    // the JOINED is for this node's users and also for the router to forward: the others learn it from the claim
    expect(r.out.find((s) => s.msg.kind === 'joined')?.here).toBeUndefined();
  });

  it('taken: IN-USE and the connection is closed, the name is not this node’s', () => {
    const r = run([open('c1'), line('c1', 'HELLO-FROM dora'), claimed('c1', 'dora', 'taken')], clusterState());
    expect(r.lines.c1).toEqual(['IN-USE']);
    expect(r.effects).toContainEqual({ kind: 'close', conn: 'c1' });
    expect(r.state.online.has('dora')).toBe(false);
    expect(r.effects.some((e) => e.kind === 'releaseName')).toBe(false);
  });

  it('full or failed: BUSY, and a failed claim is a warning in the log', () => {
    const full = run([open('c1'), line('c1', 'HELLO-FROM dora'), claimed('c1', 'dora', 'full')], clusterState());
    expect(full.lines.c1).toEqual(['BUSY']);
    const failed = run([open('c1'), line('c1', 'HELLO-FROM dora'), claimed('c1', 'dora', 'failed')], clusterState());
    expect(failed.lines.c1).toEqual(['BUSY']);
    expect(failed.log).toContainEqual(expect.objectContaining({ level: 'warn', event: 'loginRefused', reason: 'failed' }));
  });

  it('messenger NAME: WELCOME (counting the other nodes’ users) when granted, NAME-TAKEN or SERVER-FULL when not', () => {
    const r = run([open('m1'), line('m1', 'NAME mia')], clusterState());
    expect(r.effects).toEqual([{ kind: 'claimName', conn: 'm1', user: 'mia', can: expect.arrayContaining(['presence', 'broadcast', 'private']) }]);
    const granted = run([claimed('m1', 'mia', 'granted', 9)], r.state);
    expect(granted.lines.m1).toEqual(['WELCOME mia Welcome, mia! 2 other users are here. Type HELP for commands.']);
    const taken = run([claimed('m1', 'mia', 'taken')], r.state);
    expect(taken.lines.m1).toEqual([expect.stringMatching(/^ERROR NAME-TAKEN /)]);
    // the connection stays, and may try another name
    expect(taken.effects).not.toContainEqual({ kind: 'close', conn: 'm1' });
    expect(run([line('m1', 'NAME mio')], taken.state).effects).toEqual([expect.objectContaining({ kind: 'claimName', user: 'mio' })]);
    expect(run([claimed('m1', 'mia', 'full')], r.state).lines.m1).toEqual([expect.stringMatching(/^ERROR SERVER-FULL /)]);
    expect(run([claimed('m1', 'mia', 'failed')], r.state).lines.m1).toEqual([expect.stringMatching(/^ERROR SERVER-FULL /)]);
  });

  it('messenger rename: claims the new name from the old one; RENAMED once granted, keeping the place in the login order', () => {
    const state = loggedIn(clusterState(), 'm1', 'NAME mia', 'mia', 5);
    const asked = run([line('m1', 'NAME mira')], state);
    expect(asked.effects).toEqual([expect.objectContaining({ kind: 'claimName', conn: 'm1', user: 'mira', from: 'mia' })]);
    expect(asked.lines.m1).toBeUndefined();
    const renamed = run([claimed('m1', 'mira', 'granted', 5, 'mia')], asked.state);
    expect(renamed.lines.m1).toEqual(['RENAMED mia mira']);
    expect(renamed.state.online.has('mia')).toBe(false);
    expect(renamed.state.online.get('mira')).toBe('m1');
    expect([...renamed.state.loginOrder.values()]).toEqual(['rita', 'ross', 'mira']);
    // no releaseName: the claim moved the name in the backplane already
    expect(renamed.effects).toEqual([]);
    const refused = run([claimed('m1', 'mira', 'taken', undefined, 'mia')], asked.state);
    expect(refused.lines.m1).toEqual([expect.stringMatching(/^ERROR NAME-TAKEN /)]);
    expect(refused.state.online.get('mia')).toBe('m1');
  });

  it('channels LOGIN: the password first, then the claim; RESULT LOGIN 1 once granted, 0 when taken', () => {
    const state = initialState(LIMITS, { accounts: [['carl', 'hash']], channels: [] }, undefined, { node: NODE, users: REMOTE });
    const checking = run([open('k1'), line('k1', 'LOGIN carl pw')], state);
    expect(checking.effects).toEqual([expect.objectContaining({ kind: 'checkPassword', conn: 'k1', user: 'carl' })]);
    const checked = run([{ kind: 'passwordChecked', conn: 'k1', user: 'carl', ok: true, at }], checking.state);
    expect(checked.effects).toEqual([{ kind: 'claimName', conn: 'k1', user: 'carl', can: [] }]);
    expect(checked.lines.k1).toBeUndefined();
    expect(run([claimed('k1', 'carl', 'granted', 11)], checked.state).lines.k1).toEqual(['RESULT LOGIN 1']);
    expect(run([claimed('k1', 'carl', 'taken')], checked.state).lines.k1).toEqual(['RESULT LOGIN 0']);
  });

  it('a claim granted after its connection closed gives the name back (releaseName); a refused one needs nothing', () => {
    const asked = run([open('c1'), line('c1', 'HELLO-FROM dora'), closed('c1')], clusterState());
    expect(asked.effects.filter((e) => e.kind === 'releaseName')).toEqual([]);
    const granted = run([claimed('c1', 'dora', 'granted', 7)], asked.state);
    expect(granted.effects).toEqual([{ kind: 'releaseName', user: 'dora', how: 'lost' }]);
    expect(granted.log).toContainEqual(expect.objectContaining({ event: 'claimAbandoned', user: 'dora' }));
    expect(granted.state.online.has('dora')).toBe(false);
    expect(granted.out).toEqual([]);
    expect(run([claimed('c1', 'dora', 'taken')], asked.state).effects).toEqual([]);
  });

  it('a server on its own answers at once, with no claim and no release', () => {
    const r = run([open('c1'), line('c1', 'HELLO-FROM dora'), closed('c1')], initialState(LIMITS));
    expect(r.lines.c1).toEqual(['HELLO dora']);
    expect(r.effects.some((e) => e.kind === 'claimName' || e.kind === 'releaseName')).toBe(false);
  });
});

describe('other nodes’ users on this node', () => {
  it('are in LIST (by the cluster’s login order) and USERS (sorted)', () => {
    let state = loggedIn(clusterState(), 'c1', 'HELLO-FROM dora', 'dora', 2);
    state = loggedIn(state, 'm1', 'NAME mia', 'mia', 4);
    const r = run([line('c1', 'LIST'), line('m1', 'USERS')], state);
    expect(r.lines.c1).toEqual(['LIST-OK rita,dora,ross,mia']);
    expect(r.lines.m1).toEqual(['USERS dora, mia, rita, ross']);
  });

  it('their names are taken here without asking the cluster, in every dialect', () => {
    const direct = run([open('c1'), line('c1', 'HELLO-FROM rita')], clusterState());
    expect(direct.lines.c1).toEqual(['IN-USE']);
    expect(direct.effects.some((e) => e.kind === 'claimName')).toBe(false);
    const messenger = run([open('m1'), line('m1', 'NAME ross')], clusterState());
    expect(messenger.lines.m1).toEqual([expect.stringMatching(/^ERROR NAME-TAKEN /)]);
    const renamer = loggedIn(clusterState(), 'm2', 'NAME mia', 'mia', 4);
    expect(run([line('m2', 'NAME rita')], renamer).lines.m2).toEqual([expect.stringMatching(/^ERROR NAME-TAKEN /)]);
  });

  it('count toward the user limit: a node with fewer users of its own than the limit is full all the same', () => {
    const state = clusterState(REMOTE, { ...LIMITS, maxUsers: 3 });
    const one = loggedIn(state, 'c1', 'HELLO-FROM dora', 'dora', 5);
    const r = run([open('c2'), line('c2', 'HELLO-FROM dan'), open('m1'), line('m1', 'NAME mia')], one);
    expect(r.lines.c2).toEqual(['BUSY']);
    expect(r.lines.m1).toEqual([expect.stringMatching(/^ERROR SERVER-FULL /)]);
    expect(r.effects.some((e) => e.kind === 'claimName')).toBe(false);
    // a rename adds nobody: still allowed
    const renamer = loggedIn(clusterState(REMOTE, { ...LIMITS, maxUsers: 3 }), 'm2', 'NAME mia', 'mia', 5);
    expect(run([line('m2', 'NAME mira')], renamer).effects).toEqual([expect.objectContaining({ kind: 'claimName', user: 'mira', from: 'mia' })]);
  });

  it('a SEND to one is addressed to the user (for the router to forward), and SEND-OK waits for it', () => {
    const state = loggedIn(clusterState(), 'c1', 'HELLO-FROM dora', 'dora', 2);
    const r = run([line('c1', 'SEND rita  hi there ')], state);
    const sent = r.out.find((s) => s.msg.kind === 'private');
    expect(sent?.to).toEqual({ kind: 'user', user: 'rita' });
    expect(sent?.msg).toEqual({ kind: 'private', from: 'dora', to: 'rita', text: 'hi there' });
    expect(sent?.ack).toBe('c1');
    expect(sent?.here).toBeUndefined();
    expect(r.lines.c1).toBeUndefined();
    expect(r.state.conns.get('c1')?.waiting).toBe(true);
    expect(run([{ kind: 'delivered', conn: 'c1', ok: true, at }], r.state).lines.c1).toEqual(['SEND-OK']);
    expect(run([{ kind: 'delivered', conn: 'c1', ok: false, at }], r.state).lines.c1).toEqual(['BAD-DEST-USER']);
  });

  it('a WHISPER to one goes to the user, echoed here to the sender', () => {
    const state = loggedIn(clusterState(), 'm1', 'NAME mia', 'mia', 4);
    const r = run([line('m1', 'WHISPER ross psst')], state);
    expect(r.out.map((s) => s.to)).toEqual([{ kind: 'user', user: 'ross' }, { kind: 'conn', conn: 'm1' }]);
    expect(r.lines.m1).toEqual(['WHISPER mia ross psst']);
  });

  it('one who cannot show private messages (a channels user elsewhere) cannot be sent to', () => {
    const state = loggedIn(clusterState([['cleo', { node: 'n2', seq: 1, can: [] }]]), 'c1', 'HELLO-FROM dora', 'dora', 2);
    expect(run([line('c1', 'SEND cleo hi')], state).lines.c1).toEqual(['BAD-DEST-USER']);
  });
});

describe('applyClusterEvent', () => {
  const withObserver = () => loggedIn(clusterState(), 'm1', 'NAME mia', 'mia', 4);

  it('online: the user joins this node’s lists, and its presence-capable users see JOINED, for here only', () => {
    const r = apply(withObserver(), { kind: 'online', node: 'n2', user: 'otto', seq: 6, can: ['private'] });
    expect(r.state.remoteUsers.get('otto')).toEqual({ node: 'n2', seq: 6, can: ['private'] });
    expect([...r.state.loginOrder.values()]).toEqual(['rita', 'ross', 'mia', 'otto']);
    expect(r.state.names.has('otto')).toBe(true);
    expect(r.lines.m1).toEqual(['JOINED otto']);
    expect(r.out.every((s) => s.here === true)).toBe(true);
  });

  it('online again for a known user moves it in the login order without a second JOINED', () => {
    const r = apply(withObserver(), { kind: 'online', node: 'n2', user: 'rita', seq: 8, can: ['private'] });
    expect(r.lines.m1).toBeUndefined();
    expect([...r.state.loginOrder.values()]).toEqual(['ross', 'mia', 'rita']);
  });

  it('online for a name this node holds is stale and changes nothing', () => {
    const state = withObserver();
    const r = apply(state, { kind: 'online', node: 'n2', user: 'mia', seq: 9, can: [] });
    expect(r.state).toBe(state);
    expect(r.out).toEqual([]);
  });

  it('offline: the user leaves with how it left; an offline from another node than its own is stale', () => {
    const stale = apply(withObserver(), { kind: 'offline', node: 'n3', user: 'rita', how: 'quit' });
    expect(stale.state.remoteUsers.has('rita')).toBe(true);
    expect(stale.out).toEqual([]);
    const r = apply(withObserver(), { kind: 'offline', node: 'n2', user: 'rita', how: 'quit' });
    expect(r.state.remoteUsers.has('rita')).toBe(false);
    expect(r.state.names.has('rita')).toBe(false);
    expect([...r.state.loginOrder.values()]).toEqual(['ross', 'mia']);
    expect(r.lines.m1).toEqual(['LEFT rita quit']);
    expect(r.out.every((s) => s.here === true)).toBe(true);
    expect(apply(withObserver(), { kind: 'offline', node: 'n2', user: 'nobody', how: 'lost' }).out).toEqual([]);
  });

  it('renamed: RENAMED here, the new name in the old one’s place; from another node than the user’s, nothing', () => {
    const r = apply(withObserver(), { kind: 'renamed', node: 'n3', from: 'ross', to: 'rosa' });
    expect(r.lines.m1).toEqual(['RENAMED ross rosa']);
    expect([...r.state.loginOrder.values()]).toEqual(['rita', 'rosa', 'mia']);
    expect(r.state.remoteUsers.get('rosa')).toEqual(REMOTE[1]![1]);
    expect(r.state.remoteUsers.has('ross')).toBe(false);
    expect(r.state.names.has('ross')).toBe(false);
    expect(apply(withObserver(), { kind: 'renamed', node: 'n2', from: 'ross', to: 'rosa' }).out).toEqual([]);
  });

  it('nodeGone: every user of that node leaves as lost, the others stay, and the log says how many', () => {
    const state = apply(withObserver(), { kind: 'online', node: 'n3', user: 'rudi', seq: 7, can: [] }).state;
    const r = apply(state, { kind: 'nodeGone', node: 'n3' });
    expect([...r.state.remoteUsers.keys()]).toEqual(['rita']);
    expect(r.lines.m1?.sort()).toEqual(['LEFT ross lost', 'LEFT rudi lost']);
    expect(r.log).toContainEqual(expect.objectContaining({ level: 'warn', event: 'nodeGone', gone: 'n3', users: 2 }));
    expect(r.state.online.get('mia')).toBe('m1');
    // a node with nobody on it is gone quietly for the users
    expect(apply(withObserver(), { kind: 'nodeGone', node: 'n9' }).out).toEqual([]);
  });

  it('users (after a reconnection): whoever was missed joining or leaving is set right, this node’s own users untouched', () => {
    const r = apply(withObserver(), {
      kind: 'users',
      users: [
        ['rita', { node: 'n2', seq: 1, can: ['private'] }],
        ['nina', { node: 'n2', seq: 10, can: [] }],
        ['mia', { node: NODE, seq: 4, can: [] }],
      ],
    });
    expect([...r.state.remoteUsers.keys()].sort()).toEqual(['nina', 'rita']);
    expect(r.lines.m1).toEqual(['LEFT ross lost', 'JOINED nina']);
    expect(r.state.online.get('mia')).toBe('m1');
    const same = withObserver();
    expect(apply(same, { kind: 'users', users: REMOTE }).state).toBe(same);
  });

  it('account and channel: known here from now on, with nothing sent', () => {
    const r = apply(withObserver(), { kind: 'account', user: 'zoe', hash: 'h' }, { kind: 'channel', channel: 'lounge' });
    expect(r.state.accounts.get('zoe')).toBe('h');
    expect(r.state.channels.has('lounge')).toBe(true);
    expect(r.out).toEqual([]);
  });

  it('deliver: a message another node sent reaches this node’s audience, marked here so the router sends it on to no one', () => {
    let state = withObserver();
    state = loggedIn(state, 'c1', 'HELLO-FROM dora', 'dora', 5);
    const broadcast = apply(state, { kind: 'deliver', to: { kind: 'capable', capability: 'broadcast' }, msg: { kind: 'broadcast', from: 'ross', text: 'hi all' } });
    expect(broadcast.lines).toEqual({ m1: ['BROADCAST ross hi all'] });
    expect(broadcast.out.map((s) => s.here)).toEqual([true]);
    const whisper = apply(state, { kind: 'deliver', to: { kind: 'user', user: 'dora' }, msg: { kind: 'private', from: 'rita', to: 'dora', text: 'psst' } });
    expect(whisper.lines).toEqual({ c1: ['DELIVERY rita psst'] });
    expect(whisper.out.map((s) => s.here)).toEqual([true]);
    // for a user who left meanwhile: nobody gets it
    expect(apply(state, { kind: 'deliver', to: { kind: 'user', user: 'gone' }, msg: { kind: 'private', from: 'rita', to: 'gone', text: 'x' } }).lines).toEqual({});
  });

  it('deliver that asks to know (a direct SEND’s): the message carries where to say it was written', () => {
    const state = loggedIn(withObserver(), 'c1', 'HELLO-FROM dora', 'dora', 5);
    const ack = { node: 'n2', id: 42 };
    const r = apply(state, { kind: 'deliver', to: { kind: 'user', user: 'dora' }, msg: { kind: 'private', from: 'rita', to: 'dora', text: 'psst' }, ack });
    expect(r.lines).toEqual({ c1: ['DELIVERY rita psst'] });
    expect(r.out.map((s) => [s.here, s.remoteAck])).toEqual([[true, ack]]);
    // without it, nothing is owed back
    expect(apply(state, { kind: 'deliver', to: { kind: 'user', user: 'dora' }, msg: { kind: 'private', from: 'rita', to: 'dora', text: 'x' } }).out[0]?.remoteAck).toBeUndefined();
  });

  it('nameTaken: this node’s user of a name another node took meanwhile is logged out and closed', () => {
    const state = loggedIn(withObserver(), 'c1', 'HELLO-FROM zed', 'zed', 6);
    const r = run([event({ kind: 'nameTaken', user: 'zed' })], state);
    expect(r.effects).toContainEqual({ kind: 'close', conn: 'c1' });
    expect(r.state.online.has('zed')).toBe(false);
    expect(r.state.conns.get('c1')?.closing).toBeDefined();
    expect(r.lines.m1).toEqual(['LEFT zed lost']);
    expect(r.log).toContainEqual(expect.objectContaining({ level: 'warn', event: 'nameTaken', user: 'zed' }));
    // the holder elsewhere is listed from the users Redis lists next
    const listed = run([event({ kind: 'users', users: [...REMOTE, ['zed', { node: 'n2', seq: 9, can: ['private'] }]] })], r.state);
    expect(listed.lines.m1).toEqual(['JOINED zed']);
    expect(listed.state.remoteUsers.get('zed')?.node).toBe('n2');
    // a name this node does not hold: nothing to do
    const untouched = run([event({ kind: 'nameTaken', user: 'nobody' })], state);
    expect(untouched.effects).toEqual([]);
    expect(untouched.out).toEqual([]);
  });

  it('nodeJoined changes nothing here', () => {
    const state = withObserver();
    const r = apply(state, { kind: 'nodeJoined', node: 'n4' });
    expect(r.state).toBe(state);
    expect(r.out).toEqual([]);
  });

  it('deliver to a channel: its members on this node get RECV', () => {
    const stored = initialState(LIMITS, { accounts: [['carl', 'h']], channels: ['lounge'] }, undefined, { node: NODE, users: REMOTE });
    let r = run([open('k1'), line('k1', 'LOGIN carl pw'), { kind: 'passwordChecked', conn: 'k1', user: 'carl', ok: true, at }, claimed('k1', 'carl', 'granted', 4), line('k1', 'JOIN lounge')], stored);
    expect(r.lines.k1).toEqual(['RESULT LOGIN 1', 'RESULT JOIN lounge 1']);
    r = run([event({ kind: 'deliver', to: { kind: 'channel', channel: 'lounge' }, msg: { kind: 'recv', from: 'rita', channel: 'lounge', text: 'hello' } })], r.state);
    expect(r.lines.k1).toEqual(['RECV rita lounge hello']);
    expect(r.out.every((s) => s.here === true)).toBe(true);
  });

  it('is what step does with a cluster command', () => {
    const state = withObserver();
    const e: ClusterEvent = { kind: 'online', node: 'n2', user: 'otto', seq: 6, can: [] };
    const viaStep = run([event(e)], state);
    expect(viaStep.lines).toEqual(apply(state, e).lines);
    expect(viaStep.state.remoteUsers.get('otto')).toEqual({ node: 'n2', seq: 6, can: [] });
  });
});

describe('logging out in a cluster', () => {
  it('gives the name back with how the user left: quit for a clean close or QUIT, lost for a dropped messenger connection', () => {
    const direct = loggedIn(clusterState(), 'c1', 'HELLO-FROM dora', 'dora', 5);
    expect(run([closed('c1')], direct).effects).toContainEqual({ kind: 'releaseName', user: 'dora', how: 'quit' });
    const messenger = loggedIn(clusterState(), 'm1', 'NAME mia', 'mia', 4);
    expect(run([closed('m1')], messenger).effects).toContainEqual({ kind: 'releaseName', user: 'mia', how: 'lost' });
    expect(run([line('m1', 'QUIT'), closed('m1')], messenger).effects).toContainEqual({ kind: 'releaseName', user: 'mia', how: 'quit' });
    // exactly once
    expect(run([line('m1', 'QUIT'), closed('m1')], messenger).effects.filter((e) => e.kind === 'releaseName')).toHaveLength(1);
  });

  it('a connection that never logged in releases nothing', () => {
    const r = run([open('c1'), closed('c1')], clusterState());
    expect(r.effects.some((e) => e.kind === 'releaseName')).toBe(false);
  });
});

describe('heldUsers', () => {
  it('lists this node’s logged-in users with their place in the login order and capabilities, not the other nodes’', () => {
    let state = loggedIn(clusterState(), 'c1', 'HELLO-FROM dora', 'dora', 5);
    state = loggedIn(state, 'm1', 'NAME mia', 'mia', 8);
    state = run([open('x1'), line('x1', 'HELLO-FROM pending')], state).state;
    const held = heldUsers(state).map(({ user, seq, can }) => ({ user, seq, can: [...can].sort() }));
    expect(held.sort((a, b) => a.seq - b.seq)).toEqual([
      { user: 'dora', seq: 5, can: ['private'] },
      { user: 'mia', seq: 8, can: ['broadcast', 'presence', 'private'] },
    ]);
  });

  it('follows a rename and a logout', () => {
    let state = loggedIn(clusterState(), 'm1', 'NAME mia', 'mia', 8);
    state = run([line('m1', 'NAME mira'), claimed('m1', 'mira', 'granted', 8, 'mia')], state).state;
    expect(heldUsers(state).map((h) => [h.user, h.seq])).toEqual([['mira', 8]]);
    state = run([closed('m1')], state).state;
    expect(heldUsers(state)).toEqual([]);
  });
});

describe('a REGISTER or CREATE that another node won a moment before', () => {
  it('answers 0 and logs an info line with the reason, not a store failure', () => {
    const opened = run([open('c1'), line('c1', 'REGISTER zoe pw')], clusterState());
    const hashed = run([{ kind: 'passwordHashed', conn: 'c1', user: 'zoe', hash: 'h', at }], opened.state);
    expect(hashed.effects).toContainEqual({ kind: 'storeAccount', conn: 'c1', user: 'zoe', hash: 'h' });
    const lost = run([{ kind: 'accountStored', conn: 'c1', user: 'zoe', hash: 'h', ok: false, exists: true, at }], hashed.state);
    expect(lost.lines.c1).toEqual(['RESULT REGISTER 0']);
    expect(lost.log.map((e) => [e.level, e.event, e.reason])).toEqual([['info', 'registerRefused', 'exists']]);
    expect(lost.state.registering.has('zoe')).toBe(false);

    const created = run([{ kind: 'accountStored', conn: 'c1', user: 'zoe', hash: 'h', ok: true, at }], hashed.state);
    const loggedOn = run([line('c1', 'LOGIN zoe pw'), { kind: 'passwordChecked', conn: 'c1', user: 'zoe', ok: true, at }, claimed('c1', 'zoe', 'granted', 7)], created.state);
    const racing = run([line('c1', 'CREATE hall'), { kind: 'channelStored', conn: 'c1', channel: 'hall', ok: false, exists: true, at }], loggedOn.state);
    expect(racing.lines.c1).toEqual(['RESULT CREATE hall 0']);
    expect(racing.log.filter((e) => e.event === 'createRefused').map((e) => e.level)).toEqual(['info']);
  });
});
