// One table per scenario: each server's figure side by side, and this server's ratio to each peer
// (report-runs.ts: the scenarios run several times, every run shown).
import type { FanoutPlan, FanoutRun } from './scenarios/fanout.js';
import type { MemoryRun } from './scenarios/memory.js';
import type { StormRun } from './scenarios/storm.js';
import { NAME_OF, type ServerKind } from './servers.js';
import { median } from './stats.js';
import { duration, kilobytes, listCell, megabytes, percent, printTable, rate, ratio, seconds, type Row } from './table.js';

export type Peer = Exclude<ServerKind, 'ours'>;

export function columns(servers: readonly ServerKind[]): { header: string[]; peers: Peer[] } {
  const peers = servers.filter((s): s is Peer => s !== 'ours');
  return { header: [...servers.map((s) => NAME_OF[s]), ...peers.map((p) => `ours/${p}`)], peers };
}

/** A row of one figure per server, then ours ÷ each peer's. */
export function figureRow(label: string, servers: readonly ServerKind[], value: (s: ServerKind) => number | undefined, show: (v: number, s: ServerKind) => string): Row {
  const peers = servers.filter((s) => s !== 'ours');
  return [label, ...servers.map((s) => { const v = value(s); return v === undefined ? 'failed' : show(v, s); }), ...peers.map((p) => ratio(value('ours'), value(p)))];
}

export function textRow(label: string, servers: readonly ServerKind[], text: (s: ServerKind) => string | undefined): Row {
  return [label, ...servers.map((s) => text(s) ?? '—'), ...servers.filter((s) => s !== 'ours').map(() => '')];
}

