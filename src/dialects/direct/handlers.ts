// The direct dialect's verbs: HELLO-FROM, LIST, SEND.
import { chain, effect, logs, none, note, reply, send, type Step } from '../../core/steps.js';
import type { Ctx } from '../../core/dispatch.js';
import { canonicalName, isName } from '../../core/names.js';
import { CLAIM_REFUSALS, claim, isFull, logIn, reachable } from '../../core/presence.js';
import { takenReason, takenWithoutPassword } from '../../core/name-policy.js';
import type { NameClaimed } from '../../core/step.js';
import { updateConn, usersInLoginOrder, type State } from '../../core/state.js';
import type { ConnId, EffectResult } from '../../core/types.js';
import { hello, listOk, sendOk, type Refusal } from './codec.js';

export function refuse(state: State, conn: ConnId, code: Refusal): Step {
  return reply(state, conn, code);
}

export function refuseAndClose(state: State, conn: ConnId, code: Refusal): Step {
  return chain(updateConn(state, conn, { closing: 'refused' }),
    (s) => refuse(s, conn, code),
    (s) => effect(s, { kind: 'close', conn }),
  );
}

// direct: login checks in order — header, name syntax, in use, full — then `HELLO name`
export function helloFrom({ state, conn, args: [raw] }: Ctx): Step {
  const name = canonicalName(raw);
  if (conn.user !== undefined) return refuse(state, conn.id, 'BAD-RQST-HDR'); // direct: a second HELLO-FROM; the connection stays
  if (!isName(name)) return refuseAndClose(state, conn.id, 'BAD-RQST-BODY');
  // direct N1: a name online, a registered account's, or one that looks like either, is in use (no password here)
  const taken = takenWithoutPassword(state, name);
  if (taken) {
    return chain(state, (s) => refuseAndClose(s, conn.id, 'IN-USE'),
      (s) => note(s, 'info', 'loginRefused', `login as ${name} refused: ${takenReason(name, taken)}`, { conn: conn.id, user: name, reason: taken.why }));
  }
  if (isFull(state)) return refuseAndClose(state, conn.id, 'BUSY');
  return claim(state, conn.id, name, (s) => admit(s, conn.id, name));
}

function admit(state: State, conn: ConnId, name: string, seq?: number): Step {
  return chain(state, (s) => reply(s, conn, hello(name)), (s) => logIn(s, conn, name, seq));
}

/** In a cluster: the name was claimed across it, or another node has it, or the cluster is full or out of reach. */
export function claimed({ state, conn }: Ctx, { user, outcome, seq }: NameClaimed): Step {
  if (outcome === 'granted') return admit(state, conn.id, user, seq);
  return chain(state,
    (s) => refuseAndClose(s, conn.id, outcome === 'taken' ? 'IN-USE' : 'BUSY'),
    (s) => note(s, outcome === 'failed' ? 'warn' : 'info', 'loginRefused', `login as ${user} refused: ${CLAIM_REFUSALS[outcome]}`, { conn: conn.id, user, reason: outcome }),
  );
}

// direct: every logged-in user, the asker too, in the order they logged in
export function list({ state, conn }: Ctx): Step {
  return reply(state, conn.id, listOk(usersInLoginOrder(state)));
}

// direct: body checks come before the recipient lookup; the message is trimmed at both ends
export function sendTo({ state, conn, args: [to, body] }: Ctx): Step {
  const name = canonicalName(to);
  const text = body.trim();
  if (name === '' || text === '') return refuse(state, conn.id, 'BAD-RQST-BODY');
  const target = reachable(state, name, 'private');
  if (target === undefined) return refuse(state, conn.id, 'BAD-DEST-USER');
  const from = conn.user!;
  // direct: SEND-OK waits for the DELIVERY write to complete; the router reports it as `delivered`
  return chain(updateConn(state, conn.id, { waiting: true }),
    (s) => send(s, target, { kind: 'private', from, to: name, text }, conn.id),
    (s) => (logs(s, 'info') ? note(s, 'info', 'message', `${from} to ${name}: ${text}`, { conn: conn.id, user: from, to: name, text }) : none(s)),
  );
}

/** The DELIVERY write finished: SEND-OK if it went out, else the recipient is gone. */
export function delivered(state: State, { conn, ok }: Extract<EffectResult, { kind: 'delivered' }>): Step {
  if (!ok) {
    return chain(state,
      (s) => refuse(s, conn, 'BAD-DEST-USER'),
      (s) => note(s, 'warn', 'deliveryFailed', 'a direct message could not be written to its recipient', { conn }),
    );
  }
  return reply(state, conn, sendOk());
}
