// The cluster benchmark's tables: each set-up side by side, then (b) and (c) over (a); where the cores went;
// what Redis adds per delivery.
import type { Measured } from '../compare/measure.js';
import type { FanoutPlan, FanoutRun } from '../compare/scenarios/fanout.js';
import { CARRIED, type LatencyPlan, type LatencyRun } from '../compare/scenarios/latency.js';
import { duration, printTable, rate, ratio, type Row } from '../compare/table.js';
import { SETUP_NAME, type Setup } from './setups.js';

/** The goal of the issue: --workers 2 over one process, fan-out deliveries/s. */
export const GOAL = 1.6;
/** Goals of issue 21 for CPU per delivery, all processes together, (c) over (a): at a fixed load by channel size, and at saturation. */
export const COST_GOALS_FIXED: ReadonlyMap<number, number> = new Map([[10, 1.3], [100, 1.1]]);
export const COST_GOAL_SATURATED = { members: 10, ratio: 2 } as const;
/** Cores stolen by the hypervisor in a window that make its figures suspect. */
const STOLEN_MUCH = 0.2;

const OVER: ReadonlyArray<readonly [Setup, string]> = [['node', '(b)/(a)'], ['workers', '(c)/(a)']];

function header(setups: readonly Setup[]): string[] {
  return [...setups.map((s) => SETUP_NAME[s]), ...OVER.filter(([s]) => setups.includes(s)).map(([, label]) => label)];
}

function figureRow(label: string, setups: readonly Setup[], value: (s: Setup) => number | undefined, show: (v: number, s: Setup) => string): Row {
  const cells = setups.map((s) => { const v = value(s); return v === undefined ? 'failed' : show(v, s); });
  return [label, ...cells, ...OVER.filter(([s]) => setups.includes(s)).map(([s]) => ratio(value(s), value('single')))];
}

function textRow(label: string, setups: readonly Setup[], text: (s: Setup) => string | undefined): Row {
  return [label, ...setups.map((s) => text(s) ?? '—'), ...OVER.filter(([s]) => setups.includes(s)).map(() => '')];
}

const cores = (share: number) => share.toFixed(2);

/** CPU of every process that serves (node or workers, the primary, redis-server) per delivery, in µs. */
export function cpuPerDeliveryUs(measured: Measured, deliveriesPerSecond: number): number {
  const all = Object.values(measured.cpuByProcess).reduce((a, b) => a + b, 0);
  return (all / deliveriesPerSecond) * 1e6;
}

/** Shares of a core: the node(s) (with --workers: each worker, then the primary), redis-server, the load generator. */
function coresUsed(measured: Measured): string {
  const { cpuByProcess: by } = measured;
  const nodes = 'server' in by ? cores(by.server) : Object.keys(by).filter((k) => k.startsWith('worker')).map((k) => cores(by[k])).concat(cores(by.primary ?? 0)).join('+');
  const redis = by['redis-server'];
  const total = Object.values(by).reduce((a, b) => a + b, 0) + measured.generatorCpu;
  return `${nodes} / ${redis === undefined ? '—' : cores(redis)} / ${cores(measured.generatorCpu)} = ${cores(total)}`;
}

/** Cores the rest of the machine was busy (other work, this runner, the kernel beyond what it did for the processes measured), and stolen. */
function elsewhere(measured: Measured): string {
  const ours = Object.values(measured.cpuByProcess).reduce((a, b) => a + b, 0) + measured.generatorCpu;
  return `${cores(Math.max(0, measured.machine.busy - ours))} / ${cores(measured.machine.steal)}`;
}

/** For each set-up and size, each round's best over K; the best of those first. */
function roundBests(runs: readonly FanoutRun<Setup>[], setup: Setup, members: number): FanoutRun<Setup>[] {
  const byRound = new Map<number, FanoutRun<Setup>>();
  for (const run of runs) {
    if (run.server !== setup || run.members !== members) continue;
    const seen = byRound.get(run.round);
    if (!seen || run.deliveriesPerSecond > seen.deliveriesPerSecond) byRound.set(run.round, run);
  }
  return [...byRound.values()].sort((a, b) => b.deliveriesPerSecond - a.deliveriesPerSecond);
}

/** The median of each round's best over K (the lower middle one for an even count). */
export function medianFanout(runs: readonly FanoutRun<Setup>[], setup: Setup, members: number): number | undefined {
  const each = roundBests(runs, setup, members).map((r) => r.deliveriesPerSecond).sort((a, b) => a - b);
  return each.length ? each[Math.floor((each.length - 1) / 2)] : undefined;
}

export function bestFanout(runs: readonly FanoutRun<Setup>[], setup: Setup, members: number): FanoutRun<Setup> | undefined {
  return roundBests(runs, setup, members)[0];
}

