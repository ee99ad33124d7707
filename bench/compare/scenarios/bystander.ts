// Scenario (this server only): what one flooder does to everyone else. A bystander pair in one channel
// exchanges messages at a steady rate (2 members, 200 msg/s); after a quiet window, one client floods another
// channel of its own: it pipelines a burst of FLOOD_INFLIGHT SAYs at once, then keeps that many in flight
// (not yet delivered to every member) for the flood's length. The bystanders' p99 quiet and during the flood,
// a fresh server each run. The rate limit is off (as everywhere in compare): the flooder gets all it asks for.
import { sleep } from '../child.js';
import { LoadRun, type Window } from '../loadgen.js';
import { withServer, type Bench } from '../measure.js';

export interface BystanderRun {
  readonly round: number;
  readonly quiet: Window;
  readonly flood: Window;
  /** The flooder's own window: what it got through. */
  readonly flooder: Window;
  readonly floodMembers: number;
}

export interface BystanderPlan { readonly rounds: number; readonly quietSeconds: number; readonly floodSeconds: number }
export const BYSTANDER_FULL: BystanderPlan = { rounds: 5, quietSeconds: 2, floodSeconds: 3 };
export const BYSTANDER_QUICK: BystanderPlan = { rounds: 1, quietSeconds: 1, floodSeconds: 1.5 };
export const BYSTANDER_RATE = 200;
export const FLOOD_MEMBERS = 10;
/** SAYs the flooder pipelines at once and keeps in flight (the generator's ring holds up to 4095). */
export const FLOOD_INFLIGHT = 4_000;
const LIMIT_S = 600;

async function oneRun(bench: Bench, plan: BystanderPlan, round: number): Promise<BystanderRun> {
  return withServer(bench, 'ours', { bcryptCost: 4, maxUsers: FLOOD_MEMBERS + 100 }, async (server) => {
    const base = { protocol: server.protocol, port: server.port, setupSeconds: LIMIT_S } as const;
    const bystanders = LoadRun.start(bench.loadgen, bench.pinning, {
      ...base, members: 2, senders: 2, mode: 'rate', rate: BYSTANDER_RATE, prefix: 'b', channel: 'quiet', warmupSeconds: 0.5, seconds: LIMIT_S, control: true,
    });
    let flooder: LoadRun | undefined;
    try {
      await bystanders.ready();
      await bystanders.measuring();
      await sleep(plan.quietSeconds * 1000);
      bystanders.mark(); // the flood window opens before the flooder connects: its first burst falls inside
      flooder = LoadRun.start(bench.loadgen, bench.pinning, {
        ...base, members: FLOOD_MEMBERS, senders: 1, mode: 'saturate', inflight: FLOOD_INFLIGHT, prefix: 'f', channel: 'flood', warmupSeconds: 0, seconds: plan.floodSeconds,
      });
      await flooder.ready();
      const flooded = (await flooder.result()).phases[0];
      bystanders.finish();
      const [quiet, flood] = (await bystanders.result()).phases;
      server.checkAlive();
      if (!quiet || !flood || !flooded) throw new Error('a window measured nothing');
      return { round, quiet, flood, flooder: flooded, floodMembers: FLOOD_MEMBERS };
    } finally {
      await flooder?.stop();
      await bystanders.stop();
    }
  });
}

export async function bystander(bench: Bench, plan: BystanderPlan): Promise<BystanderRun[]> {
  if (!bench.servers.includes('ours')) return [];
  const runs: BystanderRun[] = [];
  for (let round = 1; round <= plan.rounds; round++) {
    try {
      runs.push(await oneRun(bench, plan, round));
    } catch (error) {
      bench.failed(`bystander during a flood, run ${round}`, error);
    }
  }
  return runs;
}
