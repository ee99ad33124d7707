// Password hashing on a small pool of worker threads (piscina), so a burst of logins never stalls chat.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { HashTask } from './bcrypt-worker.js';

export interface Hasher {
  hash(password: string): Promise<string>;
  compare(password: string, hash: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The compiled worker: beside this file when running from dist/, or in dist/ when tests run the sources. */
function workerFile(): string {
  const beside = fileURLToPath(new URL('./bcrypt-worker.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../dist/streams/bcrypt-worker.js', import.meta.url));
}

export function openHasher(cost: number, filename = workerFile()): Hasher {
  const pool = new Piscina<HashTask, string | boolean>({
    filename,
    minThreads: 0,
    maxThreads: Math.max(1, Math.min(4, availableParallelism())),
    idleTimeout: 30_000,
  });
  return {
    hash: async (password) => (await pool.run({ op: 'hash', password, cost })) as string,
    compare: async (password, hash) => (await pool.run({ op: 'compare', password, hash })) as boolean,
    close: () => pool.destroy(),
  };
}
