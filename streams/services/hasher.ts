// Password hashing on a small pool of worker threads (piscina), so a burst of logins never stalls chat.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { HashTask } from './bcrypt-worker.js';

export interface Hasher {
  /** Rejects with HasherBusy at once when `maxQueued` hashes are already waiting or running. */
  hash(password: string): Promise<string>;
  compare(password: string, hash: string): Promise<boolean>;
  /** Hashes waiting or running, for the leak counts. */
  pending(): number;
  close(): Promise<void>;
}

/** The bcrypt queue is full: the caller answers with its failure now instead of queueing without bound. */
export class HasherBusy extends Error {
  constructor(most: number) {
    super(`${most} password hashes are already waiting or running`);
  }
}

/** The compiled worker: beside this file when running from dist/, or in dist/ when tests run the sources. */
function workerFile(): string {
  const beside = fileURLToPath(new URL('./bcrypt-worker.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../dist/streams/services/bcrypt-worker.js', import.meta.url));
}

export function openHasher(cost: number, maxQueued: number, filename = workerFile()): Hasher {
  const pool = new Piscina<HashTask, string | boolean>({
    filename,
    minThreads: 0,
    maxThreads: Math.max(1, Math.min(4, availableParallelism())),
    idleTimeout: 30_000,
  });
  let pending = 0;
  const run = async (task: HashTask): Promise<string | boolean> => {
    if (pending >= maxQueued) throw new HasherBusy(maxQueued);
    pending++;
    try {
      return await pool.run(task);
    } finally {
      pending--;
    }
  };
  return {
    hash: async (password) => (await run({ op: 'hash', password, cost })) as string,
    compare: async (password, hash) => (await run({ op: 'compare', password, hash })) as boolean,
    pending: () => pending,
    close: () => pool.destroy(),
  };
}
