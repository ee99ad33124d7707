// Runs inside a worker thread: bcrypt's CPU-heavy work, off the event loop that serves the sockets.
import { setPriority } from 'node:os';
import bcrypt from 'bcryptjs';

// On Linux a thread's nice value is its own: hashing yields the core to the thread that serves the sockets,
// so a login storm does not hold up everyone's messages (where this is not allowed, nothing changes).
const LOWER_PRIORITY = 10;
try {
  setPriority(LOWER_PRIORITY);
} catch {
  // not permitted here; hashing still runs off the event loop
}

export type HashTask =
  | { readonly op: 'hash'; readonly password: string; readonly cost: number }
  | { readonly op: 'compare'; readonly password: string; readonly hash: string };

/** `ms`: how long the hash itself took, without the wait for a thread (the hasher's wait estimates use it). */
export interface HashDone {
  readonly value: string | boolean;
  readonly ms: number;
}

export default function run(task: HashTask): HashDone {
  const started = performance.now();
  const value = task.op === 'hash' ? bcrypt.hashSync(task.password, task.cost) : bcrypt.compareSync(task.password, task.hash);
  return { value, ms: performance.now() - started };
}