export function fanoutTable(setups: readonly Setup[], runs: readonly FanoutRun<Setup>[], plan: FanoutPlan): string {
  const sizes = [...new Set(runs.map((r) => r.members))].sort((a, b) => a - b);
  const rows: Row[] = [];
  for (const n of sizes) {
    const best = (s: Setup) => bestFanout(runs, s, n);
    rows.push(figureRow(`${n} members`, setups, (s) => best(s)?.deliveriesPerSecond, (v, s) => `${rate(v)}${plan.inflights.length > 1 ? ` K=${best(s)!.inflight}` : ''}`));
    if (plan.rounds > 1) {
      rows.push(textRow('  each round (best K)', setups, (s) => {
        const each = roundBests(runs, s, n);
        return each.length ? [...each].sort((a, b) => a.round - b.round).map((r) => (r.deliveriesPerSecond / 1e6).toFixed(2)).join(' ') + ' M' : undefined;
      }));
      rows.push(figureRow('  median of the rounds', setups, (s) => medianFanout(runs, s, n), (v) => rate(v)));
    }
    rows.push(figureRow('  CPU µs/delivery (all)', setups, (s) => { const r = best(s); return r && cpuPerDeliveryUs(r.measured, r.deliveriesPerSecond); }, (v) => v.toFixed(3)));
    rows.push(textRow('  cores node/redis/gen', setups, (s) => { const r = best(s); return r && coresUsed(r.measured); }));
    rows.push(textRow('  cores other/stolen', setups, (s) => { const r = best(s); return r && elsewhere(r.measured); }));
    rows.push(textRow('  latency p50/p99', setups, (s) => { const r = best(s); return r && `${duration(r.measured.window.p50Us)}/${duration(r.measured.window.p99Us)}`; }));
    rows.push(textRow('  lost/stray', setups, (s) => { const r = best(s); return r && `${r.measured.window.lost}/${r.measured.window.stray}`; }));
  }
  return printTable('(1) fan-out at saturation, deliveries/s', header(setups), rows, [
    `one channel of N members, 10 senders, each keeping K messages in flight (K = ${plan.inflights.join(', ')}); ${plan.seconds} s windows; the best over K${plan.rounds > 1 ? ` and ${plan.rounds} rounds (set-ups taking turns a b c a b c …)` : ''}`,
    'CPU µs/delivery (all): CPU time of every process that serves (node or workers and primary, redis-server) over the deliveries',
    'cores node/redis/gen: share of a core each took in the window: the node ((c): worker 1 + worker 2 + primary), redis-server, the load generator; of 2',
    'cores other/stolen: the rest of the machine\'s busy time in the window (other work on it), and time the hypervisor gave other guests',
    `ratios: > 1 means more deliveries/s (or more CPU per delivery) than one process; the goal for (c)/(a) is ≥ ${GOAL}×; the runs of one set-up`,
    'vary by up to 1.5× from one server start to the next, so a best of rounds is partly luck: the median of the rounds is shown too',
  ]);
}

/** Each set-up's run of the load with the lowest p99, and every round's p99. */
function latencyRuns(runs: readonly LatencyRun<Setup>[], setup: Setup, members: number, messagesPerSecond: number): LatencyRun<Setup>[] {
  return runs.filter((r) => r.server === setup && r.offered.members === members && r.offered.messagesPerSecond === messagesPerSecond)
    .sort((a, b) => a.measured.window.p99Us - b.measured.window.p99Us);
}

export function bestLatency(runs: readonly LatencyRun<Setup>[], setup: Setup, members: number, messagesPerSecond: number): LatencyRun<Setup> | undefined {
  return latencyRuns(runs, setup, members, messagesPerSecond)[0];
}

function loadsOf(runs: readonly LatencyRun<Setup>[]): Array<{ members: number; messagesPerSecond: number }> {
  return [...new Map(runs.map((r) => [`${r.offered.members}/${r.offered.messagesPerSecond}`, r.offered])).values()];
}

