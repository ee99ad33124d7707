// The channels dialect's verbs: accounts, channels and channel messages.
import { andThen, chain, effect, logs, none, note, reply, type Step } from '../../core/steps.js';
import type { Ctx } from '../../core/dispatch.js';
import { isFull, isOnline } from '../../core/presence.js';
import { updateConn, withMember, type Conn, type State } from '../../core/state.js';
import { announceHolding, channelGroup } from '../../core/cluster-groups.js';
import type { ConnId } from '../../core/types.js';
import { fedJoin, fedSay } from './federation/codec.js';
import { toPeer } from './federation/route.js';
import { joiningOf, withJoining } from './federation/joins.js';
import { hasRemoteChannel, isLinked } from './federation/links.js';
import { splitChannel } from './federation/names.js';
import { serverName } from './federation/state.js';
import { channelList, result, type Verb } from './codec.js';
import { deliverToChannel } from './deliver.js';
import { canonicalName, quoted } from '../../core/names.js';
import { loginAllowedAt, withLoginAttempt, withLoginFailure } from '../../core/login-throttle.js';
import { retryAt } from '../../core/turns.js';
import { isChannelsName } from './names.js';
import { isStorablePassword } from './password.js';
import { onlineLookalike, takenReason, takenWithoutPassword, withReindexed } from '../../core/name-policy.js';
import { createRefusal, withChannelCounted, withRegistration } from '../../core/quotas.js';

export function answer(state: State, conn: ConnId, verb: Verb, ok: boolean, subject?: string): Step {
  return reply(state, conn, result(verb, ok, subject));
}

/** The failure reply of a verb, for bad arguments or a missing login. */
export function failure(verb: Verb) {
  return ({ state, conn, args }: Ctx): Step =>
    verb === 'CHANNELS'
      ? note(state, 'debug', 'badArguments', 'CHANNELS takes no arguments', { conn: conn.id })
      : answer(state, conn.id, verb, false, verb === 'CREATE' || verb === 'JOIN' ? args[0] : undefined);
}

function wait(state: State, conn: ConnId): State {
  return updateConn(state, conn, { waiting: true });
}

/** RESULT REGISTER 0, and a log line with why and from where. */
function refuseRegister(state: State, conn: Conn, user: string, reason: string, level: 'info' | 'warn' = 'info'): Step {
  return chain(state,
    (s) => answer(s, conn.id, 'REGISTER', false),
    (s) => note(s, level, 'registerRefused', `registering ${quoted(user)} from ${conn.remote.address} refused: ${reason}`, { conn: conn.id, user, reason, remote: conn.remote }),
  );
}

// channels: REGISTER → 0 if the name exists or is invalid; only a bcrypt hash is ever stored
export function register({ state, conn, args: [raw, password], at }: Ctx): Step {
  const user = canonicalName(raw);
  if (!isChannelsName(user) || !password) return answer(state, conn.id, 'REGISTER', false);
  // channels N3: a password bcrypt would cut (over 72 bytes of UTF-8) is refused, not shortened
  if (!isStorablePassword(password)) return refuseRegister(state, conn, user, 'the password is over 72 bytes');
  // channels N1: a name that is registered, online (even without an account), or looks like either → 0
  const taken = takenWithoutPassword(state, user);
  if (taken) return refuseRegister(state, conn, user, takenReason(user, taken));
  // channels Q2: at most CHAT_REGISTER_PER_HOUR accounts an hour from one address
  const counted = withRegistration(state, conn.remote.address, at);
  if (!counted) return refuseRegister(state, conn, user, `${conn.remote.address} registered its hourly allowance (CHAT_REGISTER_PER_HOUR)`, 'warn');
  const next = withReindexed({ ...wait(counted, conn.id), registering: counted.registering.add(user) }, user);
  return effect(next, { kind: 'hashPassword', conn: conn.id, user, password, from: conn.remote.address });
}

/** RESULT LOGIN 0, and a log line with why and from where. */
export function refuseLogin(state: State, conn: Conn, user: string, reason: string, level: 'info' | 'warn' = 'info'): Step {
  return chain(state,
    (s) => answer(s, conn.id, 'LOGIN', false),
    (s) => note(s, level, 'loginRefused', `login as ${quoted(user)} from ${conn.remote.address} refused: ${reason}`, { conn: conn.id, user, reason, remote: conn.remote }),
  );
}

