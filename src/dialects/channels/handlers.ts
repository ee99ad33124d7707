// The channels dialect's verbs: accounts, channels and channel messages.
import { chain, effect, note, send, type Step } from '../../core/build.js';
import type { Ctx } from '../../core/dispatch.js';
import type { ChannelsVerb } from '../../core/messages.js';
import { isChannelsName } from '../../core/names.js';
import { isFull, isOnline } from '../../core/presence.js';
import { sortByCodePoint, updateConn, withSetEntry, withMember, type State } from '../../core/state.js';
import type { ConnId } from '../../core/types.js';

export function result(state: State, conn: ConnId, verb: ChannelsVerb, ok: boolean, subject?: string): Step {
  return send(state, conn, { type: 'result', verb, ok, ...(subject ? { subject } : {}) });
}

/** The failure reply of a verb, for bad arguments or a missing login. */
export function failure(verb: ChannelsVerb) {
  return ({ state, conn, args }: Ctx): Step =>
    verb === 'CHANNELS'
      ? note(state, 'debug', 'badArguments', 'CHANNELS takes no arguments', { conn: conn.id })
      : result(state, conn.id, verb, false, verb === 'CREATE' || verb === 'JOIN' ? args[0] : undefined);
}

function wait(state: State, conn: ConnId): State {
  return updateConn(state, conn, { waiting: true });
}

// channels: REGISTER → 0 if the name exists or is invalid; only a bcrypt hash is ever stored
export function register({ state, conn, args: [user, password] }: Ctx): Step {
  if (!isChannelsName(user) || !password || state.accounts.has(user) || state.registering.has(user)) {
    return result(state, conn.id, 'REGISTER', false);
  }
  const next = { ...wait(state, conn.id), registering: withSetEntry(state.registering, user) };
  return effect(next, { type: 'hashPassword', conn: conn.id, user, password });
}

// channels: LOGIN → 0 for no such user, a wrong password, a user online anywhere, or a connection already logged in
export function login({ state, conn, args: [user, password] }: Ctx): Step {
  const hash = state.accounts.get(user);
  if (conn.user !== undefined || hash === undefined || !password || isOnline(state, user) || isFull(state)) {
    return result(state, conn.id, 'LOGIN', false);
  }
  return effect(wait(state, conn.id), { type: 'checkPassword', conn: conn.id, user, password, hash });
}

// channels: CREATE → 0 if the name is invalid or the channel exists; the creator is not joined
export function create({ state, conn, args: [channel] }: Ctx): Step {
  if (!isChannelsName(channel) || state.channels.has(channel) || state.creating.has(channel)) {
    return result(state, conn.id, 'CREATE', false, channel);
  }
  const next = { ...wait(state, conn.id), creating: withSetEntry(state.creating, channel) };
  return effect(next, { type: 'storeChannel', conn: conn.id, channel });
}

// channels: JOIN → 0 if there is no such channel or the user is a member already
export function join({ state, conn, args: [channel] }: Ctx): Step {
  const members = state.channels.get(channel);
  const user = conn.user!;
  if (!members || members.has(user)) return result(state, conn.id, 'JOIN', false, channel);
  return chain(withMember(state, channel, user),
    (s) => result(s, conn.id, 'JOIN', true, channel),
    (s) => note(s, 'info', 'join', `${user} joined ${channel}`, { conn: conn.id, user, channel }),
  );
}

// channels: SAY → RECV to every member, the sender included; any failure is `RESULT SAY 0`
export function say({ state, conn, args: [channel, text] }: Ctx): Step {
  const members = state.channels.get(channel);
  const from = conn.user!;
  if (!members || !members.has(from) || text.trim() === '') return result(state, conn.id, 'SAY', false);
  const to: ConnId[] = [];
  for (const member of members) {
    const id = state.online.get(member);
    if (id !== undefined) to.push(id);
  }
  return chain(state,
    (s) => send(s, to, { type: 'recv', from, channel, text }),
    (s) => note(s, 'info', 'message', `${from} in ${channel}: ${text}`, { conn: conn.id, user: from, channel, text }),
  );
}

// channels: CHANNELS works without a login; sorted by code point
export function channels({ state, conn }: Ctx): Step {
  return send(state, conn.id, { type: 'channelList', names: sortByCodePoint(state.channels.keys()) });
}