export function latencyTable(setups: readonly Setup[], runs: readonly LatencyRun<Setup>[], plan: LatencyPlan): string {
  const rows: Row[] = [];
  const rounds = plan.rounds ?? 1;
  for (const load of loadsOf(runs)) {
    const all = (s: Setup) => latencyRuns(runs, s, load.members, load.messagesPerSecond);
    const best = (s: Setup) => all(s)[0];
    rows.push([`${load.members} members × ${load.messagesPerSecond / 1000}k msg/s`, ...header(setups).map(() => '')]);
    rows.push(figureRow('  p50', setups, (s) => best(s)?.measured.window.p50Us, duration));
    rows.push(figureRow('  p99', setups, (s) => best(s)?.measured.window.p99Us, duration));
    if (rounds > 1) rows.push(textRow('  p99 each round', setups, (s) => { const each = all(s); return each.length ? [...each].sort((a, b) => a.round - b.round).map((r) => duration(r.measured.window.p99Us)).join(' ') : undefined; }));
    rows.push(figureRow('  max', setups, (s) => best(s)?.measured.window.maxUs, duration));
    rows.push(textRow('  carried', setups, (s) => { const r = best(s); return r && `${r.carriedShare >= CARRIED ? 'yes' : 'NO'} ${rate(r.deliveriesPerSecond)}`; }));
    rows.push(figureRow('  CPU µs/delivery (all)', setups, (s) => { const r = best(s); return r && cpuPerDeliveryUs(r.measured, r.deliveriesPerSecond); }, (v) => v.toFixed(3)));
    rows.push(textRow('  cores node/redis/gen', setups, (s) => { const r = best(s); return r && coresUsed(r.measured); }));
    rows.push(textRow('  cores other/stolen', setups, (s) => { const r = best(s); return r && elsewhere(r.measured); }));
  }
  return printTable('(2) delivery latency at a fixed offered load', header(setups), rows, [
    `paced evenly over 10 senders, each message stamped with the time it was due; ${plan.seconds} s windows${rounds > 1 ? `; the round with the lowest p99 of ${rounds} (set-ups taking turns)` : ''}`,
    `carried: at least ${CARRIED * 100}% of the offered deliveries arrived in the window; ratios: < 1 means lower latency (or less CPU) than one process`,
  ]);
}

/** CPU µs per delivery of one process's share (by label), or of all processes when no label is given. */
function perDelivery(measured: Measured, deliveriesPerSecond: number, label?: string): number {
  const share = label === undefined ? Object.values(measured.cpuByProcess).reduce((a, b) => a + b, 0) : measured.cpuByProcess[label] ?? 0;
  return (share / deliveriesPerSecond) * 1e6;
}

interface Case { readonly label: string; readonly members: number; readonly of: (s: Setup) => { measured: Measured; deliveriesPerSecond: number } | undefined }

function cases(fanoutRuns: readonly FanoutRun<Setup>[], latencyRunList: readonly LatencyRun<Setup>[]): Case[] {
  const sizes = [...new Set(fanoutRuns.map((r) => r.members))].sort((a, b) => a - b);
  return [
    ...sizes.map((n) => ({ label: `saturated, ${n} members`, members: n, of: (s: Setup) => bestFanout(fanoutRuns, s, n) })),
    ...loadsOf(latencyRunList).map((load) => ({
      label: `${load.members} × ${load.messagesPerSecond / 1000}k msg/s`,
      members: load.members,
      of: (s: Setup) => bestLatency(latencyRunList, s, load.members, load.messagesPerSecond),
    })),
  ];
}

export function redisCostTable(fanoutRuns: readonly FanoutRun<Setup>[], latencyRunList: readonly LatencyRun<Setup>[]): string {
  const rows: Row[] = [];
  const us = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(3));
  for (const c of cases(fanoutRuns, latencyRunList)) {
    const [a, b, w] = (['single', 'node', 'workers'] as const).map(c.of);
    const costA = a && perDelivery(a.measured, a.deliveriesPerSecond);
    const nodeB = b && perDelivery(b.measured, b.deliveriesPerSecond, 'server');
    const redisB = b && perDelivery(b.measured, b.deliveriesPerSecond, 'redis-server');
    const extraB = costA !== undefined && nodeB !== undefined && redisB !== undefined ? nodeB + redisB - costA : undefined;
    const costW = w && perDelivery(w.measured, w.deliveriesPerSecond);
    const redisW = w && perDelivery(w.measured, w.deliveriesPerSecond, 'redis-server');
    const extraW = costA !== undefined && costW !== undefined ? costW - costA : undefined;
    rows.push([c.label, us(costA), us(nodeB), us(redisB), us(extraB), extraB === undefined ? '—' : (extraB * c.members).toFixed(1), us(costW), us(redisW), us(extraW)]);
  }
  return printTable('(3) what Redis adds, CPU µs per delivery', ['(a)', '(b) node', '(b) redis', '(b)−(a)', 'per message', '(c) all', '(c) redis', '(c)−(a)'], rows, [
    'CPU time from /proc of the processes that serve (not the load generator) over the deliveries, in the runs shown in (1) and (2);',
    '(b)−(a): what one node and its redis-server spend beyond one plain process; per message: the same × N (each message is delivered N times);',
    '(c) all: both workers, the primary and redis-server. Differences between saturated runs also reflect how well each batches at its own rate',
  ]);
}

