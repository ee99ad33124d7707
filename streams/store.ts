// Accounts and channels in one NeDB file. Every write resolves only once it is on disk.
import Datastore from 'nedb-promises';
import type { Stored } from '../src/core/state.js';

interface Doc {
  readonly _id: string;
  readonly kind: 'account' | 'channel';
  readonly name: string;
  readonly hash?: string;
}

export interface Store {
  load(): Promise<Stored>;
  putAccount(name: string, hash: string): Promise<void>;
  putChannel(name: string): Promise<void>;
  /** Rewrites the append-only file compactly; call on shutdown. */
  close(): Promise<void>;
}

export async function openStore(filename: string): Promise<Store> {
  const db = Datastore.create({ filename, autoload: false });
  await db.load();
  return {
    async load() {
      const docs = (await db.find<Doc>({})) as Doc[];
      return {
        accounts: docs.filter((d) => d.kind === 'account' && d.hash).map((d) => [d.name, d.hash!] as const),
        channels: docs.filter((d) => d.kind === 'channel').map((d) => d.name),
      };
    },
    // the _id is the unique key: a second insert of the same name fails rather than duplicating it
    async putAccount(name, hash) {
      await db.insert<Doc>({ _id: `account:${name}`, kind: 'account', name, hash });
    },
    async putChannel(name) {
      await db.insert<Doc>({ _id: `channel:${name}`, kind: 'channel', name });
    },
    async close() {
      // nedb-promises passes unknown members through to @seald-io/nedb, whose compaction is awaitable
      await (db as unknown as { compactDatafileAsync(): Promise<void> }).compactDatafileAsync();
    },
  };
}
