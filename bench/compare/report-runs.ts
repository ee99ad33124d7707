// Tables of the scenarios that run several times (the servers taking turns): every run is printed, then the
// median with its spread, and this server's ratio to each peer (each round's, and the medians').
import { columns, figureRow, textRow } from './report.js';
import type { HeapCounts } from './scenarios/heap.js';
import { cpuMicrosPerDelivery } from './scenarios/cpu.js';
import { BYSTANDER_RATE, FLOOD_INFLIGHT, type BystanderRun } from './scenarios/bystander.js';
import { CARRIED, type LatencyRun, type Offered } from './scenarios/latency.js';
import type { MemoryRun } from './scenarios/memory.js';
import { NAME_OF, type ServerKind } from './servers.js';
import { median, showSpread, spread } from './stats.js';
import { duration, kilobytes, listCell, percent, printTable, rate, ratio, type Row } from './table.js';

type Metric = (run: LatencyRun) => number | undefined;

/** The distinct loads of `runs`, in the order first run. */
function loadsOf(runs: readonly LatencyRun[]): Offered[] {
  return [...new Map(runs.map((r) => [`${r.offered.members}/${r.offered.messagesPerSecond}`, r.offered])).values()];
}

const sameLoad = (a: Offered, b: Offered) => a.members === b.members && a.messagesPerSecond === b.messagesPerSecond;
const loadName = (o: Offered) => `${o.members} members × ${o.messagesPerSecond / 1000}k msg/s`;
const carried = (r: LatencyRun) => r.carriedShare >= CARRIED;

/** The values of `metric` over a server's runs of a load, in round order. */
function valuesOf(runs: readonly LatencyRun[], server: ServerKind, load: Offered, metric: Metric, onlyCarried = false): number[] {
  return runs.filter((r) => r.server === server && sameLoad(r.offered, load) && (!onlyCarried || carried(r)))
    .sort((a, b) => a.round - b.round).map(metric).filter((v): v is number => v !== undefined);
}

/** Every run's figure in round order; with `markUncarried`, a run that did not carry the load is marked `*`. */
function everyRun(runs: readonly LatencyRun[], server: ServerKind, load: Offered, metric: Metric, scale: number, unit: string, markUncarried: boolean): string {
  const mine = runs.filter((r) => r.server === server && sameLoad(r.offered, load)).sort((a, b) => a.round - b.round);
  const cells = mine.map((r) => { const v = metric(r); return v === undefined ? '?' : `${listCell([v / scale], '')}${markUncarried && !carried(r) ? '*' : ''}`; });
  return cells.length ? `${cells.join(' ')} ${unit}` : '—';
}

/** Two rows for a metric: every run (and each round's ratio ours/peer), then median (min–max) and the medians' ratio.
 *  `onlyCarried`: a run whose server did not carry the load gives no figure (its cost or latency means nothing). */
function metricRows(label: string, servers: readonly ServerKind[], runs: readonly LatencyRun[], load: Offered, metric: Metric, unit: string, scale: number, show: (v: number) => string, onlyCarried = false): Row[] {
  const peers = servers.filter((s) => s !== 'ours');
  const values = (s: ServerKind) => valuesOf(runs, s, load, metric, onlyCarried).map((v) => v / scale);
  const roundRatios = (peer: ServerKind) => {
    const at = (s: ServerKind, round: number) => runs.find((r) => r.server === s && r.round === round && sameLoad(r.offered, load) && (!onlyCarried || carried(r)));
    const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
    const ratios = rounds.map((round) => { const [o, p] = [at('ours', round), at(peer, round)]; const [a, b] = [o && metric(o), p && metric(p)]; return a && b ? a / b : undefined; });
    return listCell(ratios.filter((v): v is number => v !== undefined), '×');
  };
  return [
    [`  ${label}, each run`, ...servers.map((s) => everyRun(runs, s, load, metric, scale, unit, onlyCarried)), ...peers.map(roundRatios)],
    [`  ${label}, median (min–max)`, ...servers.map((s) => { const v = values(s); return v.length ? showSpread(spread(v)!, (x) => show(x * scale)) : '—'; }),
      ...peers.map((p) => ratio(median(values('ours')), median(values(p))))],
  ];
}

function carriedRow(servers: readonly ServerKind[], runs: readonly LatencyRun[], load: Offered): Row {
  return textRow('  carried', servers, (s) => {
    const mine = runs.filter((r) => r.server === s && sameLoad(r.offered, load));
    return mine.length ? `${mine.filter(carried).length}/${mine.length} runs, ${rate(median(mine.map((r) => r.deliveriesPerSecond))!)}` : undefined;
  });
}

const roundsOf = (runs: readonly LatencyRun[]) => Math.max(0, ...runs.map((r) => r.round));

