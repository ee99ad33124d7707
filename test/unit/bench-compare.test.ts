// The pure parts of `npm run bench -- compare`: what it reads from /proc, from the probe it loads into the
// server and from heap snapshots, and how it summarises repeated runs. Never a timing.
import { describe, expect, it } from 'vitest';
import { closureSites, constructorTotals, growthPerConnection, heapBytes, type HeapSnapshotJson } from '../../bench/compare/heap-snapshot.js';
import { cpuTicksOf } from '../../bench/compare/machine.js';
import { listCell } from '../../bench/compare/table.js';
import { memoryTable } from '../../bench/compare/report.js';
import { goalLines } from '../../bench/compare/report-runs.js';
import type { MemoryRun } from '../../bench/compare/scenarios/memory.js';
import { parseLoopDelay } from '../../bench/compare/servers.js';
import { median, showSpread, spread } from '../../bench/compare/stats.js';

describe('CPU time from /proc/<pid>/stat', () => {
  it('adds utime and stime, the 14th and 15th fields', () => {
    const stat = '4242 (node) S 1 4242 4242 0 -1 4194560 9000 0 3 0 1234 567 0 0 20 0 11 0 2346604 1 2 3';
    expect(cpuTicksOf(stat)).toBe(1234 + 567);
  });

  it('counts fields after the last parenthesis, so a command name with spaces and parentheses does not shift them', () => {
    const stat = '4242 (a b) (c)) R 1 4242 4242 0 -1 4194560 9000 0 3 0 70 30 0 0 20 0 1 0 5 6 7\n';
    expect(cpuTicksOf(stat)).toBe(100);
  });

  it('refuses text that is not a stat line', () => {
    expect(() => cpuTicksOf('no such process')).toThrow(/not the text of a \/proc/);
    expect(() => cpuTicksOf('1 (x) S 1 2')).toThrow(/not the text of a \/proc/);
  });
});

describe('the event-loop delay line of the probe', () => {
  it('reads its figures', () => {
    expect(parseLoopDelay('loop-delay {"p50Ms":0.1,"p99Ms":3.5,"maxMs":12,"meanMs":0.4,"samples":500}'))
      .toEqual({ p50Ms: 0.1, p99Ms: 3.5, maxMs: 12, meanMs: 0.4, samples: 500 });
  });

  it('ignores any other line, a broken one, and one that lacks a figure', () => {
    expect(parseLoopDelay('Server is on')).toBeUndefined();
    expect(parseLoopDelay('loop-delay {"p50Ms":')).toBeUndefined();
    expect(parseLoopDelay('loop-delay {"p50Ms":1,"p99Ms":2,"maxMs":3,"meanMs":1}')).toBeUndefined();
  });
});

/** A snapshot in V8's layout: nodes as flat [type, name, id, self_size, edge_count] records. */
function snapshot(nodes: ReadonlyArray<[type: string, name: string, size: number]>): HeapSnapshotJson {
  const types = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic', 'concatenated string', 'sliced string', 'symbol', 'bigint', 'object shape'];
  const strings: string[] = [];
  const intern = (text: string) => (strings.includes(text) ? strings.indexOf(text) : strings.push(text) - 1);
  return {
    snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [types, 'string', 'number', 'number', 'number'] } },
    nodes: nodes.flatMap(([type, name, size], i) => [types.indexOf(type), intern(name), i * 2 + 1, size, 0]),
    strings,
  };
}