// channels: LOGIN → 0 for no such user, a wrong password, a user online anywhere, or a connection already
// logged in; also for an account stored before the name policy forbade its name
export function login(ctx: Ctx): Step {
  const { state, conn, args: [raw, password], at } = ctx;
  const user = canonicalName(raw);
  const hash = state.accounts.get(user);
  if (conn.user !== undefined) return refuseLogin(state, conn, user, 'this connection is logged in already');
  if (!password || !isChannelsName(user)) return refuseLogin(state, conn, user, 'not a valid name and password');
  // failed logins before: wait (before anything tells a guesser whether the account exists)
  const allowed = loginAllowedAt(state, hash === undefined ? undefined : user, conn.remote.address);
  // every LOGIN gets one answer: one whose delay would outlast the connection's login deadline is refused now
  // (unchecked, so it counts as no failure), not left to be closed unanswered
  if (allowed > at && conn.loginBy !== undefined && allowed >= conn.loginBy) {
    return refuseLogin(state, conn, user, `delayed past the login deadline after failed logins from ${conn.remote.address}`, 'warn');
  }
  if (allowed > at) {
    return andThen(retryAt(ctx, allowed),
      (s) => note(s, 'debug', 'loginDelayed', `login as ${user} from ${conn.remote.address} delayed ${allowed - at} ms after failed logins`, { conn: conn.id, user, remote: conn.remote }));
  }
  if (hash === undefined) return refuseLogin(withLoginFailure(state, undefined, conn.remote.address, at), conn, user, 'no such account', 'warn');
  if (isOnline(state, user)) return refuseLogin(state, conn, user, 'logged in elsewhere');
  // channels N1: two accounts that look alike (registered before the rule) are never online together
  const lookalike = onlineLookalike(state, user);
  if (lookalike !== undefined) return refuseLogin(state, conn, user, `looks like ${lookalike}, who is online`);
  if (isFull(state)) return refuseLogin(state, conn, user, 'the server is full');
  return effect(withLoginAttempt(wait(state, conn.id), user, conn.remote.address, at), { kind: 'checkPassword', conn: conn.id, user, password, hash, from: conn.remote.address });
}

// channels: CREATE → 0 if the name is invalid or the channel exists; the creator is not joined
export function create({ state, conn, args: [raw] }: Ctx): Step {
  const channel = canonicalName(raw);
  const owner = conn.user!;
  if (!isChannelsName(channel) || state.channels.has(channel) || state.creating.has(channel)) {
    return answer(state, conn.id, 'CREATE', false, channel);
  }
  // channels Q1: past CHAT_MAX_CHANNELS_PER_USER for this account, or CHAT_MAX_CHANNELS in all → 0
  const refusal = createRefusal(state, owner);
  if (refusal !== undefined) {
    return chain(state,
      (s) => answer(s, conn.id, 'CREATE', false, channel),
      (s) => note(s, 'warn', 'createRefused', `creating ${quoted(channel)} refused: ${refusal}`, { conn: conn.id, user: owner, channel, reason: 'quota', remote: conn.remote }),
    );
  }
  const next = { ...wait(withChannelCounted(state, owner), conn.id), creating: state.creating.add(channel) };
  return effect(next, { kind: 'storeChannel', conn: conn.id, channel, owner });
}

/** A channel named `channel:server` lives on a federated server, unless `server` is this one. */
function remote(state: State, name: string): { readonly channel: string; readonly server: string } | undefined {
  const { channel, server } = splitChannel(name);
  return server === undefined || server === serverName(state) ? undefined : { channel, server };
}

function local(state: State, name: string): string {
  const { channel, server } = splitChannel(name);
  return server === serverName(state) ? channel : name;
}

// channels: JOIN channel:host joins a channel on a federated server: FEDJOIN there, RESULT when FEDRESULT comes back
function joinRemote(state: State, conn: Conn, name: string, channel: string, server: string): Step {
  if (!hasRemoteChannel(state, server, channel) || conn.channels.has(name) || joiningOf(conn).has(name)) return answer(state, conn.id, 'JOIN', false, name);
  return chain(withJoining(state, conn.id, server, name),
    (s) => toPeer(s, server, fedJoin(`${conn.user}@${serverName(s)}`, channel)),
    (s) => note(s, 'info', 'join', `${conn.user} asked to join ${name}`, { conn: conn.id, user: conn.user, channel: name }),
  );
}

// channels: JOIN → 0 if there is no such channel or the user is a member already
export function join({ state, conn, args: [raw] }: Ctx): Step {
  const named = canonicalName(raw);
  const user = conn.user!;
  const far = remote(state, named);
  if (far) return joinRemote(state, conn, named, far.channel, far.server);
  const channel = local(state, named);
  if (!state.channels.has(channel) || conn.channels.has(channel)) return answer(state, conn.id, 'JOIN', false, named);
  return chain(withMember(state, channel, conn.id),
    // cluster: at its first member here, the other nodes learn to forward the channel's messages to this node
    (s) => announceHolding(s, [channelGroup(channel)]),
    (s) => answer(s, conn.id, 'JOIN', true, named),
    (s) => note(s, 'info', 'join', `${user} joined ${channel}`, { conn: conn.id, user, channel }),
  );
}

// channels: SAY → RECV to every member, the sender included; any failure is `RESULT SAY 0`
export function say({ state, conn, args: [raw, text] }: Ctx): Step {
  const named = canonicalName(raw);
  const from = conn.user!;
  const far = remote(state, named);
  const channel = far ? named : local(state, named);
  if (!conn.channels.has(channel) || text.trim() === '') return answer(state, conn.id, 'SAY', false);
  // federation: the owning server delivers, to its members and back to ours (the sender too)
  if (far && !isLinked(state, far.server)) return answer(state, conn.id, 'SAY', false);
  return chain(state,
    (s) => (far
      ? toPeer(s, far.server, fedSay(`${from}@${serverName(s)}`, far.channel, text))
      : deliverToChannel(s, channel, from, text)),
    (s) => (logs(s, 'info') ? note(s, 'info', 'message', `${from} in ${channel}: ${text}`, { conn: conn.id, user: from, channel, text }) : none(s)),
  );
}

// channels: CHANNELS works without a login; sorted by code point
export function channels({ state, conn }: Ctx): Step {
  return reply(state, conn.id, channelList(state.channelNames.keys()));
}
