// The store and the hasher as drivers: bcrypt (on worker threads, so the event loop keeps serving) and the
// accounts and channels. A handler that fails rejects; the pipeline logs why and turns it into the failure result.
import type { Driver } from '../drivers.js';
import { HasherBusy, type Hasher } from './hasher.js';
import type { Store } from './store.js';

const BUSY = Symbol('the hasher refused the request');
function busy(error: unknown): typeof BUSY {
  if (error instanceof HasherBusy) return BUSY;
  throw error;
}

export function hasherDriver(hasher: Hasher): Driver {
  return {
    name: 'hasher',
    effects: {
      // a refusal by the hasher (its address's share is full, or the wait too long) is no failure of the worker: the core answers with the dialect's failure at once
      async hashPassword({ conn, user, password, from }) {
        const hash = await hasher.hash(password, from).catch(busy);
        return hash === BUSY ? { kind: 'passwordHashed', conn, user, hash: null, busy: true } : { kind: 'passwordHashed', conn, user, hash };
      },
      async checkPassword({ conn, user, password, hash, from }) {
        const ok = await hasher.compare(password, hash, from).catch(busy);
        return ok === BUSY ? { kind: 'passwordChecked', conn, user, ok: false, busy: true } : { kind: 'passwordChecked', conn, user, ok };
      },
    },
    close: () => hasher.close(),
  };
}

/** Closing compacts the file (NeDB); a cluster node's store is the backplane's, which closes it. */
export function storeDriver(store: Store): Driver {
  return {
    name: 'store',
    effects: {
      async storeAccount({ conn, user, hash }) {
        const put = await store.putAccount(user, hash);
        return put === 'stored' ? { kind: 'accountStored', conn, user, hash, ok: true } : { kind: 'accountStored', conn, user, hash, ok: false, exists: true };
      },
      async storeChannel({ conn, channel, owner }) {
        const put = await store.putChannel(channel, owner);
        const by = owner !== undefined ? { owner } : {};
        return put === 'stored' ? { kind: 'channelStored', conn, channel, ...by, ok: true } : { kind: 'channelStored', conn, channel, ...by, ok: false, exists: true };
      },
    },
    close: () => store.close(),
  };
}
