// What the channels dialect does when its effects (bcrypt, the database) come back.
import { chain, effect, note, type Step } from '../../core/build.js';
import { isFull, isOnline, logIn } from '../../core/presence.js';
import { withMapEntry, withoutSetEntry, type State } from '../../core/state.js';
import type { EffectResult } from '../../core/types.js';
import { result } from './handlers.js';

type Result<K extends EffectResult['kind']> = Extract<EffectResult, { kind: K }>;

export function passwordHashed(state: State, { conn, user, hash }: Result<'passwordHashed'>): Step {
  if (hash === null) {
    const next = { ...state, registering: withoutSetEntry(state.registering, user) };
    return chain(next,
      (s) => result(s, conn, 'REGISTER', false),
      (s) => note(s, 'error', 'hashFailed', `could not hash the password for ${user}`, { conn, user }),
    );
  }
  return effect(state, { type: 'storeAccount', conn, user, hash });
}

// channels: reply only once the account is on disk, so a crash after `RESULT REGISTER 1` loses nothing
export function accountStored(state: State, { conn, user, hash, ok }: Result<'accountStored'>): Step {
  const registering = withoutSetEntry(state.registering, user);
  if (!ok) {
    return chain({ ...state, registering },
      (s) => result(s, conn, 'REGISTER', false),
      (s) => note(s, 'error', 'storeFailed', `could not store the account ${user}`, { conn, user }),
    );
  }
  return chain({ ...state, registering, accounts: withMapEntry(state.accounts, user, hash) },
    (s) => result(s, conn, 'REGISTER', true),
    (s) => note(s, 'info', 'register', `${user} registered`, { conn, user }),
  );
}

export function passwordChecked(state: State, { conn, user, ok }: Result<'passwordChecked'>): Step {
  const current = state.conns.get(conn);
  if (!current) return note(state, 'info', 'loginAbandoned', `${user}'s connection closed before the password check ended`, { conn, user });
  // the world may have moved while bcrypt ran: check the name and the limit again
  if (!ok || current.user !== undefined || isOnline(state, user) || isFull(state)) {
    return chain(state,
      (s) => result(s, conn, 'LOGIN', false),
      (s) => note(s, 'warn', 'loginRefused', `login as ${user} refused`, { conn, user, reason: ok ? 'taken' : 'password' }),
    );
  }
  return chain(state, (s) => result(s, conn, 'LOGIN', true), (s) => logIn(s, conn, user));
}

export function channelStored(state: State, { conn, channel, ok }: Result<'channelStored'>): Step {
  const creating = withoutSetEntry(state.creating, channel);
  if (!ok) {
    return chain({ ...state, creating },
      (s) => result(s, conn, 'CREATE', false, channel),
      (s) => note(s, 'error', 'storeFailed', `could not store the channel ${channel}`, { conn, channel }),
    );
  }
  return chain({ ...state, creating, channels: withMapEntry(state.channels, channel, new Set<string>()) },
    (s) => result(s, conn, 'CREATE', true, channel),
    (s) => note(s, 'info', 'create', `channel ${channel} created`, { conn, channel }),
  );
}