/** CPU per delivery of every process that serves, (c) over (a): at each fixed load, and at saturation at 10 members. */
function costLines(fanoutRuns: readonly FanoutRun<Setup>[], latencyRunList: readonly LatencyRun<Setup>[]): string[] {
  const cost = (run: { measured: Measured; deliveriesPerSecond: number } | undefined) => run && cpuPerDeliveryUs(run.measured, run.deliveriesPerSecond);
  const verdict = (r: number | undefined, goal: number | undefined) => (r === undefined ? '—' : `${r.toFixed(2)}×${goal === undefined ? '' : ` (goal ≤ ${goal}×: ${r <= goal ? 'met' : 'NOT met'})`}`);
  const over = (x: number | undefined, a: number | undefined) => (x !== undefined && a !== undefined ? x / a : undefined);
  const fixed = loadsOf(latencyRunList).map((load) => {
    const of = (s: Setup) => cost(bestLatency(latencyRunList, s, load.members, load.messagesPerSecond));
    return `${load.members} × ${load.messagesPerSecond / 1000}k msg/s ${verdict(over(of('workers'), of('single')), COST_GOALS_FIXED.get(load.members))}`;
  });
  const { members, ratio: goal } = COST_GOAL_SATURATED;
  const saturated = over(cost(bestFanout(fanoutRuns, 'workers', members)), cost(bestFanout(fanoutRuns, 'single', members)));
  return [
    `  CPU per delivery, all processes (nodes, primary, redis-server), (c)/(a): at a fixed load ${fixed.join(', ') || '—'}`,
    `  the same at saturation, ${members} members: ${verdict(saturated, goal)}`,
  ];
}

export function summary(fanoutRuns: readonly FanoutRun<Setup>[], latencyRunList: readonly LatencyRun<Setup>[]): string {
  const sizes = [...new Set(fanoutRuns.map((r) => r.members))].sort((a, b) => a - b);
  const over = (s: Setup) => sizes.map((n) => {
    const [x, a] = [bestFanout(fanoutRuns, s, n), bestFanout(fanoutRuns, 'single', n)];
    return { n, r: x && a ? x.deliveriesPerSecond / a.deliveriesPerSecond : undefined };
  });
  const show = (list: Array<{ n: number; r: number | undefined }>) => list.map(({ n, r }) => `${n} members ${r === undefined ? '—' : `${r.toFixed(2)}×`}`).join(', ');
  const overMedian = (s: Setup) => sizes.map((n) => {
    const [x, a] = [medianFanout(fanoutRuns, s, n), medianFanout(fanoutRuns, 'single', n)];
    return { n, r: x && a ? x / a : undefined };
  });
  const rounds = Math.max(0, ...fanoutRuns.map((r) => r.round));
  const workers = over('workers');
  const measured = workers.filter((w) => w.r !== undefined);
  const met = measured.filter((w) => w.r! >= GOAL);
  const lines = [
    'summary',
    `  fan-out (c)/(a), --workers 2 over one process: ${show(workers)}; goal ≥ ${GOAL}×: ${!measured.length ? 'not measured' : met.length === measured.length ? 'met' : met.length ? `met at ${met.map((w) => w.n).join(', ')} members only` : 'NOT met'}`,
    `  fan-out (b)/(a), one cluster node over one process: ${show(over('node'))}`,
    ...(rounds > 1 ? [`  the same of the medians of ${rounds} rounds: (c)/(a) ${show(overMedian('workers'))}; (b)/(a) ${show(overMedian('node'))}`] : []),
  ];
  lines.push(...costLines(fanoutRuns, latencyRunList));
  for (const load of loadsOf(latencyRunList)) {
    const p99 = (s: Setup) => bestLatency(latencyRunList, s, load.members, load.messagesPerSecond)?.measured.window.p99Us;
    lines.push(`  p99 at ${load.members} × ${load.messagesPerSecond / 1000}k msg/s: (a) ${p99('single') === undefined ? '—' : duration(p99('single')!)}, (b) ${p99('node') === undefined ? '—' : duration(p99('node')!)}, (c) ${p99('workers') === undefined ? '—' : duration(p99('workers')!)}`);
  }
  const steal = [...fanoutRuns, ...latencyRunList].map((r) => r.measured.machine.steal).sort((a, b) => a - b);
  if (steal.length) {
    const heavy = steal.filter((s) => s >= STOLEN_MUCH).length;
    lines.push(`  stolen by the hypervisor: median ${cores(steal[Math.floor(steal.length / 2)])} of a core, at most ${cores(steal.at(-1)!)}, over ${steal.length} windows; ${heavy} with ≥ ${STOLEN_MUCH} (their figures are low: compare rounds)`);
  }
  return `${lines.join('\n')}\n`;
}
