// What the channels dialect does when its effects (bcrypt, the database) come back.
import { chain, effect, note, type Step } from '../../core/steps.js';
import type { Ctx } from '../../core/dispatch.js';
import type { ResultHandler } from '../../core/dialect.js';
import { CLAIM_REFUSALS, claim, isFull, isOnline, logIn } from '../../core/presence.js';
import type { NameClaimed } from '../../core/step.js';
import { updateConn, withChannel, type State } from '../../core/state.js';
import type { ConnId } from '../../core/types.js';
import { withLoginFailure, withLoginSuccess } from '../../core/login-throttle.js';
import { fedNew } from './federation/codec.js';
import { toEveryPeer } from './deliver.js';
import { answer, refuseLogin } from './handlers.js';
import { onlineLookalike, withReindexed } from '../../core/name-policy.js';
import { withChannelUncounted } from '../../core/quotas.js';

const HASHER_BUSY = 'too many passwords from this address waiting to be hashed, or too long a wait (CHAT_HASH_QUEUE_PER_ADDRESS, CHAT_HASH_MAX_WAIT_MS)';

export const passwordHashed: ResultHandler<'passwordHashed'> = (state, { conn, user, hash, busy }) => {
  if (hash === null) {
    const remote = state.conns.get(conn)?.remote;
    return chain(withReindexed({ ...state, registering: state.registering.delete(user) }, user),
      (s) => answer(s, conn, 'REGISTER', false),
      (s) => (busy
        ? note(s, 'warn', 'registerRefused', `registering ${user} from ${remote?.address} refused: ${HASHER_BUSY}`, { conn, user, reason: 'busy', remote })
        : note(s, 'error', 'hashFailed', `could not hash the password for ${user}`, { conn, user })),
    );
  }
  // still waiting: the answer comes once the account is stored
  return effect(updateConn(state, conn, { waiting: true }), { kind: 'storeAccount', conn, user, hash });
};

// channels: reply only once the account is on disk, so a crash after `RESULT REGISTER 1` loses nothing
export const accountStored: ResultHandler<'accountStored'> = (state, { conn, user, hash, ok, exists }) => {
  const registering = state.registering.delete(user);
  if (!ok) {
    return chain(withReindexed({ ...state, registering }, user),
      (s) => answer(s, conn, 'REGISTER', false),
      (s) => (exists
        ? note(s, 'info', 'registerRefused', `registering ${user} refused: registered a moment before on another node`, { conn, user, reason: 'exists' })
        : note(s, 'error', 'storeFailed', `could not store the account ${user}`, { conn, user })),
    );
  }
  return chain(withReindexed({ ...state, registering, accounts: state.accounts.set(user, hash) }, user),
    (s) => answer(s, conn, 'REGISTER', true),
    (s) => note(s, 'info', 'register', `${user} registered`, { conn, user }),
  );
};

export const passwordChecked: ResultHandler<'passwordChecked'> = (state, { conn, user, ok, busy, at }) => {
  const current = state.conns.get(conn);
  const address = current?.remote.address ?? 'unknown';
  // a wrong password counts against the account and the address, even from a connection gone meanwhile
  if (!ok && !busy) state = withLoginFailure(state, user, address, at);
  if (!current) return note(state, 'info', 'loginAbandoned', `${user}'s connection closed before the password check ended`, { conn, user });
  if (busy) return refuseLogin(state, current, user, HASHER_BUSY, 'warn');
  if (!ok) return refuseLogin(state, current, user, 'wrong password', 'warn');
  // the world may have moved while bcrypt ran: check the name and the limit again
  if (current.user !== undefined || isOnline(state, user) || onlineLookalike(state, user) !== undefined || isFull(state)) return refuseLogin(state, current, user, 'taken meanwhile');
  return claim(state, conn, user, (s) => loggedIn(s, conn, user));
};

function loggedIn(state: State, conn: ConnId, user: string, seq?: number): Step {
  return chain(withLoginSuccess(state, user), (s) => answer(s, conn, 'LOGIN', true), (s) => logIn(s, conn, user, seq));
}

/** In a cluster: the name was claimed across it, or it is online on another node, or the cluster is full or out of reach. */
export function claimed({ state, conn }: Ctx, { user, outcome, seq }: NameClaimed): Step {
  return outcome === 'granted' ? loggedIn(state, conn.id, user, seq) : refuseLogin(state, conn, user, CLAIM_REFUSALS[outcome], outcome === 'failed' ? 'warn' : 'info');
}

export const channelStored: ResultHandler<'channelStored'> = (state, { conn, channel, owner, ok, exists }) => {
  const creating = state.creating.delete(channel);
  if (!ok) {
    return chain({ ...(owner === undefined ? state : withChannelUncounted(state, owner)), creating },
      (s) => answer(s, conn, 'CREATE', false, channel),
      (s) => (exists
        ? note(s, 'info', 'createRefused', `creating ${channel} refused: created a moment before on another node`, { conn, channel, reason: 'exists' })
        : note(s, 'error', 'storeFailed', `could not store the channel ${channel}`, { conn, channel })),
    );
  }
  return chain(withChannel({ ...state, creating }, channel),
    (s) => answer(s, conn, 'CREATE', true, channel),
    (s) => toEveryPeer(s, fedNew(channel)),
    (s) => note(s, 'info', 'create', `channel ${channel} created`, { conn, channel }),
  );
};
