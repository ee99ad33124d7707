// The messenger dialect's verbs: arguments, login guard, handler, failure reply.
import { CLIENTS, USERS, type Ctx, type DialectRules, type Row } from '../../core/dispatch.js';
import { quoted } from '../../core/names.js';
import { broadcast, fail, help, invalidName, name, quit, users, whisper } from './handlers.js';

const usage = (text: string) => ({ state, conn }: Ctx) => fail(state, conn.id, 'BAD-ARGUMENTS', `usage: ${text}`);

// messenger N2: NAME with a name (control characters make the line fail) is an invalid name, not bad arguments
const badName = (ctx: Ctx) => (ctx.args.length === 1 && ctx.args[0] !== '' ? invalidName(ctx.state, ctx.conn.id) : usage('NAME username')(ctx));

const table = new Map<string, Row>([
  ['NAME', { handler: name, from: CLIENTS, arity: 1, text: true, fail: badName }],
  ['BROADCAST', { handler: broadcast, from: USERS, arity: 1, text: true, fail: usage('BROADCAST text') }],
  ['WHISPER', { handler: whisper, from: USERS, arity: 2, text: true, fail: usage('WHISPER user text') }],
  ['USERS', { handler: users, from: USERS, arity: 0, fail: usage('USERS') }],
  // messenger: HELP works before NAME too, so a person at nc can find their way in
  ['HELP', { handler: help, from: CLIENTS, arity: 0, fail: help }],
  // messenger: QUIT works before NAME too, so nobody is ever stuck
  ['QUIT', { handler: quit, from: CLIENTS, arity: 1, text: true, optional: true, fail: quit }],
]);

export const messengerRules: DialectRules = {
  table,
  unknownVerb: ({ state, conn }, verb) =>
    conn.user === undefined
      ? fail(state, conn.id, 'NAME-REQUIRED', 'send NAME username first')
      : fail(state, conn.id, 'UNKNOWN-COMMAND', `unknown command ${quoted(verb)}`),
  // messenger: anything before NAME gets ERROR NAME-REQUIRED
  notAllowed: ({ state, conn }) => fail(state, conn.id, 'NAME-REQUIRED', 'send NAME username first'),
  tooLong: ({ state, conn }) => fail(state, conn.id, 'LINE-TOO-LONG', 'that line was too long and was dropped'),
  // messenger: the two errors after which the server closes (protocol.txt)
  flooded: ({ state, conn }) => fail(state, conn.id, 'SLOW-DOWN', `more than ${state.limits.rate?.perSecond} lines a second for too long; closing`),
  loginTimedOut: ({ state, conn }) => fail(state, conn.id, 'LOGIN-TIMEOUT', 'no NAME in time; closing'),
};
