// The messenger dialect's verbs: NAME, BROADCAST, WHISPER, USERS, QUIT.
import { chain, effect, note, send, type Step } from '../../core/build.js';
import type { Ctx } from '../../core/dispatch.js';
import type { MessengerError } from '../../core/messages.js';
import { isMessengerName } from '../../core/names.js';
import { isFull, isOnline, logIn, logOut, privateRecipient, rename } from '../../core/presence.js';
import { connsOf, sortByCodePoint, updateConn, type State } from '../../core/state.js';
import type { ConnId } from '../../core/types.js';

export function error(state: State, conn: ConnId, code: MessengerError, text: string): Step {
  return send(state, conn, { type: 'error', code, text });
}

// messenger: the first NAME logs in (WELCOME); a later NAME renames (RENAMED to everyone)
export function name({ state, conn, args: [wanted] }: Ctx): Step {
  if (!isMessengerName(wanted)) return error(state, conn.id, 'NAME-INVALID', 'names are 1-32 characters, with no spaces or commas');
  if (wanted === conn.user) return error(state, conn.id, 'BAD-ARGUMENTS', `you are already called ${wanted}`);
  if (isOnline(state, wanted)) return error(state, conn.id, 'NAME-TAKEN', `${wanted} is already taken`);
  if (conn.user !== undefined) return rename(state, conn.id, conn.user, wanted);
  if (isFull(state)) return error(state, conn.id, 'SERVER-FULL', 'the server is full, try again later');
  return chain(state,
    (s) => send(s, conn.id, { type: 'welcome', name: wanted, online: s.online.size + 1 }),
    (s) => logIn(s, conn.id, wanted),
  );
}

// messenger: a broadcast reaches every messenger user, the sender included
export function broadcast({ state, conn, args: [text] }: Ctx): Step {
  if (text.trim() === '') return error(state, conn.id, 'BAD-ARGUMENTS', 'usage: BROADCAST text');
  const from = conn.user!;
  return chain(state,
    (s) => send(s, connsOf(s, ['messenger']), { type: 'broadcast', from, text }),
    (s) => note(s, 'info', 'message', `${from} to everyone: ${text}`, { conn: conn.id, user: from, to: '*', text }),
  );
}

// messenger: a whisper goes to the recipient and is echoed to the sender; direct users get it as DELIVERY
export function whisper({ state, conn, args: [to, text] }: Ctx): Step {
  if (to === '' || text.trim() === '') return error(state, conn.id, 'BAD-ARGUMENTS', 'usage: WHISPER user text');
  const target = privateRecipient(state, to);
  if (target === undefined) return error(state, conn.id, 'NO-SUCH-USER', `${to} is not online`);
  const from = conn.user!;
  return chain(state,
    (s) => send(s, target === conn.id ? [target] : [target, conn.id], { type: 'private', from, to, text }),
    (s) => note(s, 'info', 'message', `${from} to ${to}: ${text}`, { conn: conn.id, user: from, to, text }),
  );
}

export function users({ state, conn }: Ctx): Step {
  return send(state, conn.id, { type: 'userList', names: sortByCodePoint(state.online.keys()) });
}

// messenger: QUIT is answered with BYE, then the server closes; the others see `LEFT user quit`
export function quit({ state, conn }: Ctx): Step {
  const text = conn.user ? `Goodbye, ${conn.user}.` : 'Goodbye.';
  // the others see LEFT at once, not when the socket finally closes
  return chain(updateConn(state, conn.id, { closing: 'quit' }),
    (s) => send(s, conn.id, { type: 'bye', text }),
    (s) => logOut(s, conn.id, 'quit'),
    (s) => effect(s, { type: 'close', conn: conn.id }),
  );
}
