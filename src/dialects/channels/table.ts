// The channels dialect's verbs, a client's and a federated server's in one table: who may send each,
// arguments, handler, failure reply. The dispatcher applies the `from` guard once (src/core/dispatch.ts).
import { chain, none, note } from '../../core/steps.js';
import { CLIENTS, USERS, type Ctx, type DialectRules, type Row } from '../../core/dispatch.js';
import type { Step } from '../../core/steps.js';
import type { Conn, State } from '../../core/state.js';
import { answer, channels, create, failure, join, login, register, say } from './handlers.js';
import { badLine, LINK_VERBS, linkRows, quiet, serverRefused } from './federation/table.js';

const table = new Map<string, Row>([
  ['REGISTER', { handler: register, from: CLIENTS, arity: 2, fail: failure('REGISTER') }],
  ['LOGIN', { handler: login, from: CLIENTS, arity: 2, fail: failure('LOGIN') }],
  ['CREATE', { handler: create, from: USERS, arity: 1, fail: failure('CREATE') }],
  ['JOIN', { handler: join, from: USERS, arity: 1, fail: failure('JOIN') }],
  ['SAY', { handler: say, from: USERS, arity: 2, text: true, fail: failure('SAY') }],
  ['CHANNELS', { handler: channels, from: CLIENTS, arity: 0, fail: failure('CHANNELS') }],
  ...linkRows,
]);

/** A server's connection (accepted, or dialled by us). */
const fromServer = ({ conn }: Ctx): boolean => conn.registered !== undefined;

// channels: messages outside the protocol may be ignored; we log them
function unknownVerb(ctx: Ctx, verb: string): Step {
  if (fromServer(ctx)) return serverRefused(ctx, verb);
  return note(ctx.state, 'info', 'unknownVerb', `ignored unknown verb ${JSON.stringify(verb.slice(0, 32))}`, { conn: ctx.conn.id });
}

function notAllowed(ctx: Ctx, verb: string): Step {
  if (fromServer(ctx)) return serverRefused(ctx, verb);
  // a client's server verb is unknown to it; a stranger's (one not logged in) is a server speaking before FEDERATE-OUT
  if (LINK_VERBS.has(verb)) return ctx.conn.user === undefined ? serverRefused(ctx, verb) : unknownVerb(ctx, verb);
  // channels: CREATE, JOIN and SAY before LOGIN get their failure reply
  return table.get(verb)!.fail(ctx);
}

export const channelsRules: DialectRules = {
  table,
  unknownVerb,
  notAllowed,
  tooLong: (ctx) => (fromServer(ctx) ? badLine(ctx) : note(ctx.state, 'warn', 'lineTooLong', 'ignored an over-long line', { conn: ctx.conn.id })),
  // channels: the spec has no reply for a flood or a missing login; the server closes, and logs why
  flooded: quiet,
  loginTimedOut: ({ state, conn }) => answerQueuedLogins(state, conn),
};

/** Every REGISTER and LOGIN gets one answer: those still queued when the login timeout closes the connection fail. */
function answerQueuedLogins(state: State, conn: Conn): Step {
  const owed = conn.queue.toArray().flatMap((line) => {
    const verb = line.kind === 'line' ? line.text.slice(0, Math.max(0, line.text.indexOf(' '))) : '';
    return verb === 'REGISTER' || verb === 'LOGIN' ? [verb as 'REGISTER' | 'LOGIN'] : [];
  });
  return owed.length === 0 ? none(state) : chain(state, ...owed.map((verb) => (s: State) => answer(s, conn.id, verb, false)));
}
