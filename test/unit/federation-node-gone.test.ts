// A cluster node that held a federation link dies: the joins this node's users were waiting on there are
// answered (RESULT JOIN … 0), and once another node links to that server again, the same JOIN goes out anew.
import { describe, expect, it } from 'vitest';
import { DIALECTS, initialState, step } from '../../src/server-step.js';
import { forEachDelivery } from '../../src/core/audience.js';
import type { State } from '../../src/core/state.js';
import type { ClusterEvent, Command, Effect } from '../../src/core/types.js';
import type { FederationEvent } from '../../src/dialects/channels/federation/route.js';

const at = 0;
const LIMITS = { maxUsers: 16, maxQueued: 1000, maxLineLength: 8192 };
const remote = { address: '127.0.0.1', port: 1 };

function run(commands: Command[], state: State): { state: State; lines: Record<string, string[]>; effects: Effect[] } {
  const lines: Record<string, string[]> = {};
  const effects: Effect[] = [];
  for (const command of commands) {
    const t = step(state, command);
    state = t.state;
    for (const sent of t.out) forEachDelivery(DIALECTS, sent, (conn, text) => (lines[conn] ??= []).push(text));
    effects.push(...t.effects);
  }
  return { state, lines, effects };
}

const cluster = (event: ClusterEvent): Command => ({ kind: 'cluster', event, at });
const federation = (event: FederationEvent): Command => cluster({ kind: 'dialect', dialect: 'channels', event });
const line = (text: string): Command => ({ kind: 'line', conn: 'c', text, at });

/** Node n1 (this one) with alice logged in; node n2 holds the link to server B, which has `room`. */
function aliceWithLinkOnN2(): State {
  const state = initialState(LIMITS, { accounts: [['alice', 'hash']], channels: [] }, { name: 'A', peers: [] }, { node: 'n1', users: [] });
  return run([
    { kind: 'connected', conn: 'c', remote, listener: 'channels', at },
    line('LOGIN alice pw'),
    { kind: 'passwordChecked', conn: 'c', user: 'alice', ok: true, at },
    { kind: 'nameClaimed', conn: 'c', user: 'alice', outcome: 'granted', seq: 0, at },
    federation({ kind: 'linked', node: 'n2', server: 'B', host: '127.0.0.2', dialled: true }),
    federation({ kind: 'remoteChannel', server: 'B', channel: 'room' }),
  ], state).state;
}

/** The lines for B this node handed to the node holding the link. */
function toB(effects: Effect[]): string[] {
  return effects.flatMap((e) => (e.kind === 'announce' && e.event.kind === 'dialect' ? [(e.event.event as FederationEvent)] : []))
    .flatMap((e) => (e.kind === 'toPeer' && e.server === 'B' ? [e.line] : []));
}

describe('a cluster node holding a federation link dies', () => {
  it('answers a JOIN waiting on that link with RESULT JOIN 0, and the channel is no longer pending', () => {
    const asked = run([line('JOIN room:B')], aliceWithLinkOnN2());
    expect(toB(asked.effects)).toEqual(['FEDJOIN alice@A room']);
    expect(asked.lines.c).toBeUndefined();

    const gone = run([cluster({ kind: 'nodeGone', node: 'n2' })], asked.state);
    expect(gone.lines.c).toEqual(['RESULT JOIN room:B 0']);
    expect(run([line('CHANNELS')], gone.state).lines.c).toEqual(['RESULT CHANNELS']);
  });

  it('a later JOIN, once another node links to B again, asks B again instead of failing', () => {
    const asked = run([line('JOIN room:B'), cluster({ kind: 'nodeGone', node: 'n2' })], aliceWithLinkOnN2());
    const relinked = run([
      federation({ kind: 'linked', node: 'n3', server: 'B', host: '127.0.0.2', dialled: true }),
      federation({ kind: 'remoteChannel', server: 'B', channel: 'room' }),
      line('JOIN room:B'),
    ], asked.state);
    expect(relinked.lines.c).toBeUndefined();
    expect(toB(relinked.effects)).toEqual(['FEDJOIN alice@A room']);
    const answered = run([federation({ kind: 'fedResult', user: 'alice', server: 'B', rest: 'JOIN room:B 1' })], relinked.state);
    expect(answered.lines.c).toEqual(['RESULT JOIN room:B 1']);
  });

  it('leaves links other nodes hold alone', () => {
    const asked = run([line('JOIN room:B'), cluster({ kind: 'nodeGone', node: 'n9' })], aliceWithLinkOnN2());
    expect(asked.lines.c).toBeUndefined();
  });
});
