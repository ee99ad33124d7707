// The messenger dialect's verbs: NAME, BROADCAST, WHISPER, USERS, QUIT.
import { chain, effect, logs, none, note, reply, send, type Step } from '../../core/steps.js';
import type { Ctx } from '../../core/dispatch.js';
import { MAX_NAME_LENGTH, canonicalName, isName, quoted } from '../../core/names.js';
import { CLAIM_REFUSALS, claim, isFull, logIn, logOut, reachable, rename, userCount } from '../../core/presence.js';
import { takenReason, takenWithoutPassword } from '../../core/name-policy.js';
import type { NameClaimed } from '../../core/step.js';
import { updateConn, type State } from '../../core/state.js';
import type { ConnId } from '../../core/types.js';
import { bye, error, HELP_LINE, userList, welcome, type ErrorCode } from './codec.js';

export function fail(state: State, conn: ConnId, code: ErrorCode, text: string): Step {
  return reply(state, conn, error(code, text));
}

// messenger: the first NAME logs in (WELCOME); a later NAME renames (RENAMED to everyone)
export function name({ state, conn, args: [raw] }: Ctx): Step {
  const wanted = canonicalName(raw);
  if (!isName(wanted)) return invalidName(state, conn.id);
  if (wanted === conn.user) return fail(state, conn.id, 'BAD-ARGUMENTS', `you are already called ${wanted}`);
  // messenger N1: a name online, a registered account's, or one that looks like either, is taken
  const taken = takenWithoutPassword(state, wanted, conn.user);
  if (taken) {
    return chain(state, (s) => fail(s, conn.id, 'NAME-TAKEN', takenReason(wanted, taken)),
      (s) => note(s, 'info', 'loginRefused', `name ${wanted} refused: ${takenReason(wanted, taken)}`, { conn: conn.id, user: wanted, reason: taken.why }));
  }
  const from = conn.user;
  if (from !== undefined) return claim(state, conn.id, wanted, (s) => rename(s, conn.id, from, wanted), from);
  if (isFull(state)) return fail(state, conn.id, 'SERVER-FULL', 'the server is full, try again later');
  return claim(state, conn.id, wanted, (s) => welcomeIn(s, conn.id, wanted));
}

// messenger N2: a name breaking the one name policy (control characters included) is NAME-INVALID
export function invalidName(state: State, conn: ConnId): Step {
  return fail(state, conn, 'NAME-INVALID', `names are 1-${MAX_NAME_LENGTH} characters, with no spaces, commas, @, :, control or invisible characters`);
}

function welcomeIn(state: State, conn: ConnId, name: string, seq?: number): Step {
  return chain(state,
    (s) => reply(s, conn, welcome(name, userCount(s) + 1)),
    (s) => logIn(s, conn, name, seq),
  );
}

/** In a cluster: the name was claimed across it (a login or a rename), or it was refused. */
export function claimed({ state, conn }: Ctx, { user, from, outcome, seq }: NameClaimed): Step {
  if (outcome === 'granted') return from !== undefined && conn.user === from ? rename(state, conn.id, from, user) : welcomeIn(state, conn.id, user, seq);
  if (outcome === 'taken') return fail(state, conn.id, 'NAME-TAKEN', `${user} is already taken`);
  return chain(state,
    (s) => fail(s, conn.id, 'SERVER-FULL', outcome === 'full' ? 'the server is full, try again later' : 'the server cannot take names right now, try again later'),
    (s) => note(s, outcome === 'failed' ? 'warn' : 'info', 'loginRefused', `name ${user} refused: ${CLAIM_REFUSALS[outcome]}`, { conn: conn.id, user, reason: outcome }),
  );
}

// messenger: a broadcast reaches every user whose dialect shows broadcasts, the sender included
export function broadcast({ state, conn, args: [text] }: Ctx): Step {
  if (text.trim() === '') return fail(state, conn.id, 'BAD-ARGUMENTS', 'usage: BROADCAST text');
  const from = conn.user!;
  return chain(state,
    (s) => send(s, { kind: 'capable', capability: 'broadcast' }, { kind: 'broadcast', from, text }),
    (s) => (logs(s, 'info') ? note(s, 'info', 'message', `${from} to everyone: ${text}`, { conn: conn.id, user: from, to: '*', text }) : none(s)),
  );
}

// messenger: a whisper goes to the recipient and is echoed to the sender; direct users get it as DELIVERY
export function whisper({ state, conn, args: [raw, text] }: Ctx): Step {
  const to = canonicalName(raw);
  if (to === '' || text.trim() === '') return fail(state, conn.id, 'BAD-ARGUMENTS', 'usage: WHISPER user text');
  const target = reachable(state, to, 'private');
  if (target === undefined) return fail(state, conn.id, 'NO-SUCH-USER', `${quoted(to)} is not online`);
  const from = conn.user!;
  const msg = { kind: 'private', from, to, text } as const;
  return chain(state,
    (s) => send(s, target, msg),
    (s) => (target.kind === 'conn' && target.conn === conn.id ? none(s) : send(s, { kind: 'conn', conn: conn.id }, msg)),
    (s) => (logs(s, 'info') ? note(s, 'info', 'message', `${from} to ${to}: ${text}`, { conn: conn.id, user: from, to, text }) : none(s)),
  );
}

// messenger: every online user of every dialect, sorted by code point
export function users({ state, conn }: Ctx): Step {
  return reply(state, conn.id, userList(state.names.keys()));
}

// messenger: HELP lists the verbs, in one line (protocol.txt "HELP")
export function help({ state, conn }: Ctx): Step {
  return reply(state, conn.id, HELP_LINE);
}

// messenger: QUIT is answered with BYE, then the server closes; the others see `LEFT user quit`
export function quit({ state, conn }: Ctx): Step {
  const text = conn.user ? `Goodbye, ${conn.user}.` : 'Goodbye.';
  // the others see LEFT at once, not when the socket finally closes
  return chain(updateConn(state, conn.id, { closing: 'quit' }),
    (s) => reply(s, conn.id, bye(text)),
    (s) => logOut(s, conn.id, 'quit'),
    (s) => effect(s, { kind: 'close', conn: conn.id }),
  );
}
