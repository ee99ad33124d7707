// One load against one running server, with the CPU each side used during the measured window.
import { LoadRun, type LoadOptions, type LoadResult, type Window } from './loadgen.js';
import type { Pinning } from './machine.js';
import type { OurSettings, RunningServer, ServerKind } from './servers.js';

export interface Measured {
  readonly result: LoadResult;
  /** The (first) measured window. */
  readonly window: Window;
  /** Share of one core the generator used in that window (0…1). */
  readonly generatorCpu: number;
  /** Share of one core the server used in that window (0…1). */
  readonly serverCpu: number;
}

export interface Bench {
  readonly pinning: Pinning;
  /** The compiled load generator. */
  readonly loadgen: string;
  readonly quick: boolean;
  /** The servers that can run here: this one, and the peers that are installed. */
  readonly servers: readonly ServerKind[];
  start(kind: ServerKind, ours: OurSettings): Promise<RunningServer>;
  /** Records a figure that could not be measured, and why. */
  failed(what: string, error: unknown): void;
}

export async function measureLoad(bench: Bench, server: RunningServer, options: Omit<LoadOptions, 'protocol' | 'port'>): Promise<Measured> {
  const run = LoadRun.start(bench.loadgen, bench.pinning, { ...options, protocol: server.protocol, port: server.port });
  try {
    await run.ready();
    await run.measuring();
    const cpuBefore = server.cpuSeconds();
    const result = await run.result();
    const serverSeconds = server.cpuSeconds() - cpuBefore;
    server.checkAlive();
    const window = result.phases[0];
    if (!window) throw new Error('the load generator measured nothing');
    return { result, window, generatorCpu: window.cpuSeconds / window.seconds, serverCpu: serverSeconds / window.seconds };
  } finally {
    await run.stop();
  }
}

/** Runs `work` against a fresh server, and always stops it. */
export async function withServer<T>(bench: Bench, kind: ServerKind, ours: OurSettings, work: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await bench.start(kind, ours);
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}
