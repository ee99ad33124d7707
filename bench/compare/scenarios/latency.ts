// Scenario 2: delivery latency at a fixed offered load, paced evenly over 10 senders; each message is
// stamped with the time it was due, so a server that falls behind shows it as latency, not as a lower rate.
// Over several rounds the servers take turns (ours, ngircd, ours, ngircd, …), each run on a fresh server;
// the same runs give the server's CPU per delivery at that load (scenarios/cpu.ts).
import { measureLoad, withServer, type Bench, type Measured } from '../measure.js';
import type { ServerKind } from '../servers.js';
import { SENDERS } from './fanout.js';

export interface Offered { readonly members: number; readonly messagesPerSecond: number }

export interface LatencyRun<Server extends string = ServerKind> {
  readonly server: Server;
  readonly offered: Offered;
  readonly round: number;
  readonly deliveriesPerSecond: number;
  /** Deliveries received over those offered (each message to every member that should get it). */
  readonly carriedShare: number;
  readonly measured: Measured;
}

export interface LatencyPlan {
  readonly loads: readonly Offered[];
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Times each server runs each load, the servers taking turns (1 unless given). */
  readonly rounds?: number;
  /** Servers that run the first round only (a peer that cannot carry these loads, whose figure once is enough). */
  readonly firstRoundOnly?: readonly string[];
  /** Read this server's event-loop delay over each window (it runs with bench/compare/probe.ts loaded). */
  readonly loopDelay?: boolean;
}

const LOADS: readonly Offered[] = [{ members: 100, messagesPerSecond: 5_000 }, { members: 1_000, messagesPerSecond: 1_000 }];
// mosquitto carries neither load (its p99 is seconds): one round of it says so
export const LATENCY_FULL: LatencyPlan = { loads: LOADS, warmupSeconds: 1, seconds: 5, rounds: 5, firstRoundOnly: ['mosquitto'], loopDelay: true };
export const LATENCY_QUICK: LatencyPlan = { loads: LOADS.slice(0, 1), warmupSeconds: 0.5, seconds: 2, rounds: 1, loopDelay: true };
/** Carried: at least this share of the offered deliveries arrived within the window. */
export const CARRIED = 0.97;

export async function latency<Server extends string>(bench: Bench<Server>, plan: LatencyPlan): Promise<Array<LatencyRun<Server>>> {
  const runs: Array<LatencyRun<Server>> = [];
  for (let round = 1; round <= (plan.rounds ?? 1); round++) for (const offered of plan.loads) {
    for (const server of bench.servers) {
      if (round > 1 && plan.firstRoundOnly?.includes(server)) continue;
      const probed = Boolean(plan.loopDelay) && server === 'ours';
      try {
        const measured = await withServer(bench, server, { bcryptCost: 4, maxUsers: offered.members + 100, probe: probed }, (running) => measureLoad(bench, running, {
          members: offered.members, senders: SENDERS, mode: 'rate', rate: offered.messagesPerSecond, prefix: 'l', channel: 'latency',
          warmupSeconds: plan.warmupSeconds, seconds: plan.seconds,
        }, probed));
        const { window, result } = measured;
        const deliveriesPerSecond = window.deliveries / window.seconds;
        runs.push({ server, offered, round, deliveriesPerSecond, carriedShare: deliveriesPerSecond / (offered.messagesPerSecond * result.expectedPerMessage), measured });
      } catch (error) {
        bench.failed(`latency, ${server}, ${offered.members} members at ${offered.messagesPerSecond} msg/s${(plan.rounds ?? 1) > 1 ? `, round ${round}` : ''}`, error);
      }
    }
  }
  return runs;
}
