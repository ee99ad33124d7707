// The dialect contract: a fourth dialect is one module and one registry entry; the core needs nothing else.
import { describe, expect, it } from 'vitest';
import { forEachDelivery } from '../../src/core/audience.js';
import { none, reply, send } from '../../src/core/steps.js';
import { registry, type DialectModule } from '../../src/core/dialect.js';
import { CLIENTS, USERS, type Row } from '../../src/core/dispatch.js';
import { isFull, isOnline, logIn } from '../../src/core/presence.js';
import { initialState } from '../../src/core/state.js';
import { createStep } from '../../src/core/step.js';
import type { Command } from '../../src/core/types.js';
import { channels } from '../../src/dialects/channels/index.js';
import { direct } from '../../src/dialects/direct/index.js';
import { messenger } from '../../src/dialects/messenger/index.js';

// A toy dialect: `IAM name` logs in, `YELL text` broadcasts; it shows broadcasts and presence.
const yell: DialectModule = {
  name: 'yell',
  rules: {
    table: new Map<string, Row>([
      ['IAM', {
        from: CLIENTS, arity: 1,
        handler: ({ state, conn, args: [name] }) => (isOnline(state, name) || isFull(state) ? reply(state, conn.id, 'NOPE') : logIn(state, conn.id, name)),
        fail: ({ state, conn }) => reply(state, conn.id, 'NOPE'),
      }],
      ['YELL', {
        from: USERS, arity: 1, text: true,
        handler: ({ state, conn, args: [text] }) => send(state, { kind: 'capable', capability: 'broadcast' }, { kind: 'broadcast', from: conn.user!, text }),
        fail: ({ state, conn }) => reply(state, conn.id, 'NOPE'),
      }],
    ]),
    unknownVerb: ({ state, conn }) => reply(state, conn.id, 'WHAT'),
    notAllowed: ({ state, conn }) => reply(state, conn.id, 'WHO'),
    tooLong: ({ state }) => none(state),
    flooded: ({ state }) => none(state),
    loginTimedOut: ({ state }) => none(state),
  },
  encode: (msg) => (msg.kind === 'reply' ? msg.line : msg.kind === 'broadcast' ? `${msg.from.toUpperCase()}: ${msg.text.toUpperCase()}!` : msg.kind === 'joined' ? `+${msg.user}` : undefined),
  capabilities: new Set(['broadcast', 'presence']),
  cleanCloseIsQuit: true,
  onResult: {},
};

const remote = { address: '127.0.0.1', port: 1 };
const at = 0;

describe('the dialect registry', () => {
  it('serves a fourth dialect beside the others, on the same namespace and broadcasts', () => {
    const dialects = registry([channels, direct, messenger, yell], 'direct');
    const step = createStep(dialects);
    let state = initialState({ maxUsers: 16, maxQueued: 10, maxLineLength: 8192 });
    const lines: Record<string, string[]> = {};
    const commands: Command[] = [
      { kind: 'connected', conn: 'y', remote, listener: 'auto', at },
      { kind: 'connected', conn: 'm', remote, listener: 'auto', at },
      { kind: 'line', conn: 'y', text: 'IAM yan', at },
      { kind: 'line', conn: 'm', text: 'NAME yan', at },
      { kind: 'line', conn: 'm', text: 'NAME mo', at },
      { kind: 'line', conn: 'm', text: 'BROADCAST hi', at },
      { kind: 'line', conn: 'y', text: 'YELL hello', at },
    ];
    for (const command of commands) {
      const t = step(state, command);
      state = t.state;
      for (const sent of t.out) forEachDelivery(dialects, sent, (conn, line) => (lines[conn] ??= []).push(line));
    }
    expect(lines.y).toEqual(['+mo', 'MO: HI!', 'YAN: HELLO!']);
    expect(lines.m).toEqual(['ERROR NAME-TAKEN yan is already taken', expect.stringMatching(/^WELCOME mo /), 'BROADCAST mo hi', 'BROADCAST yan hello']);
  });

  it('refuses two dialects that claim the same verb', () => {
    const copycat: DialectModule = { ...yell, name: 'copycat', rules: { ...yell.rules, table: new Map([['NAME', yell.rules.table.get('IAM')!]]) } };
    expect(() => registry([messenger, copycat], 'messenger')).toThrow('dialects messenger and copycat both claim the verb NAME');
  });
});
