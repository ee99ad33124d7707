// Password hashing on a small pool of worker threads (piscina), so a burst of logins never stalls chat.
// Requests queue per remote address and the workers serve the addresses in turn: one address registering
// a whole class delays another's LOGIN by at most about one hash per worker.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { HashDone, HashTask } from './bcrypt-worker.js';
import { FairQueue } from './fair-queue.js';

export interface Hasher {
  /** `from`: the remote address whose turn this is. Rejects with HasherBusy at once when refused. */
  hash(password: string, from: string): Promise<string>;
  compare(password: string, hash: string, from: string): Promise<boolean>;
  /** Hashes waiting or running, for the leak counts. */
  pending(): number;
  close(): Promise<void>;
}

export interface HasherOptions {
  readonly cost: number;
  /** CHAT_HASH_QUEUE_PER_ADDRESS: requests one address may have waiting. */
  readonly perAddress: number;
  /** CHAT_HASH_MAX_WAIT_MS: the longest expected wait a request may be queued for. */
  readonly maxWaitMs: number;
  /** Worker threads (default: the cores, at most 4). */
  readonly workers?: number;
  /** The worker module (tests swap in one that fails or sleeps). */
  readonly filename?: string;
}

/** Refused at once: the caller answers with its failure now instead of queueing without bound. */
export class HasherBusy extends Error {}

/** How much a new measurement moves the average hash time: about the last ten hashes count. */
const AVERAGE_WEIGHT = 0.1;

/** The compiled worker: beside this file when running from dist/, or in dist/ when tests run the sources. */
function workerFile(): string {
  const beside = fileURLToPath(new URL('./bcrypt-worker.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../dist/streams/services/bcrypt-worker.js', import.meta.url));
}

interface Waiting {
  readonly task: HashTask;
  readonly resolve: (result: string | boolean) => void;
  readonly reject: (error: unknown) => void;
}

export function openHasher({ cost, perAddress, maxWaitMs, workers: wanted, filename = workerFile() }: HasherOptions): Hasher {
  const workers = wanted ?? Math.max(1, Math.min(4, availableParallelism()));
  const pool = new Piscina<HashTask, HashDone>({ filename, minThreads: 0, maxThreads: workers, idleTimeout: 30_000 });
  const queue = new FairQueue<Waiting>();
  let running = 0;
  /** The moving average of measured hash times in ms; unknown until the first hash ends (nothing is refused by wait before). */
  let averageMs: number | undefined;
  let closed = false;

  // only as many tasks as workers are handed to piscina, so the turn order stays ours, not its FIFO's
  function pump(): void {
    while (running < workers && !closed) {
      const next = queue.take();
      if (!next) return;
      running++;
      pool.run(next.task).then(
        ({ value, ms }) => {
          averageMs = averageMs === undefined ? ms : averageMs + AVERAGE_WEIGHT * (ms - averageMs);
          next.resolve(value);
        },
        next.reject,
      ).finally(() => {
        running--;
        pump();
      });
    }
  }

  function run(task: HashTask, from: string): Promise<string | boolean> {
    if (closed) return Promise.reject(new Error('the password hasher is closed'));
    if (queue.waiting(from) >= perAddress) {
      return Promise.reject(new HasherBusy(`${from} has ${perAddress} passwords waiting to be hashed (CHAT_HASH_QUEUE_PER_ADDRESS)`));
    }
    // a request that would wait for a free worker: refused if its expected wait is too long
    if (running >= workers && averageMs !== undefined) {
      const expectedMs = averageMs * (1 + queue.ahead(from) / workers);
      if (expectedMs > maxWaitMs) {
        return Promise.reject(new HasherBusy(`a password from ${from} would wait ${Math.round(expectedMs)} ms to be hashed (CHAT_HASH_MAX_WAIT_MS ${maxWaitMs})`));
      }
    }
    return new Promise((resolve, reject) => {
      queue.push(from, { task, resolve, reject });
      pump();
    });
  }

  return {
    hash: async (password, from) => (await run({ op: 'hash', password, cost }, from)) as string,
    compare: async (password, hash, from) => (await run({ op: 'compare', password, hash }, from)) as boolean,
    pending: () => queue.size + running,
    async close() {
      closed = true;
      for (const waiting of queue.drain()) waiting.reject(new Error('the password hasher closed'));
      await pool.destroy();
    },
  };
}
