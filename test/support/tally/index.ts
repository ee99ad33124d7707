// A test dialect with state of its own, proving the contract of docs/architecture.md ("Dialects own their
// state"): one folder, one registry line, nothing in src/core. `IAM name` logs in; `TICK` counts a line,
// for the connection and for this node, and tells the other nodes the node's count; `TOTAL` answers
// `TOTAL <all nodes> <this connection>`. A node that goes away takes its count with it (onNodeGone).
import { Map as IMap } from 'immutable';
import { announce } from '../../../src/core/cluster.js';
import type { DialectModule } from '../../../src/core/dialect.js';
import { CLIENTS, USERS, type Ctx, type Row } from '../../../src/core/dispatch.js';
import { logIn } from '../../../src/core/presence.js';
import { connSlice, serverSlice, slice, withConnSlice, withServerSlice } from '../../../src/core/slices.js';
import { chain, none, note, reply, type Step } from '../../../src/core/steps.js';
import type { State } from '../../../src/core/state.js';

interface TallyServer {
  /** Lines ticked on this node. */
  readonly here: number;
  /** The last count each other node told. */
  readonly nodes: IMap<string, number>;
}
interface TallyConn {
  readonly ticks: number;
}
/** What one node tells the others. */
interface Told {
  readonly node: string;
  readonly here: number;
}

const TALLY = slice<TallyServer, TallyConn>('tally', { here: 0, nodes: IMap() }, { ticks: 0 });

function total(state: State): number {
  const { here, nodes } = serverSlice(state, TALLY);
  return nodes.reduce((sum, count) => sum + count, here);
}

function tick({ state, conn }: Ctx): Step {
  const server = serverSlice(state, TALLY);
  const mine = connSlice(conn, TALLY);
  const next = withConnSlice(withServerSlice(state, TALLY, { ...server, here: server.here + 1 }), conn.id, TALLY, { ticks: mine.ticks + 1 });
  const told: Told = { node: state.cluster ?? '', here: server.here + 1 };
  return announce(next, { kind: 'dialect', dialect: 'tally', event: told });
}

function isTold(event: unknown): event is Told {
  const e = event as Partial<Told> | null;
  return typeof e?.node === 'string' && typeof e.here === 'number';
}

const nope = ({ state, conn }: Ctx) => reply(state, conn.id, 'NOPE');
const table = new Map<string, Row>([
  ['IAM', { from: CLIENTS, arity: 1, handler: ({ state, conn, args: [name] }) => logIn(state, conn.id, name), fail: nope }],
  ['TICK', { from: USERS, arity: 0, handler: tick, fail: nope }],
  ['TOTAL', { from: USERS, arity: 0, handler: ({ state, conn }) => reply(state, conn.id, `TOTAL ${total(state)} ${connSlice(conn, TALLY).ticks}`), fail: nope }],
]);

export const tally: DialectModule = {
  name: 'tally',
  rules: { table, unknownVerb: nope, notAllowed: nope, tooLong: nope, flooded: ({ state }) => none(state), loginTimedOut: ({ state }) => none(state) },
  encode: (msg) => (msg.kind === 'reply' ? msg.line : undefined),
  capabilities: new Set(),
  cleanCloseIsQuit: true,
  onResult: {},
  onCluster: (state, event) => {
    if (!isTold(event)) return note(state, 'warn', 'tallyIgnored', 'a tally event without a node and a count');
    const server = serverSlice(state, TALLY);
    return none(withServerSlice(state, TALLY, { ...server, nodes: server.nodes.set(event.node, event.here) }));
  },
  onNodeGone: (state, node) => {
    const server = serverSlice(state, TALLY);
    if (!server.nodes.has(node)) return none(state);
    return chain(withServerSlice(state, TALLY, { ...server, nodes: server.nodes.delete(node) }),
      (s) => note(s, 'info', 'tallyGone', `node ${node}'s ${server.nodes.get(node)} ticks are gone with it`, { node }));
  },
};
