// The federation link's verbs: arguments, the guard (a link must be accepted first), handler.
import type { Ctx, DialectRules, Row } from '../../core/dispatch.js';
import {
  federateConfirmLine, federateOutLine, fedChannelsLine, fedJoinLine, fedNewLine, fedRecvLine, fedResultLine, fedSayLine, refuseLink,
} from './handlers.js';
import { none, note } from '../../core/steps.js';

const badLine = ({ state, conn }: Ctx) =>
  note(state, 'warn', 'linkIgnored', `ignored a malformed line from ${conn.peer ?? conn.remote.address}`, { conn: conn.id, peer: conn.peer });

const row = (handler: Row['handler'], arity: number, extra: Partial<Row> = {}): Row => ({ handler, needsLogin: true, arity, fail: badLine, ...extra });

const table = new Map<string, Row>([
  ['FEDERATE-OUT', row(federateOutLine, 1, { needsLogin: false, optional: true })],
  ['FEDERATE-CONFIRM', row(federateConfirmLine, 1, { needsLogin: false, optional: true })],
  ['FEDERATECONFIRM', row(federateConfirmLine, 1, { needsLogin: false, optional: true })],
  ['FEDCHANNELS', row(fedChannelsLine, 1, { text: true, optional: true })],
  ['FEDNEW', row(fedNewLine, 1)],
  ['FEDJOIN', row(fedJoinLine, 2)],
  ['FEDSAY', row(fedSayLine, 3, { text: true })],
  ['FEDRECV', row(fedRecvLine, 4, { text: true })],
  ['FEDRESULT', row(fedResultLine, 2, { text: true })],
]);

export const linkRules: DialectRules = {
  table,
  // federation: a server that has not been accepted may say nothing else (FEDSAY without FEDERATE-OUT included)
  unknownVerb: (ctx, verb) => (ctx.conn.peer === undefined ? refuseLink(ctx.state, ctx.conn, `${JSON.stringify(verb.slice(0, 32))} before FEDERATE-OUT`) : badLine(ctx)),
  notLoggedIn: (ctx, verb) => refuseLink(ctx.state, ctx.conn, `${verb} before FEDERATE-OUT`),
  tooLong: badLine,
  // federation: a connection that has not been accepted as a link is closed like any other; nothing to say to it
  flooded: ({ state }) => none(state),
  loginTimedOut: ({ state }) => none(state),
};
