// The federation link's verbs, rows of the channels dialect's table (channels.md, "Federation"): who may send
// each (a server before its link is accepted says only FEDERATE-OUT or FEDERATE-CONFIRM), arguments, handler.
import { none, note, type Step } from '../../../core/steps.js';
import type { Ctx, Row } from '../../../core/dispatch.js';
import type { ConnKind } from '../../../core/state.js';
import { federateChallengeLine, federateConfirmLine, federateOutLine, federateProofLine } from './accept.js';
import { fedChannelsLine, fedJoinLine, fedNewLine, fedRecvLine, fedResultLine, fedSayLine, refuseLink } from './handlers.js';
import { peerOf } from './state.js';

/** A line from a server that breaks no rule but cannot be read: logged, and the link stays. */
export const badLine = ({ state, conn }: Ctx): Step => {
  const peer = peerOf(conn);
  return note(state, 'warn', 'linkIgnored', `ignored a malformed line from ${peer ?? conn.remote.address}`, { conn: conn.id, peer });
};

/** A handshake line that cannot be read: the link is refused, as for a wrong proof. */
const badHandshake = ({ state, conn }: Ctx): Step => refuseLink(state, conn, 'a malformed handshake line');

/** Accepted links. */
const SERVERS: ReadonlySet<ConnKind> = new Set(['server']);
/** Whoever is not a logged-in user: a stranger's first line, a link we dialled, an accepted link (which is told it is up already). */
const NOT_USERS: ReadonlySet<ConnKind> = new Set(['unknown', 'outgoing', 'server']);
/** A keyed link we dialled, before it is accepted. */
const OUTGOING: ReadonlySet<ConnKind> = new Set(['outgoing']);
/** A keyed link from another server, before it is accepted. */
const UNKNOWN: ReadonlySet<ConnKind> = new Set(['unknown']);

const row = (handler: Row['handler'], arity: number, extra: Partial<Row> = {}): Row => ({ handler, from: SERVERS, arity, fail: badLine, ...extra });

export const linkRows: ReadonlyArray<readonly [string, Row]> = [
  // trust at the edges: a link is a plain TCP or TLS connection, never a WebSocket on the web port
  // FEDERATE-OUT [name [nonce]]: the nonce only from a keyed peer (docs/federation.md)
  ['FEDERATE-OUT', row(federateOutLine, 1, { from: NOT_USERS, text: true, optional: true, streamOnly: true })],
  ['FEDERATE-CHALLENGE', row(federateChallengeLine, 3, { from: OUTGOING, fail: badHandshake, streamOnly: true })],
  ['FEDERATE-PROOF', row(federateProofLine, 1, { from: UNKNOWN, fail: badHandshake, streamOnly: true })],
  ['FEDERATE-CONFIRM', row(federateConfirmLine, 1, { from: NOT_USERS, optional: true })],
  ['FEDERATECONFIRM', row(federateConfirmLine, 1, { from: NOT_USERS, optional: true })],
  ['FEDCHANNELS', row(fedChannelsLine, 1, { text: true, optional: true })],
  ['FEDNEW', row(fedNewLine, 1)],
  ['FEDJOIN', row(fedJoinLine, 2)],
  ['FEDSAY', row(fedSayLine, 3, { text: true })],
  ['FEDRECV', row(fedRecvLine, 4, { text: true })],
  ['FEDRESULT', row(fedResultLine, 2, { text: true })],
];

/** The verbs only servers send. */
export const LINK_VERBS: ReadonlySet<string> = new Set(linkRows.map(([verb]) => verb));

/**
 * A verb a server's connection may not send (or does not know): an accepted link's is logged and ignored; a link
 * we dialled that says anything before FEDERATE-CONFIRM is refused, as is a stranger's server verb before FEDERATE-OUT.
 */
export function serverRefused(ctx: Ctx, verb: string): Step {
  // federation: a server that has not been accepted may say nothing else (FEDSAY without FEDERATE-OUT included)
  return ctx.conn.registered === 'server' ? badLine(ctx) : refuseLink(ctx.state, ctx.conn, `${JSON.stringify(verb.slice(0, 32))} before FEDERATE-OUT`);
}

export const quiet = ({ state }: Ctx): Step => none(state);
