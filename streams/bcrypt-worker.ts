// Runs inside a worker thread: bcrypt's CPU-heavy work, off the event loop that serves the sockets.
import bcrypt from 'bcryptjs';

export type HashTask =
  | { readonly op: 'hash'; readonly password: string; readonly cost: number }
  | { readonly op: 'compare'; readonly password: string; readonly hash: string };

export default function run(task: HashTask): string | boolean {
  return task.op === 'hash' ? bcrypt.hashSync(task.password, task.cost) : bcrypt.compareSync(task.password, task.hash);
}
