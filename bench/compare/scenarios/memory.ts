// Scenario 3: resident memory per idle logged-in connection. A fresh server per size; a few members
// log in and leave first, so one-time costs (lazy start-up, JIT, worker threads) are not counted per
// connection; then its RSS once settled, then N members log in (this server: REGISTER and LOGIN; IRC:
// NICK/USER up to 001; MQTT: CONNECT/CONNACK) and stay idle; (RSS once settled − idle RSS) / N. Beside the
// servers, a bare Node socket reader (bare-reader.ts: accept, read, nothing else) gives Node's own floor:
// its members send one line each and count as in once it holds their sockets.
// With a rest (`--rest S`), the Node servers (this one, the bare reader) are measured a second time, both RSS
// figures after S seconds of quiet: right after a login burst a Node process still holds what the burst left (a
// young generation grown by it, the hashing workers), which V8's memory reducer and the workers' idle exit give
// back only some tens of seconds later; what an operator sees on a server that sits idle is the rested figure.
import { sleep } from '../child.js';
import { LoadRun, type LoadOptions } from '../loadgen.js';
import { openFileLimit, settledRssKb } from '../machine.js';
import { withServer, type Bench } from '../measure.js';
import type { RunningServer, ServerKind } from '../servers.js';

export interface MemoryRun {
  readonly server: ServerKind;
  readonly members: number;
  readonly idleKb: number;
  readonly loadedKb: number;
  readonly settled: boolean;
  readonly kbPerConnection: number;
  readonly loginSeconds: number;
  /** The same after the rest, when one was asked for (Node servers only). */
  readonly rested?: { readonly seconds: number; readonly idleKb: number; readonly loadedKb: number; readonly kbPerConnection: number };
}

export const MEMORY_FULL = [1_000, 10_000] as const;
export const MEMORY_QUICK = [1_000] as const;
/** File descriptors a process needs beside its sockets. */
const FD_MARGIN = 100;
const SETTLE_MS = 1_000;
const SAMPLE_MS = 250;
const STABLE_LIMIT_MS = 10_000;
const LOGIN_LIMIT_S = 600;
const WARM_UP_MEMBERS = 10;
/** Servers that run on Node, whose memory a rest changes. */
const RESTING: ReadonlySet<string> = new Set(['ours', 'bare']);
const ACCEPT_POLL_MS = 100;

/** Waits until the server holds at least `count` file descriptors (the bare reader answers nothing, so its
 *  sockets are counted in /proc to know they were accepted); throws after `limitMs`. */
async function untilHolding(server: RunningServer, count: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (server.openFiles() < count) {
    if (Date.now() > deadline) throw new Error(`${server.name} holds ${server.openFiles()} file descriptors after ${limitMs / 1000} s, not ${count}`);
    server.checkAlive();
    await sleep(ACCEPT_POLL_MS);
  }
}

/**
 * A few members log in and leave, then the server settles: what a first login loads (code, bcrypt's workers)
 * is not counted per connection. `base` is the idle load the measured members will use.
 */
export async function warmUp(bench: Bench, base: Omit<LoadOptions, 'members' | 'prefix'>): Promise<void> {
  const run = LoadRun.start(bench.loadgen, bench.pinning, { ...base, members: WARM_UP_MEMBERS, prefix: 'w' });
  try {
    await run.ready();
  } finally {
    await run.stop();
  }
  await sleep(SETTLE_MS);
}

/** RSS after `seconds` of quiet (checking that the server is still alive), then settled as before. */
async function restedRssKb(running: RunningServer, seconds: number): Promise<number> {
  for (let waited = 0; waited < seconds; waited++) {
    await sleep(1000);
    running.checkAlive();
  }
  return (await settledRssKb(() => running.rssKb(), SAMPLE_MS, STABLE_LIMIT_MS)).kb;
}

/** `restSeconds` > 0: the Node servers are measured again after that long a rest (see the top of this file). */
export async function memory(bench: Bench, sizes: readonly number[], restSeconds = 0): Promise<MemoryRun[]> {
  const runs: MemoryRun[] = [];
  const limit = openFileLimit();
  for (const members of sizes) {
    if (members + FD_MARGIN > limit) {
      bench.failed(`memory, ${members} members`, new Error(`\`ulimit -n\` is ${limit} but ${members} connections need at least ${members + FD_MARGIN}; raise it first (ulimit -n ${members + FD_MARGIN})`));
      continue;
    }
    for (const server of [...bench.servers, 'bare'] as const) {
      try {
        runs.push(await withServer(bench, server, { bcryptCost: 4, maxUsers: members + 100 }, async (running) => {
          const base = { protocol: running.protocol, port: running.port, mode: 'idle', join: false, control: true, seconds: LOGIN_LIMIT_S, setupSeconds: LOGIN_LIMIT_S } as const;
          await warmUp(bench, base);
          const idle = await settledRssKb(() => running.rssKb(), SAMPLE_MS, STABLE_LIMIT_MS);
          const rest = RESTING.has(server) ? restSeconds : 0;
          const restedIdle = rest > 0 ? await restedRssKb(running, rest) : 0;
          const filesIdle = running.openFiles();
          const run = LoadRun.start(bench.loadgen, bench.pinning, { ...base, members, prefix: 'i' });
          try {
            const started = performance.now();
            await run.ready();
            if (server === 'bare') await untilHolding(running, filesIdle + members, LOGIN_LIMIT_S * 1000);
            const loginSeconds = (performance.now() - started) / 1000;
            const loaded = await settledRssKb(() => running.rssKb(), SAMPLE_MS, STABLE_LIMIT_MS);
            running.checkAlive();
            const measured = { server, members, idleKb: idle.kb, loadedKb: loaded.kb, settled: idle.settled && loaded.settled, kbPerConnection: (loaded.kb - idle.kb) / members, loginSeconds };
            if (rest === 0) return measured;
            const restedLoaded = await restedRssKb(running, rest);
            return { ...measured, rested: { seconds: rest, idleKb: restedIdle, loadedKb: restedLoaded, kbPerConnection: (restedLoaded - restedIdle) / members } };
          } finally {
            await run.stop();
          }
        }));
      } catch (error) {
        bench.failed(`memory, ${server}, ${members} members`, error);
      }
    }
  }
  return runs;
}
