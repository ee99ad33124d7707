// Scenario 4 (this server only): what a login storm does to everyone else. 10 ordinary members say
// 100 messages/s in one channel; p50/p99/max of their deliveries while all is quiet, then while the
// storm's registered users (registered beforehand, at the same cost) LOGIN at bcrypt cost 10, 64 at once
// (a class; the hasher serves addresses in turn and refuses only past its per-address share or wait bound).
import { sleep } from '../child.js';
import { LoadRun, type Window } from '../loadgen.js';
import { withServer, type Bench } from '../measure.js';
import { SENDERS } from './fanout.js';

export interface StormRun {
  readonly logins: number;
  readonly loginsAtOnce: number;
  readonly bcryptCost: number;
  readonly quiet: Window;
  readonly storm: Window;
  /** First LOGIN sent → last RESULT LOGIN 1. */
  readonly stormSeconds: number;
  /** CPU share (0…1) of the SAY load's generator in the storm window (the storm's own generator only connects and waits). */
  readonly generatorCpu: number;
}

export interface StormPlan { readonly logins: number; readonly quietSeconds: number }
export const STORM_FULL: StormPlan = { logins: 200, quietSeconds: 4 };
export const STORM_QUICK: StormPlan = { logins: 50, quietSeconds: 1 };
const BCRYPT_COST = 10;
const SAY_RATE = 100;
const LIMIT_S = 600;
const LOGINS_AT_ONCE = 64;

export async function loginStorm(bench: Bench, plan: StormPlan): Promise<StormRun | undefined> {
  if (!bench.servers.includes('ours')) return undefined;
  try {
    return await withServer(bench, 'ours', { bcryptCost: BCRYPT_COST, maxUsers: plan.logins + 100 }, async (server) => {
      const base = { protocol: server.protocol, port: server.port, setupSeconds: LIMIT_S, seconds: LIMIT_S } as const;
      const registering = LoadRun.start(bench.loadgen, bench.pinning, { ...base, members: plan.logins, mode: 'idle', prefix: 's', join: false, login: 'register-only', control: true });
      try {
        await registering.ready();
      } finally {
        await registering.stop();
      }
      const talk = LoadRun.start(bench.loadgen, bench.pinning, {
        ...base, members: SENDERS, senders: SENDERS, mode: 'rate', rate: SAY_RATE, prefix: 'o', channel: 'talk', warmupSeconds: 1, control: true,
      });
      let storm: LoadRun | undefined;
      try {
        await talk.ready();
        await talk.measuring();
        await sleep(plan.quietSeconds * 1000);
        talk.mark();
        storm = LoadRun.start(bench.loadgen, bench.pinning, { ...base, members: plan.logins, mode: 'idle', prefix: 's', join: false, login: 'login-only', burst: Math.min(plan.logins, LOGINS_AT_ONCE), control: true });
        const started = performance.now();
        await storm.ready();
        const stormSeconds = (performance.now() - started) / 1000;
        talk.finish();
        const [quiet, during] = (await talk.result()).phases;
        server.checkAlive();
        return { logins: plan.logins, loginsAtOnce: Math.min(plan.logins, LOGINS_AT_ONCE), bcryptCost: BCRYPT_COST, quiet, storm: during, stormSeconds, generatorCpu: during.cpuSeconds / during.seconds };
      } finally {
        await storm?.stop();
        await talk.stop();
      }
    });
  } catch (error) {
    bench.failed('login storm', error);
    return undefined;
  }
}
