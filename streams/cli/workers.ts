// --workers N: N nodes of one cluster on this machine, one process each, sharing the listening ports through
// node:cluster (the primary accepts and hands each connection to a worker in turn). The primary serves no
// one: it starts the workers one after another, says where the server listens once all are up, starts a
// worker again if one dies, passes SIGHUP on to every worker (each opens its log again), and stops them all
// on SIGINT/SIGTERM.
import cluster, { type Worker } from 'node:cluster';

/** What a worker tells the primary once it accepts connections. */
export interface WorkerReady {
  readonly kind: 'ready';
  readonly lines: readonly string[];
}

const RESTART_DELAY_MS = 1000;
const FORCED_EXIT_MS = 5000;

export function isWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: hands the primary the lines to print once every worker is up. */
export function reportReady(lines: readonly string[]): void {
  const ready: WorkerReady = { kind: 'ready', lines };
  process.send?.(ready);
}

function started(worker: Worker): Promise<WorkerReady> {
  return new Promise((resolve, reject) => {
    worker.on('message', (message: WorkerReady) => { if (message?.kind === 'ready') resolve(message); });
    // a worker that cannot start has printed its one line already
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

/** Runs `count` workers until a signal stops them; resolves with the exit code. */
export async function runWorkers(count: number, say: (line: string) => void): Promise<number> {
  let stopping = false;
  // while the first workers start, one that exits ends the start (it said why); later, one that dies is started again
  let starting = true;
  const workers = new Set<Worker>();
  // logrotate signals the one pid it knows: the primary's
  process.on('SIGHUP', () => { for (const worker of workers) worker.process.kill('SIGHUP'); });
  const fork = (index: number): Worker => {
    const worker = cluster.fork({ CHAT_WORKER_INDEX: String(index) });
    workers.add(worker);
    worker.once('exit', (code, signal) => {
      workers.delete(worker);
      if (stopping || starting) return;
      process.stderr.write(`chat-server: worker ${index} (pid ${worker.process.pid}) died (${signal ?? `exit ${code}`}); starting it again in ${RESTART_DELAY_MS} ms\n`);
      setTimeout(() => { if (!stopping) fork(index); }, RESTART_DELAY_MS);
    });
    return worker;
  };
  let lines: readonly string[] = [];
  try {
    // one after another: if the first cannot start (Redis out of reach, port in use), that one line is all there is
    for (let i = 1; i <= count; i++) lines = (await started(fork(i))).lines;
  } catch {
    stopping = true;
    for (const worker of workers) worker.kill('SIGTERM');
    return 1;
  }
  starting = false;
  for (const line of lines) say(line);
  say(`${count} workers (pids ${[...workers].map((w) => w.process.pid).join(', ')})`);
  say('Server is on');
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        stopping = true;
        setTimeout(() => resolve(1), FORCED_EXIT_MS).unref();
        for (const worker of workers) worker.kill('SIGTERM');
        const check = () => { if (workers.size === 0) resolve(0); };
        for (const worker of workers) worker.once('exit', check);
        check();
      });
    }
  });
}
