// What an effect's result is when the effect itself failed (a worker died, the disk said no): every
// failure comes back as an ordinary result, so the connection that waits on it always goes on.
import type { EdgeEffect, Effect, EffectResult } from './types.js';

type Resulting = Exclude<Effect, EdgeEffect>;
type Untimed<T> = T extends unknown ? Omit<T, 'at'> : never;

export function failedResult(effect: Resulting): Untimed<EffectResult> {
  switch (effect.kind) {
    case 'hashPassword': return { kind: 'passwordHashed', conn: effect.conn, user: effect.user, hash: null };
    case 'checkPassword': return { kind: 'passwordChecked', conn: effect.conn, user: effect.user, ok: false };
    case 'storeAccount': return { kind: 'accountStored', conn: effect.conn, user: effect.user, hash: effect.hash, ok: false };
    case 'storeChannel': return { kind: 'channelStored', conn: effect.conn, channel: effect.channel, ...(effect.owner !== undefined ? { owner: effect.owner } : {}), ok: false };
    case 'claimName': return { kind: 'nameClaimed', conn: effect.conn, user: effect.user, ...(effect.from !== undefined ? { from: effect.from } : {}), outcome: 'failed' };
  }
}
