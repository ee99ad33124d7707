// Accounts and channels in Redis, for a cluster node: the one store every node shares. A write resolves once
// Redis has it (with appendfsync always, on disk), and every other node is told in the same step.
import type { Redis } from 'ioredis';
import type { Store } from '../services/store.js';
import type { ScriptRunner } from './redis.js';

export function redisStore(cmd: Redis, run: ScriptRunner, prefix: string, node: string, shownUrl: string): Store {
  return {
    damage: { file: shownUrl, corrupt: 0, torn: false },
    async load() {
      const [accounts, channels, owners] = await Promise.all([cmd.hgetall(`${prefix}accounts`), cmd.smembers(`${prefix}channels`), cmd.hgetall(`${prefix}channelOwners`)]);
      return { accounts: Object.entries(accounts), channels, channelOwners: Object.entries(owners) };
    },
    // only once this resolves is the `1` sent
    putAccount: async (name, hash) => ((await run('chatPutAccount', node, name, hash)) === 1 ? 'stored' : 'exists'),
    putChannel: async (name, owner) => {
      if ((await run('chatPutChannel', node, name)) !== 1) return 'exists';
      // the creator, for the per-account quota after a restart (other nodes count it from then on)
      if (owner !== undefined) await cmd.hset(`${prefix}channelOwners`, name, owner);
      return 'stored';
    },
    async close() {},
  };
}
