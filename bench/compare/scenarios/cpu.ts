// Scenario: the server's CPU per delivery at a fixed offered load (what a real server sees most of the
// time): 10 senders paced to a total rate, a fresh server each run, the servers taking turns; CPU from
// /proc/<pid>/stat over the measured window (user + system, every thread) over the deliveries that arrived.
// No probe is loaded: nothing but the load runs in the server. The CPU counts V8's own threads too (JIT,
// GC), so a fresh server warms up for 2 s before the window opens.
import type { Bench } from '../measure.js';
import type { ServerKind } from '../servers.js';
import { latency, type LatencyPlan, type LatencyRun } from './latency.js';

const LOADS = [{ members: 10, messagesPerSecond: 3_000 }, { members: 100, messagesPerSecond: 3_000 }] as const;
export const CPU_FULL: LatencyPlan = { loads: LOADS, warmupSeconds: 2, seconds: 5, rounds: 3, firstRoundOnly: ['mosquitto'] };
export const CPU_QUICK: LatencyPlan = { loads: LOADS, warmupSeconds: 0.5, seconds: 2, rounds: 1 };

/** Server CPU µs per delivery in a run's window. */
export function cpuMicrosPerDelivery<Server extends string>(run: LatencyRun<Server>): number | undefined {
  const { window, serverCpu } = run.measured;
  return window.deliveries ? (serverCpu * window.seconds * 1e6) / window.deliveries : undefined;
}

export function cpuPerDelivery(bench: Bench, plan: LatencyPlan): Promise<Array<LatencyRun<ServerKind>>> {
  return latency(bench, plan);
}
