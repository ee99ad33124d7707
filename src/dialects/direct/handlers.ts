// The direct dialect's verbs: HELLO-FROM, LIST, SEND.
import { chain, effect, note, send, type Step } from '../../core/build.js';
import type { Ctx } from '../../core/dispatch.js';
import type { DirectRefusal } from '../../core/messages.js';
import { isDirectName } from '../../core/names.js';
import { isFull, isOnline, logIn, privateRecipient } from '../../core/presence.js';
import { sortByCodePoint, updateConn, type State } from '../../core/state.js';
import type { ConnId } from '../../core/types.js';

export function refuse(state: State, conn: ConnId, code: DirectRefusal): Step {
  return send(state, conn, { type: 'refused', code });
}

export function refuseAndClose(state: State, conn: ConnId, code: DirectRefusal): Step {
  return chain(updateConn(state, conn, { closing: 'refused' }),
    (s) => refuse(s, conn, code),
    (s) => effect(s, { type: 'close', conn }),
  );
}

// direct: login checks in order — header, name syntax, in use, full — then `HELLO name`
export function helloFrom({ state, conn, args: [name] }: Ctx): Step {
  if (conn.user !== undefined) return refuse(state, conn.id, 'BAD-RQST-HDR'); // direct: a second HELLO-FROM; the connection stays
  if (!isDirectName(name)) return refuseAndClose(state, conn.id, 'BAD-RQST-BODY');
  if (isOnline(state, name)) return refuseAndClose(state, conn.id, 'IN-USE');
  if (isFull(state)) return refuseAndClose(state, conn.id, 'BUSY');
  return chain(state, (s) => send(s, conn.id, { type: 'hello', name }), (s) => logIn(s, conn.id, name));
}

// direct: every logged-in user, the asker too
export function list({ state, conn }: Ctx): Step {
  return send(state, conn.id, { type: 'userList', names: sortByCodePoint(state.online.keys()) });
}

// direct: body checks come before the recipient lookup; the message is trimmed at both ends
export function sendTo({ state, conn, args: [name, raw] }: Ctx): Step {
  const text = raw.trim();
  if (name === '' || text === '') return refuse(state, conn.id, 'BAD-RQST-BODY');
  const target = privateRecipient(state, name);
  if (target === undefined) return refuse(state, conn.id, 'BAD-DEST-USER');
  const from = conn.user!;
  // direct: SEND-OK waits for the DELIVERY write to complete; the sink reports it as `delivered`
  return chain(updateConn(state, conn.id, { waiting: true }),
    (s) => send(s, target, { type: 'private', from, to: name, text }, conn.id),
    (s) => note(s, 'info', 'message', `${from} to ${name}: ${text}`, { conn: conn.id, user: from, to: name, text }),
  );
}

/** The DELIVERY write finished: SEND-OK if it went out, else the recipient is gone. */
export function delivered(state: State, conn: ConnId, ok: boolean): Step {
  if (!ok) {
    return chain(state,
      (s) => refuse(s, conn, 'BAD-DEST-USER'),
      (s) => note(s, 'warn', 'deliveryFailed', 'a direct message could not be written to its recipient', { conn }),
    );
  }
  return send(state, conn, { type: 'sendOk' });
}
