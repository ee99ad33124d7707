// Accounts and channels in one NeDB file. Every write resolves only once it is on disk.
import { readFile, truncate } from 'node:fs/promises';
import Datastore from 'nedb-promises';
import type { Stored } from '../../src/core/state.js';
import { PRIVATE_FILE, PRIVATE_FOLDER } from '../ops/paths.js';

interface Doc {
  readonly _id: string;
  readonly kind: 'account' | 'channel';
  readonly name: string;
  readonly hash?: string;
  /** A channel's creator (records written before it was kept have none). */
  readonly owner?: string;
}

/** What was wrong with the data file when it was opened: to be reported, since NeDB skips such lines silently. */
export interface Damage {
  readonly file: string;
  /** Complete lines that were not a record: NeDB skips them (and refuses to start past 10% of the file). */
  readonly corrupt: number;
  /** An unfinished last line (a write cut short by a crash), cut off before loading. */
  readonly torn: boolean;
}

export type Put = 'stored' | 'exists';

/** NeDB's refusal of a second record with one _id. */
function exists(error: unknown): Put {
  if ((error as { errorType?: string }).errorType === 'uniqueViolated') return 'exists';
  throw error;
}

export interface Store {
  /** Damage found in the file on opening; none when corrupt is 0 and torn is false. */
  readonly damage: Damage;
  load(): Promise<Stored>;
  /** `exists`: the name was taken already (in a cluster, by another node a moment before); nothing was written. */
  putAccount(name: string, hash: string): Promise<Put>;
  /** `owner`: the account creating it, kept so the per-account channel quota survives a restart. */
  putChannel(name: string, owner?: string): Promise<Put>;
  /** Rewrites the append-only file compactly; call on shutdown. */
  close(): Promise<void>;
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/**
 * Counts the lines NeDB would skip, which it does without a word. A torn last line is cut off first: it holds
 * nothing that can be read back, and in a small file that one line would exceed NeDB's 10% of corrupt lines
 * and stop the server from starting at all after a crash.
 */
async function inspect(filename: string): Promise<Damage> {
  const text = await readFile(filename, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const lines = text.split('\n');
  const tail = lines.pop()!;
  const corrupt = lines.filter((line) => line !== '' && !parses(line)).length;
  const torn = tail !== '' && !parses(tail);
  if (torn) await truncate(filename, Buffer.byteLength(text) - Buffer.byteLength(tail));
  return { file: filename, corrupt, torn };
}

export async function openStore(filename: string): Promise<Store> {
  const damage = await inspect(filename);
  // compaction writes a new file and renames it over the old: it too is created 0600 (NeDB's `modes`, which
  // nedb-promises passes on but does not declare)
  const options = { filename, autoload: false, modes: { fileMode: PRIVATE_FILE, dirMode: PRIVATE_FOLDER } };
  const db = Datastore.create(options);
  await db.load();
  return {
    damage,
    async load() {
      const docs = (await db.find<Doc>({})) as Doc[];
      return {
        accounts: docs.filter((d) => d.kind === 'account' && d.hash).map((d) => [d.name, d.hash!] as const),
        channels: docs.filter((d) => d.kind === 'channel').map((d) => d.name),
        channelOwners: docs.filter((d) => d.kind === 'channel' && d.owner !== undefined).map((d) => [d.name, d.owner!] as const),
      };
    },
    // the _id is the unique key: a second insert of the same name fails rather than duplicating it
    putAccount: (name, hash) => db.insert<Doc>({ _id: `account:${name}`, kind: 'account', name, hash }).then((): Put => 'stored', exists),
    putChannel: (name, owner) => db.insert<Doc>({ _id: `channel:${name}`, kind: 'channel', name, ...(owner !== undefined ? { owner } : {}) }).then((): Put => 'stored', exists),
    async close() {
      // nedb-promises passes unknown members through to @seald-io/nedb, whose compaction is awaitable
      await (db as unknown as { compactDatafileAsync(): Promise<void> }).compactDatafileAsync();
    },
  };
}