export function latencyRunsTable(servers: readonly ServerKind[], runs: readonly LatencyRun[], seconds: number): string {
  const { header } = columns(servers);
  const rows: Row[] = [];
  for (const load of loadsOf(runs)) {
    rows.push([loadName(load), ...header.map(() => '')]);
    rows.push(...metricRows('p99', servers, runs, load, (r) => r.measured.window.p99Us, 'ms', 1000, duration));
    rows.push(...metricRows('p50', servers, runs, load, (r) => r.measured.window.p50Us, 'ms', 1000, duration).slice(1));
    rows.push(...metricRows('max', servers, runs, load, (r) => r.measured.window.maxUs, 'ms', 1000, duration).slice(0, 1));
    const delays = (pick: (d: NonNullable<LatencyRun['measured']['loopDelay']>) => number) =>
      runs.filter((r) => r.server === 'ours' && sameLoad(r.offered, load) && r.measured.loopDelay).sort((a, b) => a.round - b.round).map((r) => pick(r.measured.loopDelay!));
    if (delays((d) => d.p99Ms).length) {
      rows.push(textRow('  event-loop delay p99, each run', servers, (s) => (s === 'ours' ? listCell(delays((d) => d.p99Ms), 'ms') : undefined)));
      rows.push(textRow('  event-loop delay max, each run', servers, (s) => (s === 'ours' ? listCell(delays((d) => d.maxMs), 'ms') : undefined)));
    }
    rows.push(carriedRow(servers, runs, load));
    rows.push(figureRow('  CPU µs/delivery, median', servers, (s) => median(valuesOf(runs, s, load, cpuMicrosPerDelivery)), (v) => v.toFixed(2)));
  }
  return printTable(`(2) delivery latency at a fixed offered load, ${roundsOf(runs)} rounds, servers taking turns`, header, rows, [
    `paced evenly over 10 senders, each message stamped with the time it was due; ${seconds} s windows, a fresh server each run; ratios: < 1 means this server is faster`,
    'each run: in the order run; the ratio columns give each round\'s ours/peer, then the ratio of the medians',
    'event-loop delay: perf_hooks.monitorEventLoopDelay (10 ms sampling) in this server over the window (bench/compare/probe.ts, loaded with --import)',
    `carried: at least ${CARRIED * 100}% of the offered deliveries (messages/s × members that get each) arrived in the window`,
  ]);
}

export function cpuTable(servers: readonly ServerKind[], runs: readonly LatencyRun[], seconds: number): string {
  const { header } = columns(servers);
  const rows: Row[] = [];
  for (const load of loadsOf(runs)) {
    rows.push([loadName(load), ...header.map(() => '')]);
    rows.push(...metricRows('CPU µs/delivery', servers, runs, load, cpuMicrosPerDelivery, 'µs', 1, (v) => `${v.toFixed(2)} µs`, true));
    rows.push(carriedRow(servers, runs, load));
    rows.push(textRow('  server CPU, median', servers, (s) => { const v = median(valuesOf(runs, s, load, (r) => r.measured.serverCpu)); return v === undefined ? undefined : percent(v); }));
    rows.push(textRow('  p99, median', servers, (s) => { const v = median(valuesOf(runs, s, load, (r) => r.measured.window.p99Us)); return v === undefined ? undefined : duration(v); }));
  }
  return printTable(`(2a) server CPU per delivery at a fixed offered load, ${roundsOf(runs)} rounds, servers taking turns`, header, rows, [
    `CPU: utime + stime of the server's process (every thread) from /proc/<pid>/stat over the ${seconds} s window, over the deliveries that arrived in it;`,
    'a fresh server each run, nothing loaded into it; * a run that did not carry the load: shown, left out of the median and ratios; < 1 means this server spends less',
    'IRC does not echo to the sender: ngircd delivers N−1 per message, the others N',
  ]);
}

export function heapTable(counts: HeapCounts | undefined, memory: readonly MemoryRun[], top = 10): string | undefined {
  if (!counts) return undefined;
  const rss = memory.find((r) => r.server === 'ours' && r.members === counts.members)?.kbPerConnection;
  const heapKb = counts.heapBytesPerConnection / 1024;
  const rows: Row[] = [
    ['RSS per connection (table 3)', '', rss === undefined ? '—' : kilobytes(rss)],
    ['JS heap per connection (live objects)', '', kilobytes(heapKb)],
    ['outside the JS heap', '', rss === undefined ? '—' : kilobytes(rss - heapKb)],
    ...counts.growth.slice(0, top).map((g): Row => [`  ${g.label}`, g.count.toFixed(2), `${g.bytes.toFixed(0)} B`]),
    ['closures and internal arrays by name', '', ''],
    ...counts.named.slice(0, top).map((g): Row => [`  ${g.label}`, g.count.toFixed(2), `${g.bytes.toFixed(0)} B`]),
  ];
  return printTable(`(3a) this server's memory per idle connection, ${counts.members.toLocaleString('en')} connections (--heap-counts)`, ['count/conn', 'size/conn'], rows, [
    'two heap snapshots (after a warm-up, and with the connections in), each constructor\'s growth over N, largest self size first;',
    'self size only: what an object holds itself (a Map\'s table is its own row); snapshots collect garbage first.',
    'outside the JS heap: libuv handles, Node\'s C++ stream wraps, malloc, heap pages V8 keeps',
  ]);
}

