// One dispatcher for every dialect: the guards (who may send the verb, argument counts, control characters,
// unknown verbs) run here, once, from the dialect's command table. Handlers see only well-formed input.
import { chain, effect, note, type Step } from './steps.js';
import { hasControlCharacters } from './names.js';
import { kindOf, updateConn, type Conn, type ConnKind, type State } from './state.js';

export interface Ctx {
  readonly state: State;
  readonly conn: Conn;
  readonly args: readonly string[];
  readonly at: number;
  /** The whole line, for a handler that hands it back to wait its turn again (retryAt). */
  readonly text?: string;
}

export type Handler = (ctx: Ctx) => Step;

export interface Row {
  readonly handler: Handler;
  /** The kinds of connection that may send it (ngIRCd's My_Commands[] client types); the others get `notAllowed`. */
  readonly from: ReadonlySet<ConnKind>;
  /** How many arguments follow the verb. */
  readonly arity: number;
  /** The last argument is the rest of the line, spaces included. */
  readonly text?: boolean;
  /** The last argument may be left out. */
  readonly optional?: boolean;
  /** The answer to a wrong argument count or a control character in the line. */
  readonly fail: Handler;
  /** The verb needs a plain stream (TCP or TLS): over a WebSocket the connection is refused (a server-to-server verb). */
  readonly streamOnly?: boolean;
}

/** Clients, before or after logging in. */
export const CLIENTS: ReadonlySet<ConnKind> = new Set(['unknown', 'user']);
/** Logged-in users only. */
export const USERS: ReadonlySet<ConnKind> = new Set(['user']);

export interface DialectRules {
  readonly table: ReadonlyMap<string, Row>;
  readonly unknownVerb: (ctx: Ctx, verb: string) => Step;
  /** The answer to a verb its row does not allow this kind of connection (a client's before LOGIN, say). */
  readonly notAllowed: (ctx: Ctx, verb: string) => Step;
  readonly tooLong: (ctx: Ctx) => Step;
  /** The reply (if its spec has one) to a connection disconnected for staying over its rate limit. */
  readonly flooded: (ctx: Ctx) => Step;
  /** The reply (if its spec has one) to a connection closed because no one logged in on it in time. */
  readonly loginTimedOut: (ctx: Ctx) => Step;
  /** Tokens are separated by runs of spaces, not by exactly one (a dialect whose ecosystem sends `SEND  bob hi`). */
  readonly spaceRuns?: boolean;
  /** An empty line is an unknown verb to answer, not a line to ignore. */
  readonly answersEmptyLines?: boolean;
}

const SPACE_RUN = / +/;

/** Where the separator that starts at `space` ends: one space, or (`spaceRuns`) the whole run. No regex on the per-line path. */
function afterSpace(text: string, space: number, spaceRuns: boolean): number {
  let end = space + 1;
  if (spaceRuns) while (text.charCodeAt(end) === 32) end++;
  return end;
}

/** Splits what follows the verb into `row.arity` arguments; undefined when the count is wrong. */
export function splitArgs(rest: string | undefined, row: Pick<Row, 'arity' | 'text' | 'optional'>, spaceRuns = false): string[] | undefined {
  let args: string[];
  if (rest === undefined || (row.arity === 0 && rest.trim() === '')) args = [];
  else if (row.text) {
    args = [];
    let remaining = rest;
    while (args.length < row.arity - 1) {
      const space = remaining.indexOf(' ');
      if (space < 0) break;
      args.push(remaining.slice(0, space));
      remaining = remaining.slice(afterSpace(remaining, space, spaceRuns));
    }
    args.push(remaining);
  } else args = spaceRuns ? rest.split(SPACE_RUN) : rest.split(' ');
  const fewest = row.optional ? row.arity - 1 : row.arity;
  return args.length >= fewest && args.length <= row.arity ? args : undefined;
}

/**
 * An unknown verb as a log line or an error reply may show it: cut at the first whitespace of any kind, so
 * `LOGIN<TAB>bob<TAB>password` (no verb, as the table splits at spaces) never carries its password anywhere.
 */
export function shownVerb(text: string): string {
  const space = text.search(/\s/);
  return space < 0 ? text : text.slice(0, space);
}

export function dispatch(rules: DialectRules, state: State, conn: Conn, text: string, at: number): Step {
  const space = text.indexOf(' ');
  const verb = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? undefined : text.slice(afterSpace(text, space, rules.spaceRuns === true));
  const row = rules.table.get(verb);
  if (!row) return rules.unknownVerb({ state, conn, args: [], at }, shownVerb(verb));
  const args = splitArgs(rest, row, rules.spaceRuns);
  const ctx: Ctx = { state, conn, args: args ?? rest?.split(' ') ?? [], at, text };
  if (row.streamOnly && conn.transport !== undefined) return refuseTransport(state, conn, verb);
  if (!row.from.has(kindOf(conn))) return rules.notAllowed(ctx, verb);
  if (!args || hasControlCharacters(text)) return row.fail(ctx);
  return row.handler(ctx);
}

/** Trust at the edges: a listener admits only what it is for; a server-to-server verb over a WebSocket closes the connection. */
function refuseTransport(state: State, conn: Conn, verb: string): Step {
  return chain(updateConn(state, conn.id, { closing: 'refused' }),
    (s) => note(s, 'warn', 'transportRefused', `refused ${verb} from ${conn.remote.address}:${conn.remote.port} over a ${conn.transport}: it is only taken on a plain TCP or TLS connection`,
      { conn: conn.id, remote: conn.remote, transport: conn.transport }),
    (s) => effect(s, { kind: 'close', conn: conn.id }),
  );
}