describe('heap snapshots summed by constructor', () => {
  it('groups objects by constructor and the rest by kind, leaving out synthetic roots', () => {
    const totals = constructorTotals(snapshot([
      ['synthetic', '(GC roots)', 0], ['object', 'Socket', 200], ['object', 'Socket', 200], ['object', 'Map', 40],
      ['closure', 'onData', 32], ['closure', 'onEnd', 32], ['string', 'hello', 24], ['native', 'Node / TCPWrap', 96],
    ]));
    expect(Object.fromEntries(totals)).toEqual({
      Socket: { count: 2, selfBytes: 400 }, Map: { count: 1, selfBytes: 40 }, '(closure)': { count: 2, selfBytes: 64 },
      '(string)': { count: 1, selfBytes: 24 }, 'Node / TCPWrap': { count: 1, selfBytes: 96 },
    });
    expect(heapBytes(totals)).toBe(624);
  });

  it('gives each constructor\'s growth per connection, largest first', () => {
    const before = constructorTotals(snapshot([['object', 'Socket', 200], ['object', 'Timeout', 50]]));
    const after = constructorTotals(snapshot([
      ['object', 'Socket', 200], ['object', 'Socket', 200], ['object', 'Socket', 200],
      ['closure', 'f', 32], ['closure', 'g', 32], ['closure', 'h', 32], ['closure', 'i', 32],
    ]));
    expect(growthPerConnection(before, after, 2)).toEqual([
      { label: 'Socket', count: 1, bytes: 200 },
      { label: '(closure)', count: 2, bytes: 64 },
      { label: 'Timeout', count: -0.5, bytes: -25 },
    ]);
  });

  it('names closures and internal arrays by their own names when asked', () => {
    const heap = snapshot([['closure', 'onData', 32], ['closure', '', 32], ['array', '(object properties)', 16], ['object', 'Socket', 200]]);
    expect([...constructorTotals(heap, true).keys()]).toEqual(['(closure) onData', '(closure) (anonymous)', '(array) (object properties)', 'Socket']);
  });

  it('names a closure by where its function is written: the script of its shared info, the line of its location', () => {
    // nodes: [type, name, id, self_size, edge_count]; edges: [type, name, to]
    const heap: HeapSnapshotJson = {
      snapshot: { meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [['closure', 'code', 'object']],
        edge_fields: ['type', 'name_or_index', 'to_node'], edge_types: [['internal', 'element', 'property']],
      } },
      strings: ['onData', 'shared', 'script_or_debug_info', 'file:///app/dist/streams/net/lines.js', 'SharedFunctionInfo', 'Socket', 'x'],
      nodes: [
        0, 0, 1, 32, 1, //  0: closure onData → shared
        0, 0, 3, 32, 1, //  5: closure onData → shared
        1, 4, 5, 40, 1, // 10: its shared function info → script
        1, 3, 7, 80, 0, // 15: the script, named by its URL
        2, 5, 9, 200, 1, // 20: an object holding the closure: not a closure, so no site
      ],
      edges: [0, 1, 10, 0, 1, 10, 0, 2, 15, 2, 1, 0],
      locations: [0, 3, 53, 4, 5, 3, 53, 4],
    };
    const sites = closureSites(heap, (url) => url.replace('file:///app/', ''));
    expect([...sites]).toEqual([[0, 'dist/streams/net/lines.js:54'], [5, 'dist/streams/net/lines.js:54']]);
    expect(constructorTotals(heap, true, sites).get('(closure) onData dist/streams/net/lines.js:54')).toEqual({ count: 2, selfBytes: 64 });
  });

  it('refuses a file whose nodes lack a size', () => {
    const broken = { ...snapshot([]), snapshot: { meta: { node_fields: ['type', 'name'], node_types: [['object']] } } };
    expect(() => constructorTotals(broken)).toThrow(/not a V8 heap snapshot/);
  });
});

describe('repeated runs summarised', () => {
  it('takes the median of an odd and an even count, and nothing of none', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });

  it('shows the median with its range, in one unit where they share it, or the value alone for one run', () => {
    expect(showSpread(spread([2, 9, 4, 3, 5])!, (v) => `${v} ms`)).toBe('4 ms (2–9)');
    expect(showSpread(spread([900, 1200, 1500])!, (v) => (v >= 1000 ? `${v / 1000} s` : `${v} ms`))).toBe('1.2 s (900 ms–1.5)');
    expect(spread([2, 9, 4])).toEqual({ median: 4, min: 2, max: 9, runs: 3 });
    expect(showSpread(spread([7])!, (v) => `${v} ms`)).toBe('7 ms');
    expect(spread([])).toBeUndefined();
  });

  it('lists every run in one cell, with a decimal where the figure is small', () => {
    expect(listCell([1.64, 23.2, 0.456], 'ms')).toBe('1.6 23 0.46 ms');
    expect(listCell([], 'ms')).toBe('—');
  });
});

describe('memory after a rest', () => {
  const run = (server: 'ours' | 'ngircd' | 'bare', kb: number, restedKb?: number): MemoryRun => ({
    server, members: 1000, idleKb: 50_000, loadedKb: 50_000 + kb * 1000, settled: true, kbPerConnection: kb, loginSeconds: 1,
    ...(restedKb === undefined ? {} : { rested: { seconds: 120, idleKb: 40_000, loadedKb: 40_000 + restedKb * 1000, kbPerConnection: restedKb } }),
  });
  const runs = [run('ours', 12, 6), run('ngircd', 2.5), run('bare', 4.2, 4.1)];

  it('shows the rested figure of the Node servers beside the one right after the logins, and nothing for the others', () => {
    const rows = memoryTable(['ours', 'ngircd', 'bare'], runs).split('\n');
    const rested = rows.find((row) => row.includes('after a 120 s rest: per connection'));
    expect(rested).toBeDefined();
    expect(rested!.trim().split(/ {2,}/u).slice(1)).toEqual(['6.0 KB', '—', '4.1 KB', '—', '1.46×']);
  });

  it('judges the goal on both figures', () => {
    const text = goalLines(['ours', 'bare'], [], [], runs, []);
    expect(text).toMatch(/1,000 connections: 12\.0 KB against 4\.2 KB, 2\.86×, NOT met/u);
    expect(text).toMatch(/the same after a 120 s rest: 6\.0 KB against 4\.1 KB, 1\.46×, met/u);
  });
});