export function bystanderTable(runs: readonly BystanderRun[]): string | undefined {
  if (!runs.length) return undefined;
  const p50p99 = (w: BystanderRun['quiet']) => `${duration(w.p50Us)}/${duration(w.p99Us)}`;
  const rows: Row[] = runs.map((r): Row => [
    `run ${r.round}`, p50p99(r.quiet), `${p50p99(r.flood)}/${duration(r.flood.maxUs)}`, `${rate(r.flooder.sent / r.flooder.seconds)} sent, ${rate(r.flooder.deliveries / r.flooder.seconds)} delivered`,
  ]);
  const p99s = runs.map((r) => r.flood.p99Us / 1000);
  const s = spread(p99s)!;
  const under = p99s.filter((v) => v < 10).length;
  rows.push(['p99 during the flood', '', showSpread(s, (v) => `${v.toFixed(1)} ms`), '']);
  return printTable('(6) a bystander during a flood, this server only', ['quiet p50/p99', 'flood p50/p99/max', 'the flooder'], rows, [
    `2 bystanders exchange ${BYSTANDER_RATE} msg/s in one channel; one client floods another channel of ${runs[0].floodMembers} members, pipelining ${FLOOD_INFLIGHT} SAYs`,
    `at once and keeping that many in flight; a fresh server each run, rate limit off. goal: p99 < 10 ms during the flood: ${under}/${runs.length} runs`,
  ]);
}

/** The goals of issue 21 that compare measures, each with its figure and whether this run met it. */
export function goalLines(servers: readonly ServerKind[], cpu: readonly LatencyRun[], latency: readonly LatencyRun[], memory: readonly MemoryRun[], bystanders: readonly BystanderRun[]): string {
  const lines: string[] = [];
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const medianRatio = (runs: readonly LatencyRun[], load: Offered, metric: Metric, onlyCarried: boolean) => {
    const [o, p] = (['ours', 'ngircd'] as const).map((s) => median(valuesOf(runs, s, load, metric, onlyCarried)));
    return o && p ? o / p : undefined;
  };
  if (servers.includes('ngircd')) {
    for (const load of loadsOf(cpu)) {
      const r = medianRatio(cpu, load, cpuMicrosPerDelivery, true);
      lines.push(`CPU per delivery ≤ 1.0× ngircd, ${loadName(load)}: ${r === undefined ? 'not measured (a server did not carry the load in any run)' : `${ratio(r, 1)} (median of ${roundsOf(cpu)} rounds), ${verdict(r <= 1)}`}`);
    }
    for (const load of loadsOf(latency)) {
      const r = medianRatio(latency, load, (run) => run.measured.window.p99Us, false);
      lines.push(`p99 ≤ ngircd's, ${loadName(load)}: ${r === undefined ? 'not measured' : `${ratio(r, 1)} (median of ${roundsOf(latency)} rounds), ${verdict(r <= 1)}`}`);
    }
  }
  for (const n of [...new Set(memory.map((m) => m.members))].sort((a, b) => a - b)) {
    const [o, b] = (['ours', 'bare'] as const).map((s) => memory.find((m) => m.server === s && m.members === n)?.kbPerConnection);
    lines.push(`RSS per idle connection ≤ 1.5× a bare Node reader, ${n.toLocaleString('en')} connections: ${o && b ? `${kilobytes(o)} against ${kilobytes(b)}, ${ratio(o, b)}, ${verdict(o / b <= 1.5)}` : 'not measured'}`);
    const [ro, rb] = (['ours', 'bare'] as const).map((s) => memory.find((m) => m.server === s && m.members === n)?.rested);
    if (ro && rb) lines.push(`  the same after a ${ro.seconds} s rest: ${kilobytes(ro.kbPerConnection)} against ${kilobytes(rb.kbPerConnection)}, ${ratio(ro.kbPerConnection, rb.kbPerConnection)}, ${verdict(ro.kbPerConnection / rb.kbPerConnection <= 1.5)}`);
  }
  if (bystanders.length) {
    const under = bystanders.filter((r) => r.flood.p99Us < 10_000).length;
    lines.push(`bystander p99 < 10 ms during a flood: ${under}/${bystanders.length} runs (${listCell(bystanders.map((r) => r.flood.p99Us / 1000), 'ms')}), ${verdict(under === bystanders.length)}`);
  }
  const text = `goals of issue 21 in this run (ours/${NAME_OF.ngircd}, medians)\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
  console.log(text);
  return text;
}
