// `npm run bench -- cluster [--quick] [--json FILE] [--cpu-prof DIR]`: what cluster mode gives and costs on
// this machine, in one run: (a) one process, no cluster; (b) one process with --cluster (one node: what
// Redis costs, with no one on another node); (c) --workers 2 with --cluster (two nodes sharing the port).
// Fan-out at saturation and latency at a fixed offered load, the set-ups taking turns (a b c a b c …) under
// the same load generator (bench/loadgen.c); CPU of every process from /proc. Prints tables; asserts nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { buildLoadgen, LoadRun } from '../compare/loadgen.js';
import { describeMachine, openFileLimit, type Pinning } from '../compare/machine.js';
import type { Bench } from '../compare/measure.js';
import { fanout, type FanoutPlan } from '../compare/scenarios/fanout.js';
import { latency, type LatencyPlan } from '../compare/scenarios/latency.js';
import { startServer, type OurSettings, type RunningServer } from '../compare/servers.js';
import { SETUPS, type Setup } from './setups.js';
import { fanoutTable, latencyTable, redisCostTable, summary } from './report.js';
import { findRedis, redisVersion, startRedis } from './redis.js';

export interface ClusterOptions {
  readonly quick: boolean;
  /** Write every figure here as JSON. */
  readonly json?: string;
  /** Profile the server processes (node --cpu-prof; with --workers, each worker and the primary) into this directory. */
  readonly cpuProfileDir?: string;
}

export const FANOUT_FULL: FanoutPlan = { members: [10, 100, 1_000], inflights: [64, 256], rounds: 3, warmupSeconds: 1, seconds: 4 };
export const FANOUT_QUICK: FanoutPlan = { members: [10, 1_000], inflights: [256], rounds: 1, warmupSeconds: 0.5, seconds: 1.5 };
/**
 * Loads all three set-ups carry on this machine (a fraction of what (b) delivers at saturation). With --workers 2,
 * node:cluster hands the members out in turn: half on each node. The first two are the fixed-load cost figures
 * of the summary (CPU per delivery, two nodes against one process, at 10 and 100 members).
 */
const LOADS = [{ members: 10, messagesPerSecond: 2_000 }, { members: 100, messagesPerSecond: 3_000 }, { members: 1_000, messagesPerSecond: 300 }] as const;
export const LATENCY_FULL: LatencyPlan = { loads: LOADS, warmupSeconds: 1, seconds: 5, rounds: 2 };
export const LATENCY_QUICK: LatencyPlan = { loads: LOADS.slice(0, 2), warmupSeconds: 0.5, seconds: 3, rounds: 1 };
/** Members logged in (idle) to see where node:cluster puts them. */
const PLACED_FULL = 1_000;
const PLACED_QUICK = 100;
/** Where the backplane keeps the users online (its default key prefix, `chat:`). */
const USERS_KEY = 'chat:users';

/** Nothing pinned: with two workers, any pinning of three or four busy processes to two cores would decide the result. */
const UNPINNED: Pinning = {
  server: [],
  load: [],
  description: 'nothing pinned: the server process(es), redis-server and the load generator share both cores as the kernel schedules them',
  release: () => {},
};

/** Starts a set-up: its redis-server first if it has one, attached to the server so that both stop together. */
async function startSetup(setup: Setup, redisPath: string | undefined, ours: OurSettings): Promise<RunningServer> {
  if (setup === 'single') return startServer('ours', UNPINNED, ours);
  if (!redisPath) throw new Error('no redis-server');
  const redis = await startRedis(redisPath, UNPINNED.server);
  try {
    const args = ['--cluster', redis.url, ...(setup === 'workers' ? ['--workers', '2'] : [])];
    const server = await startServer('ours', UNPINNED, { ...ours, args });
    server.attach(redis);
    return server;
  } catch (error) {
    await redis.stop();
    throw error;
  }
}

export interface Placement { readonly members: number; readonly perWorker: number[]; readonly elsewhere: number }

