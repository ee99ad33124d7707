// The channels dialect's verbs: arguments, login guard, handler, failure reply.
import { none, note } from '../../core/steps.js';
import type { DialectRules, Row } from '../../core/dispatch.js';
import { channels, create, failure, join, login, register, say } from './handlers.js';

const table = new Map<string, Row>([
  ['REGISTER', { handler: register, needsLogin: false, arity: 2, fail: failure('REGISTER') }],
  ['LOGIN', { handler: login, needsLogin: false, arity: 2, fail: failure('LOGIN') }],
  ['CREATE', { handler: create, needsLogin: true, arity: 1, fail: failure('CREATE') }],
  ['JOIN', { handler: join, needsLogin: true, arity: 1, fail: failure('JOIN') }],
  ['SAY', { handler: say, needsLogin: true, arity: 2, text: true, fail: failure('SAY') }],
  ['CHANNELS', { handler: channels, needsLogin: false, arity: 0, fail: failure('CHANNELS') }],
]);

export const channelsRules: DialectRules = {
  table,
  // channels: messages outside the protocol may be ignored; we log them
  unknownVerb: ({ state, conn }, verb) => note(state, 'info', 'unknownVerb', `ignored unknown verb ${JSON.stringify(verb.slice(0, 32))}`, { conn: conn.id }),
  // channels: CREATE, JOIN and SAY before LOGIN get their failure reply
  notLoggedIn: (ctx, verb) => table.get(verb)!.fail(ctx),
  tooLong: ({ state, conn }) => note(state, 'warn', 'lineTooLong', 'ignored an over-long line', { conn: conn.id }),
  // channels: the spec has no reply for a flood or a missing login; the server closes, and logs why
  flooded: ({ state }) => none(state),
  loginTimedOut: ({ state }) => none(state),
};
