// Scenario 1: fan-out at saturation. One channel of N members, 10 of them senders; each sender keeps K
// messages in flight (not yet delivered to every member). A server's figure is its best over the K tried
// and the rounds run, so each runs at its own best operating point, and noise from other work on the
// machine (which only ever takes throughput away) is less likely to decide the ratio.
import { measureLoad, withServer, type Bench, type Measured } from '../measure.js';
import type { ServerKind } from '../servers.js';

export interface FanoutRun<Server extends string = ServerKind> {
  readonly server: Server;
  readonly members: number;
  readonly inflight: number;
  readonly round: number;
  readonly deliveriesPerSecond: number;
  readonly measured: Measured;
}

export interface FanoutPlan {
  readonly members: readonly number[];
  readonly inflights: readonly number[];
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
}

export const FANOUT_FULL: FanoutPlan = { members: [10, 100, 1_000], inflights: [16, 64, 256], rounds: 2, warmupSeconds: 1, seconds: 3 };
export const FANOUT_QUICK: FanoutPlan = { members: [10, 1_000], inflights: [64], rounds: 1, warmupSeconds: 0.5, seconds: 1.5 };
export const SENDERS = 10;

export async function fanout<Server extends string>(bench: Bench<Server>, plan: FanoutPlan): Promise<Array<FanoutRun<Server>>> {
  const runs: Array<FanoutRun<Server>> = [];
  for (let round = 1; round <= plan.rounds; round++) for (const members of plan.members) {
    for (const server of bench.servers) {
      try {
        await withServer(bench, server, { bcryptCost: 4, maxUsers: members * plan.inflights.length + 100 }, async (running) => {
          for (const inflight of plan.inflights) {
            const measured = await measureLoad(bench, running, {
              members, senders: SENDERS, mode: 'saturate', inflight, prefix: `f${inflight}x`, channel: `fan${inflight}`,
              warmupSeconds: plan.warmupSeconds, seconds: plan.seconds,
            });
            runs.push({ server, members, inflight, round, deliveriesPerSecond: measured.window.deliveries / measured.window.seconds, measured });
          }
        });
      } catch (error) {
        bench.failed(`fan-out, ${server}, ${members} members, round ${round}`, error);
      }
    }
  }
  return runs;
}

/** The run with the most deliveries/s for each server and N. */
export function bestRuns<Server extends string>(runs: ReadonlyArray<FanoutRun<Server>>): Array<FanoutRun<Server>> {
  const best = new Map<string, FanoutRun<Server>>();
  for (const run of runs) {
    const key = `${run.server} ${run.members}`;
    const seen = best.get(key);
    if (!seen || run.deliveriesPerSecond > seen.deliveriesPerSecond) best.set(key, run);
  }
  return [...best.values()];
}