/** Logs `members` idle members in to (c) and counts, from Redis, how many each worker holds. */
async function placement(bench: Bench<Setup>, redisPath: string, members: number): Promise<Placement> {
  const redis = await startRedis(redisPath, UNPINNED.server);
  let server: RunningServer;
  try {
    server = await startServer('ours', UNPINNED, { bcryptCost: 4, maxUsers: members + 100, args: ['--cluster', redis.url, '--workers', '2'] });
  } catch (error) {
    await redis.stop();
    throw error;
  }
  server.attach(redis);
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  const run = LoadRun.start(bench.loadgen, bench.pinning, { protocol: 'ours', port: server.port, members, mode: 'idle', prefix: 'p', seconds: 1, burst: 64 });
  try {
    await run.ready();
    await client.connect();
    // a node is named host-pid-random (streams/cluster/backplane.ts, nodeName)
    const pids = (await client.hvals(USERS_KEY)).map((text) => Number(/-(\d+)-[0-9a-f]+$/.exec((JSON.parse(text) as { node: string }).node)?.[1]));
    const perWorker = server.workerPids.map((pid) => pids.filter((p) => p === pid).length);
    return { members, perWorker, elsewhere: pids.length - perWorker.reduce((a, b) => a + b, 0) };
  } finally {
    client.disconnect();
    await run.stop();
    await server.stop();
  }
}

export async function clusterBench(options: ClusterOptions): Promise<void> {
  const machine = describeMachine();
  const found = findRedis();
  const redisPath = 'path' in found ? found.path : undefined;
  const setups: Setup[] = redisPath ? [...SETUPS] : ['single'];
  const dir = mkdtempSync(join(tmpdir(), 'chat-cluster-loadgen-'));
  const failures: string[] = [];
  const started = new Date();
  try {
    const bench: Bench<Setup> = {
      pinning: UNPINNED,
      loadgen: buildLoadgen(dir),
      quick: options.quick,
      servers: setups,
      start: (setup, ours) => startSetup(setup, redisPath, { ...ours, cpuProfileDir: options.cpuProfileDir }),
      failed: (what, error) => {
        const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
        failures.push(message);
        console.log(`NOT MEASURED ${message}\n`);
      },
    };
    const header = [
      `cluster${options.quick ? ' (quick)' : ''}, ${started.toISOString()}: ${machine.cores} cores, ${machine.cpuModel}; node ${machine.node}; redis-server ${redisPath ? redisVersion(redisPath) ?? '(unknown version)' : 'missing'}; ulimit -n ${machine.openFiles}`,
      'set-ups: (a) one process, no cluster; (b) one process with --cluster (one node: Redis and nothing else added); (c) --workers 2 with --cluster (two nodes on one port)',
      'each server: dist/streams/cli/server.js, channels dialect, rate limit and per-address cap off, LOG_LEVEL=warn; redis-server --save \'\' --appendonly no, fresh for each server; all on 127.0.0.1',
      `cores: ${UNPINNED.description}; the "cores used" rows say what each took. load: bench/loadgen.c (one epoll thread), 64-byte payloads`,
    ].join('\n');
    console.log(`${header}\n`);
    if ('missing' in found) failures.push(`(b) and (c): ${found.missing}`);
    if (openFileLimit() < 1_200) console.log(`ulimit -n is ${openFileLimit()}: 1000 members need about 1200 open files\n`);

    let placed: Placement | undefined;
    if (setups.includes('workers')) {
      try {
        placed = await placement(bench, redisPath!, options.quick ? PLACED_QUICK : PLACED_FULL);
        console.log(`(0) where node:cluster puts ${placed.members} members logging in to (c): ${placed.perWorker.map((n, i) => `${n} on worker ${i + 1}`).join(', ')}${placed.elsewhere ? `, ${placed.elsewhere} elsewhere` : ''} (from Redis' ${USERS_KEY})\n`);
      } catch (error) {
        bench.failed('placement of members on the workers', error);
      }
    }

    const fanoutPlan = options.quick ? FANOUT_QUICK : FANOUT_FULL;
    const fanoutRuns = await fanout(bench, fanoutPlan);
    const latencyPlan = options.quick ? LATENCY_QUICK : LATENCY_FULL;
    const latencyRuns = await latency(bench, latencyPlan);
    const tables = [
      fanoutTable(setups, fanoutRuns, fanoutPlan),
      latencyTable(setups, latencyRuns, latencyPlan),
      redisCostTable(fanoutRuns, latencyRuns),
    ];
    const lines = summary(fanoutRuns, latencyRuns);
    console.log(lines);
    tables.push(lines);

    for (const failure of failures) console.log(`NOT MEASURED ${failure}`);
    if (options.json) {
      const figures = { date: started.toISOString(), quick: options.quick, machine, redis: redisPath && redisVersion(redisPath), pinning: UNPINNED.description, header, placement: placed, failures, fanout: { plan: fanoutPlan, runs: fanoutRuns }, latency: { plan: latencyPlan, runs: latencyRuns }, tables };
      writeFileSync(options.json, JSON.stringify(figures, null, 2) + '\n');
      console.log(`\nwrote every figure to ${options.json}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (failures.length) throw new Error(`${failures.length} figure(s) not measured; see above`);
}
