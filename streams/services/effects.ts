// Effect runners: bcrypt (on worker threads, so the event loop keeps serving) and the store. A runner that
// fails rejects; the pipeline logs why and turns it into the effect's failure result.
import type { Backplane } from '../cluster/backplane.js';
import { HasherBusy, type Hasher } from './hasher.js';
import type { EffectRunner } from '../pipeline.js';
import type { Store } from './store.js';

const BUSY = Symbol('the hasher refused the request');
function busy(error: unknown): typeof BUSY {
  if (error instanceof HasherBusy) return BUSY;
  throw error;
}

/** `cluster`: the backplane, when this server is one node of a cluster (name claims need it). */
export function effectRunner(store: Store, hasher: Hasher, cluster?: Backplane): EffectRunner {
  return async (effect) => {
    switch (effect.type) {
      // a refusal by the hasher (its address's share is full, or the wait too long) is no failure of the worker: the core answers with the dialect's failure at once
      case 'hashPassword': {
        const { conn, user } = effect;
        const hash = await hasher.hash(effect.password, effect.from).catch(busy);
        return hash === BUSY ? { kind: 'passwordHashed', conn, user, hash: null, busy: true } : { kind: 'passwordHashed', conn, user, hash };
      }
      case 'checkPassword': {
        const { conn, user } = effect;
        const ok = await hasher.compare(effect.password, effect.hash, effect.from).catch(busy);
        return ok === BUSY ? { kind: 'passwordChecked', conn, user, ok: false, busy: true } : { kind: 'passwordChecked', conn, user, ok };
      }
      case 'storeAccount': {
        const { conn, user, hash } = effect;
        const put = await store.putAccount(user, hash);
        return put === 'stored' ? { kind: 'accountStored', conn, user, hash, ok: true } : { kind: 'accountStored', conn, user, hash, ok: false, exists: true };
      }
      case 'storeChannel': {
        const { conn, channel, owner } = effect;
        const put = await store.putChannel(channel, owner);
        const by = owner !== undefined ? { owner } : {};
        return put === 'stored' ? { kind: 'channelStored', conn, channel, ...by, ok: true } : { kind: 'channelStored', conn, channel, ...by, ok: false, exists: true };
      }
      case 'claimName': {
        const { conn, user, from, can } = effect;
        if (!cluster) throw new Error('a name claim, but this server is no cluster node');
        const { outcome, seq } = await cluster.claim(user, can, from);
        return { kind: 'nameClaimed', conn, user, ...(from !== undefined ? { from } : {}), outcome, ...(seq !== undefined ? { seq } : {}) };
      }
    }
  };
}