/** A server's best deliveries/s over the K tried, in each round, in round order. */
function roundBests(all: readonly FanoutRun[], server: ServerKind, members: number): number[] {
  const best = new Map<number, number>();
  for (const r of all) if (r.server === server && r.members === members) best.set(r.round, Math.max(best.get(r.round) ?? 0, r.deliveriesPerSecond));
  return [...best].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

export function fanoutTables(servers: readonly ServerKind[], best: readonly FanoutRun[], all: readonly FanoutRun[], plan: FanoutPlan): string[] {
  const { inflights } = plan;
  const { header } = columns(servers);
  const sizes = [...new Set(best.map((r) => r.members))].sort((a, b) => a - b);
  const find = (s: ServerKind, n: number) => best.find((r) => r.server === s && r.members === n);
  const rows: Row[] = [];
  for (const n of sizes) {
    rows.push(figureRow(`${n} members`, servers, (s) => find(s, n)?.deliveriesPerSecond, (v, s) => `${rate(v)}${inflights.length > 1 ? ` K=${find(s, n)!.inflight}` : ''}`));
    rows.push(figureRow('  per server CPU-second', servers, (s) => { const r = find(s, n); return r && r.deliveriesPerSecond / r.measured.serverCpu; }, (v) => rate(v).replace('/s', '')));
    rows.push(textRow('  CPU server/generator', servers, (s) => { const r = find(s, n); return r && `${percent(r.measured.serverCpu)}/${percent(r.measured.generatorCpu)}`; }));
    rows.push(textRow('  latency p50/p99', servers, (s) => { const r = find(s, n); return r && `${duration(r.measured.window.p50Us)}/${duration(r.measured.window.p99Us)}`; }));
    if (plan.rounds > 1) {
      const rounds = (s: ServerKind) => roundBests(all, s, n);
      rows.push(textRow('  each round (best K), M/s', servers, (s) => listCell(rounds(s).map((v) => v / 1e6), '')));
      rows.push(figureRow('  median of the rounds', servers, (s) => median(rounds(s)), (v) => rate(v)));
    }
  }
  const tables = [printTable('(1) fan-out at saturation, deliveries/s', header, rows, [
    `one channel (MQTT: one topic), 10 senders, 64-byte payloads, ${plan.seconds} s windows; best over K = ${inflights.join(', ')} messages in flight per sender${plan.rounds > 1 ? ` and ${plan.rounds} rounds` : ''}`,
    'per server CPU-second: deliveries over the CPU time the server used, which other work on the machine disturbs less than deliveries/s',
    'ratios: > 1 means this server delivers more; IRC does not echo to the sender, so it delivers N−1 per message, the others N',
  ])];
  if (inflights.length > 1) {
    const detail: Row[] = [];
    for (const n of sizes) for (const k of inflights) {
      const at = (s: ServerKind) => {
        const tried = all.filter((r) => r.server === s && r.members === n && r.inflight === k).map((r) => r.deliveriesPerSecond);
        return tried.length ? Math.max(...tried) : undefined;
      };
      detail.push(figureRow(`${n} members, K=${k}`, servers, at, (v) => rate(v)));
    }
    tables.push(printTable('(1b) fan-out, every K tried (best of the rounds)', header, detail));
  }
  return tables;
}

export function memoryTable(servers: readonly ServerKind[], runs: readonly MemoryRun[]): string {
  const { header } = columns(servers);
  const sizes = [...new Set(runs.map((r) => r.members))].sort((a, b) => a - b);
  const rows: Row[] = [];
  for (const n of sizes) {
    const find = (s: ServerKind) => runs.find((r) => r.server === s && r.members === n);
    rows.push(figureRow(`${n.toLocaleString('en')} connections: per connection`, servers, (s) => find(s)?.kbPerConnection, (v, s) => kilobytes(v) + (find(s)!.settled ? '' : ' (moving)')));
    rows.push(textRow('  RSS idle → loaded', servers, (s) => { const r = find(s); return r && `${megabytes(r.idleKb)} → ${megabytes(r.loadedKb)}`; }));
    rows.push(textRow('  logins took', servers, (s) => { const r = find(s); return r && seconds(r.loginSeconds); }));
    const rested = find('ours')?.rested ?? find('bare')?.rested;
    if (rested) {
      const restedKb = (s: ServerKind) => find(s)?.rested?.kbPerConnection;
      rows.push([`  after a ${rested.seconds} s rest: per connection`, ...servers.map((s) => { const v = restedKb(s); return v === undefined ? '—' : kilobytes(v); }),
        ...servers.filter((s) => s !== 'ours').map((p) => ratio(restedKb('ours'), restedKb(p)))]);
      rows.push(textRow('    RSS idle → loaded', servers, (s) => { const r = find(s)?.rested; return r && `${megabytes(r.idleKb)} → ${megabytes(r.loadedKb)}`; }));
    }
  }
  if (sizes.length > 1) {
    const [small, large] = [sizes[0], sizes[sizes.length - 1]];
    const marginal = (s: ServerKind) => {
      const [a, b] = [small, large].map((n) => runs.find((r) => r.server === s && r.members === n));
      return a && b ? (b.loadedKb - a.loadedKb) / (large - small) : undefined;
    };
    rows.push(figureRow(`marginal, ${small.toLocaleString('en')} → ${large.toLocaleString('en')}`, servers, marginal, kilobytes));
  }
  return printTable('(3) RSS per idle logged-in connection', header, rows, [
    '(RSS once settled − RSS before, after 10 members logged in and left) / N; this server: REGISTER+LOGIN (bcrypt cost 4),',
    'IRC: NICK/USER to 001, MQTT: CONNECT/CONNACK; no channel. marginal: (RSS at the larger N − RSS at the smaller) / ΔN, two fresh servers',
    'ratios: < 1 means this server uses less; bare node: a Node server that accepts sockets and only reads them (bench/compare/bare-reader.ts),',
    'its members send one line each; ours/bare is the goal of issue 21 (≤ 1.5×)',
    'after a rest (--rest S, Node servers only): both RSS figures again, each after S s of quiet, when V8 and the hashing workers gave back what the logins left',
  ]);
}

export function stormTable(run: StormRun | undefined): string | undefined {
  if (!run) return undefined;
  return printTable(`(4) login storm, this server only: ${run.logins} LOGINs at bcrypt cost ${run.bcryptCost}, ${run.loginsAtOnce} at once`, ['quiet', 'during the storm'], [
    ['SAY delivery p50', duration(run.quiet.p50Us), duration(run.storm.p50Us)],
    ['SAY delivery p99', duration(run.quiet.p99Us), duration(run.storm.p99Us)],
    ['SAY delivery max', duration(run.quiet.maxUs), duration(run.storm.maxUs)],
    ['deliveries', String(run.quiet.deliveries), String(run.storm.deliveries)],
    ['window', seconds(run.quiet.seconds), seconds(run.storm.seconds)],
    ['generator CPU', percent(run.quiet.cpuSeconds / run.quiet.seconds), percent(run.generatorCpu)],
  ], [
    `10 members say 100 msg/s in one channel; the storm's ${run.logins} logins took ${seconds(run.stormSeconds)} (${(run.logins / run.stormSeconds).toFixed(0)}/s); the goal is p99 < 20 ms during the storm`,
  ]);
}
