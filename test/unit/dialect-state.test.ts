// A dialect with state and cluster hooks of its own is one folder and one registry line (test/support/tally/):
// its slices live beside the other dialects', its cluster events reach only it, and a node gone is its business too.
import { describe, expect, it } from 'vitest';
import { registry } from '../../src/core/dialect.js';
import { initialState } from '../../src/core/state.js';
import { createStep } from '../../src/core/step.js';
import type { Command } from '../../src/core/types.js';
import { channels } from '../../src/dialects/channels/index.js';
import { direct } from '../../src/dialects/direct/index.js';
import { messenger } from '../../src/dialects/messenger/index.js';
import { runThrough } from '../support/core.js';
import { tally } from '../support/tally/index.js';

const dialects = registry([channels, direct, messenger, tally], 'direct');
const step = createStep(dialects);
const at = 0;
const remote = { address: '127.0.0.1', port: 1 };

function run(commands: Command[], state = initialState({ maxUsers: 16, maxQueued: 10, maxLineLength: 8192 }, undefined, { node: 'n1', users: [] })) {
  return runThrough(step, dialects, commands, state);
}

const line = (conn: string, text: string): Command => ({ kind: 'line', conn, text, at });
const told = (node: string, here: number): Command => ({ kind: 'cluster', event: { kind: 'dialect', dialect: 'tally', event: { node, here } }, at });
const start: Command[] = [
  { kind: 'connected', conn: 't', remote, listener: 'tally', at },
  line('t', 'IAM tess'),
  { kind: 'nameClaimed', conn: 't', user: 'tess', outcome: 'granted', seq: 0, at },
];

describe('a dialect that owns state', () => {
  it('keeps a per-connection and a server-wide slice, and tells the other nodes through a dialect event', () => {
    const { lines, effects } = run([...start, line('t', 'TICK'), line('t', 'TICK'), line('t', 'TOTAL')]);
    expect(lines.t).toEqual(['TOTAL 2 2']);
    expect(effects.filter((e) => e.kind === 'announce')).toEqual([
      { kind: 'announce', event: { kind: 'dialect', dialect: 'tally', event: { node: 'n1', here: 1 } } },
      { kind: 'announce', event: { kind: 'dialect', dialect: 'tally', event: { node: 'n1', here: 2 } } },
    ]);
  });

  it('hears other nodes through onCluster, and forgets a node that goes away through onNodeGone', () => {
    const counted = run([...start, line('t', 'TICK'), told('n2', 5), told('n3', 7), line('t', 'TOTAL')]);
    expect(counted.lines.t).toEqual(['TOTAL 13 1']);
    const gone = run([{ kind: 'cluster', event: { kind: 'nodeGone', node: 'n2' }, at }, line('t', 'TOTAL')], counted.state);
    expect(gone.lines.t).toEqual(['TOTAL 8 1']);
    expect(gone.log.map((l) => l.event)).toContain('tallyGone');
  });

  it('a malformed event of its own is logged, and another dialect’s never reaches it', () => {
    const { lines, log } = run([...start, { kind: 'cluster', event: { kind: 'dialect', dialect: 'tally', event: 'junk' }, at },
      { kind: 'cluster', event: { kind: 'dialect', dialect: 'channels', event: { kind: 'remoteChannel', server: 'B', channel: 'x' } }, at },
      line('t', 'TOTAL')]);
    expect(lines.t).toEqual(['TOTAL 0 0']);
    expect(log.map((l) => l.event)).toContain('tallyIgnored');
  });

  it('its connection slice goes with the connection; a new one starts from nothing', () => {
    const { lines } = run([...start, line('t', 'TICK'), { kind: 'closed', conn: 't', cause: 'ended', at },
      { kind: 'connected', conn: 't', remote, listener: 'tally', at }, line('t', 'IAM tess'),
      { kind: 'nameClaimed', conn: 't', user: 'tess', outcome: 'granted', seq: 1, at }, line('t', 'TOTAL')]);
    expect(lines.t).toEqual(['TOTAL 1 0']);
  });
});
