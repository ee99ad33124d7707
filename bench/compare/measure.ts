// One load against one running server, with the CPU each side used during the measured window.
import { LoadRun, type LoadOptions, type LoadResult, type Window } from './loadgen.js';
import { machineSeconds, type Pinning } from './machine.js';
import type { LoopDelay, OurSettings, RunningServer, ServerKind } from './servers.js';

export interface Measured {
  readonly result: LoadResult;
  /** The (first) measured window. */
  readonly window: Window;
  /** Share of one core the generator used in that window (0…1). */
  readonly generatorCpu: number;
  /** Share of one core the server used in that window (0…1); with --workers, its processes together. */
  readonly serverCpu: number;
  /** Share of one core each process that serves used in that window, by label (see RunningServer.cpuByProcess). */
  readonly cpuByProcess: Readonly<Record<string, number>>;
  /** Cores the whole machine was busy in that window (every process), and cores stolen by the hypervisor. */
  readonly machine: { readonly busy: number; readonly steal: number };
  /** The server's event-loop delay over the window, when asked for (the server runs with `probe`). */
  readonly loopDelay?: LoopDelay;
}

/** What the scenarios run against. `Server` names the servers (or set-ups) compared: the peers, or cluster set-ups. */
export interface Bench<Server extends string = ServerKind> {
  readonly pinning: Pinning;
  /** The compiled load generator. */
  readonly loadgen: string;
  readonly quick: boolean;
  /** The servers that can run here: this one, and the peers that are installed. */
  readonly servers: readonly Server[];
  start(kind: Server, ours: OurSettings): Promise<RunningServer>;
  /** Records a figure that could not be measured, and why. */
  failed(what: string, error: unknown): void;
}

/** `loopDelay`: also read the server's event-loop delay over the window (it must run with `probe`). */
export async function measureLoad<Server extends string>(bench: Bench<Server>, server: RunningServer, options: Omit<LoadOptions, 'protocol' | 'port'>, loopDelay = false): Promise<Measured> {
  const run = LoadRun.start(bench.loadgen, bench.pinning, { ...options, protocol: server.protocol, port: server.port });
  try {
    await run.ready();
    await run.measuring();
    const cpuBefore = server.cpuSeconds();
    const byProcessBefore = server.cpuByProcess();
    const machineBefore = machineSeconds();
    if (loopDelay) await server.loopDelay(); // starts its histogram over at the window's start
    const result = await run.result();
    const serverSeconds = server.cpuSeconds() - cpuBefore;
    const byProcessAfter = server.cpuByProcess();
    const machineAfter = machineSeconds();
    const delay = loopDelay ? await server.loopDelay() : undefined;
    server.checkAlive();
    const window = result.phases[0];
    if (!window) throw new Error('the load generator measured nothing');
    const cpuByProcess = Object.fromEntries(Object.entries(byProcessAfter).map(([label, after]) => [label, (after - (byProcessBefore[label] ?? 0)) / window.seconds]));
    const machine = { busy: (machineAfter.busy - machineBefore.busy) / window.seconds, steal: (machineAfter.steal - machineBefore.steal) / window.seconds };
    return { result, window, generatorCpu: window.cpuSeconds / window.seconds, serverCpu: serverSeconds / window.seconds, cpuByProcess, machine, ...(delay ? { loopDelay: delay } : {}) };
  } finally {
    await run.stop();
  }
}

/** Runs `work` against a fresh server, and always stops it. */
export async function withServer<Server extends string, T>(bench: Bench<Server>, kind: Server, ours: OurSettings, work: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await bench.start(kind, ours);
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}
