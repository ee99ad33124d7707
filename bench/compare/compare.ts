// `npm run bench -- compare [--quick] [--json FILE] [--cpu-prof DIR] [--heap-counts] [--rest S]`: this server side by
// side with ngircd (IRC) and mosquitto (MQTT, QoS 0) under one load generator (bench/loadgen.c), servers
// pinned to core 0 and the load to core 1, every figure measured in the same run; for memory also a bare
// Node socket reader. Prints one table per scenario and the goals of issue 21; asserts nothing. The peers
// are installed from Debian's packages when missing, or skipped.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stepBench } from '../step.js';
import { buildLoadgen } from './loadgen.js';
import { describeMachine, pinCores, shell } from './machine.js';
import type { Bench } from './measure.js';
import { fanoutTables, memoryTable, stormTable } from './report.js';
import { bystanderTable, cpuTable, goalLines, heapTable, latencyRunsTable } from './report-runs.js';
import { bystander, BYSTANDER_FULL, BYSTANDER_QUICK } from './scenarios/bystander.js';
import { CPU_FULL, CPU_QUICK, cpuPerDelivery } from './scenarios/cpu.js';
import { heapCounts } from './scenarios/heap.js';
import { bestRuns, fanout, FANOUT_FULL, FANOUT_QUICK } from './scenarios/fanout.js';
import { latency, LATENCY_FULL, LATENCY_QUICK } from './scenarios/latency.js';
import { memory, MEMORY_FULL, MEMORY_QUICK } from './scenarios/memory.js';
import { loginStorm, STORM_FULL, STORM_QUICK } from './scenarios/storm.js';
import { availablePeers, startServer, type ServerKind } from './servers.js';

export interface CompareOptions {
  readonly quick: boolean;
  /** Write every figure here as JSON. */
  readonly json?: string;
  /** Profile this server (node --cpu-prof) into this directory. */
  readonly cpuProfileDir?: string;
  /** Also say where this server's memory per idle connection goes (two heap snapshots at 1k connections). */
  readonly heapCounts?: boolean;
  /** Measure the Node servers' memory again after this many seconds of rest (scenarios/memory.ts). */
  readonly restSeconds?: number;
  /** Run only the memory scenario (`npm run bench -- memory`). */
  readonly memoryOnly?: boolean;
}

function versionOf(command: string): string | undefined {
  return shell(`${command} 2>&1 | head -1`)?.replace(/-(IDENT|IPv6|IRCPLUS).*$/, '');
}

/** Runs `work`, printing and returning what it prints with console.log. */
function capturing(work: () => void): string {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => { lines.push(args.map(String).join(' ')); log(...args); };
  try {
    work();
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

export async function compareBench(options: CompareOptions): Promise<void> {
  const machine = describeMachine();
  const { paths, missing } = availablePeers();
  const servers: ServerKind[] = ['ours', ...(['ngircd', 'mosquitto'] as const).filter((peer) => paths[peer])];
  const versions = { ngircd: paths.ngircd && versionOf(`${paths.ngircd} --version`), mosquitto: paths.mosquitto && versionOf(`${paths.mosquitto} -h`) };
  const pinning = pinCores();
  const dir = mkdtempSync(join(tmpdir(), 'chat-compare-loadgen-'));
  const failures: string[] = [];
  const started = new Date();
  try {
    const bench: Bench = {
      pinning,
      loadgen: buildLoadgen(dir),
      quick: options.quick,
      servers,
      start: (kind, ours) => startServer(kind, pinning, { ...ours, cpuProfileDir: options.cpuProfileDir }, paths[kind]),
      failed: (what, error) => {
        const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
        failures.push(message);
        console.log(`NOT MEASURED ${message}\n`);
      },
    };
    const header = [
      `compare${options.quick ? ' (quick)' : ''}, ${started.toISOString()}: ${machine.cores} cores, ${machine.cpuModel}; node ${machine.node}; ulimit -n ${machine.openFiles}`,
      `servers: this one (dist/streams/cli/server.js, channels dialect, rate limit off), ${versions.ngircd ?? 'no ngircd'}, ${versions.mosquitto ?? 'no mosquitto'}; all on 127.0.0.1`,
      `${pinning.description}; load: bench/loadgen.c (one epoll thread per run), 64-byte payloads`,
    ].join('\n');
    console.log(`${header}\n`);
    for (const reason of missing) console.log(`SKIPPED ${reason}\n`);

    const all = !options.memoryOnly;
    const fanoutPlan = options.quick ? FANOUT_QUICK : FANOUT_FULL;
    const fanoutRuns = all ? await fanout(bench, fanoutPlan) : [];
    const best = bestRuns(fanoutRuns);
    const tables = all ? fanoutTables(servers, best, fanoutRuns, fanoutPlan) : [];

    const cpuPlan = options.quick ? CPU_QUICK : CPU_FULL;
    const cpuRuns = all ? await cpuPerDelivery(bench, cpuPlan) : [];
    if (all) tables.push(cpuTable(servers, cpuRuns, cpuPlan.seconds));

    const latencyPlan = options.quick ? LATENCY_QUICK : LATENCY_FULL;
    const latencyRuns = all ? await latency(bench, latencyPlan) : [];
    if (all) tables.push(latencyRunsTable(servers, latencyRuns, latencyPlan.seconds));

    const memoryRuns = await memory(bench, options.quick ? MEMORY_QUICK : MEMORY_FULL, options.restSeconds);
    tables.push(memoryTable([...servers, 'bare'], memoryRuns));
    const heap = options.heapCounts ? await heapCounts(bench) : undefined;
    const heapText = heapTable(heap, memoryRuns);
    if (heapText) tables.push(heapText);

    const storm = all ? await loginStorm(bench, options.quick ? STORM_QUICK : STORM_FULL) : undefined;
    const stormText = stormTable(storm);
    if (stormText) tables.push(stormText);

    const bystanderRuns = all ? await bystander(bench, options.quick ? BYSTANDER_QUICK : BYSTANDER_FULL) : [];
    const bystanderText = bystanderTable(bystanderRuns);
    if (bystanderText) tables.push(bystanderText);

    const step = all ? capturing(() => {
      console.log('(5) in-process step costs (this server only)');
      stepBench({ quick: options.quick });
    }) : undefined;
    if (step) tables.push(`${step}\n`);
    tables.push(goalLines(servers, cpuRuns, latencyRuns, memoryRuns, bystanderRuns));

    for (const failure of failures) console.log(`NOT MEASURED ${failure}`);
    if (options.json) {
      const figures = { date: started.toISOString(), quick: options.quick, machine, versions, pinning: pinning.description, header, missing, failures, fanout: { plan: fanoutPlan, runs: fanoutRuns, best }, cpu: { plan: cpuPlan, runs: cpuRuns }, latency: { plan: latencyPlan, runs: latencyRuns }, memory: memoryRuns, heap, storm, bystander: bystanderRuns, step, tables };
      writeFileSync(options.json, JSON.stringify(figures, null, 2) + '\n');
      console.log(`\nwrote every figure to ${options.json}`);
    }
  } finally {
    pinning.release();
    rmSync(dir, { recursive: true, force: true });
  }
  if (failures.length) throw new Error(`${failures.length} figure(s) not measured; see above`);
}
