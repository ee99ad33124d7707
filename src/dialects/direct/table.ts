// The direct dialect's verbs: arguments, login guard, handler, failure reply.
import { none } from '../../core/steps.js';
import { CLIENTS, USERS, type Ctx, type DialectRules, type Row } from '../../core/dispatch.js';
import { helloFrom, list, refuse, refuseAndClose, sendTo } from './handlers.js';

// direct: before login, anything but HELLO-FROM gets BAD-RQST-HDR and the connection is closed
const badHeader = ({ state, conn }: Ctx) =>
  conn.user === undefined ? refuseAndClose(state, conn.id, 'BAD-RQST-HDR') : refuse(state, conn.id, 'BAD-RQST-HDR');

// direct: a malformed body is BAD-RQST-BODY; before login (a bad HELLO-FROM) the connection is closed
const badBody = ({ state, conn }: Ctx) =>
  conn.user === undefined ? refuseAndClose(state, conn.id, 'BAD-RQST-BODY') : refuse(state, conn.id, 'BAD-RQST-BODY');

const table = new Map<string, Row>([
  ['HELLO-FROM', { handler: helloFrom, from: CLIENTS, arity: 1, text: true, fail: badBody }],
  ['LIST', { handler: list, from: USERS, arity: 0, fail: badBody }],
  ['SEND', { handler: sendTo, from: USERS, arity: 2, text: true, fail: badBody }],
]);

export const directRules: DialectRules = {
  table,
  unknownVerb: badHeader,
  notAllowed: badHeader,
  tooLong: badBody,
  // direct: the spec has no reply for a flood or a missing HELLO-FROM; the server closes, and logs why
  flooded: ({ state }) => none(state),
  loginTimedOut: ({ state }) => none(state),
  // direct/SPACE-runs: runs of spaces separate tokens, as the course's reference server and its EchoBot expect
  spaceRuns: true,
  // direct/EMPTY-line (PR16): an empty line is an invalid header, BAD-RQST-HDR
  answersEmptyLines: true,
};
