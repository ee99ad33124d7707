// A throw-away redis-server for one run of a cluster set-up: on a free port of 127.0.0.1, nothing saved
// (`--save '' --appendonly no`), its own temp dir, stopped with the server it serves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child, sleep } from '../compare/child.js';
import { ensureInstalled } from '../compare/install.js';
import { cpuSeconds, shell } from '../compare/machine.js';
import { freePort, type Companion } from '../compare/servers.js';

const HOST = '127.0.0.1';
const START_LIMIT_MS = 10_000;
const START_TRIES = 3;

export interface RunningRedis extends Companion {
  readonly url: string;
  readonly pid: number;
}

/** redis-server's path (installed from Debian's package when missing), or why there is none. */
export function findRedis(): { path: string } | { missing: string } {
  return ensureInstalled('redis-server');
}

export function redisVersion(path: string): string | undefined {
  return /v=(\S+)/.exec(shell(`${path} --version`) ?? '')?.[1];
}

/** Starts redis-server, `prefix` (a taskset, or nothing) before it; tries another port if the probed one was taken meanwhile. */
export async function startRedis(path: string, prefix: readonly string[]): Promise<RunningRedis> {
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= START_TRIES; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'chat-cluster-redis-'));
    const port = await freePort();
    const child = Child.start('redis-server', [...prefix, path, '--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir], { cwd: dir });
    try {
      await child.waitForLine((line) => /ready to accept connections/i.test(line), START_LIMIT_MS, '"Ready to accept connections"');
      return {
        label: 'redis-server',
        url: `redis://${HOST}:${port}`,
        pid: child.pid,
        cpuSeconds: () => cpuSeconds(child.pid),
        checkAlive: () => { if (!child.running) throw new Error(`redis-server died; its last output:\n${child.output()}`); },
        stop: async () => {
          try {
            await child.stop();
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      };
    } catch (error) {
      child.kill();
      await Promise.race([child.exited, sleep(2_000)]);
      rmSync(dir, { recursive: true, force: true });
      lastError = error as Error;
    }
  }
  throw lastError!;
}
