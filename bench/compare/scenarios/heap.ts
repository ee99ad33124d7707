// `--heap-counts`: where this server's memory per idle connection goes. A fresh server with probe.ts
// loaded; a few members log in and leave (as in the memory scenario), a heap snapshot, N idle members log
// in, another snapshot; each constructor's growth in count and self size over N (RSS per connection comes
// from the memory scenario: a snapshot itself leaves RSS behind).
// Snapshots collect garbage first, so they count live objects only. The JS heap is part of RSS; the rest is
// outside it (libuv handles, Node's C++ stream wraps, malloc, and heap pages not yet given back).
import { readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closureSites, constructorTotals, growthPerConnection, heapBytes, type HeapSnapshotJson, type PerConnection } from '../heap-snapshot.js';
import { LoadRun } from '../loadgen.js';
import { settledRssKb } from '../machine.js';
import { withServer, type Bench } from '../measure.js';
import type { RunningServer } from '../servers.js';
import { warmUp } from './memory.js';

export interface HeapCounts {
  readonly members: number;
  readonly heapBytesPerConnection: number;
  /** Every constructor whose count or size changed, largest growth first. */
  readonly growth: readonly PerConnection[];
  /** The same with closures and internal arrays by their own names. */
  readonly named: readonly PerConnection[];
}

export const HEAP_MEMBERS = 1_000;
const LIMIT_S = 600;

/** A script's URL as a path from the working directory (`dist/streams/net/lines.js`, `node_modules/…`). */
const shortUrl = (url: string) => (url.startsWith('file://') ? relative(process.cwd(), fileURLToPath(url)) : url.startsWith('/') ? relative(process.cwd(), url) : url);

/** Takes a snapshot of `server`, sums it by constructor, and deletes the file (they are tens of MB). */
async function totalsNow(server: RunningServer) {
  const file = await server.heapSnapshot();
  try {
    const heap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotJson;
    return { coarse: constructorTotals(heap), named: constructorTotals(heap, true, closureSites(heap, shortUrl)) };
  } finally {
    rmSync(file, { force: true });
  }
}

export async function heapCounts(bench: Bench, members = HEAP_MEMBERS): Promise<HeapCounts | undefined> {
  try {
    return await withServer(bench, 'ours', { bcryptCost: 4, maxUsers: members + 100, probe: true }, async (server) => {
      const base = { protocol: server.protocol, port: server.port, mode: 'idle', join: false, control: true, seconds: LIMIT_S, setupSeconds: LIMIT_S } as const;
      await warmUp(bench, base);
      const before = await totalsNow(server);
      const run = LoadRun.start(bench.loadgen, bench.pinning, { ...base, members, prefix: 'h' });
      try {
        await run.ready();
        await settledRssKb(() => server.rssKb()); // the logins' garbage and buffers settle first
        const after = await totalsNow(server);
        server.checkAlive();
        return {
          members,
          heapBytesPerConnection: (heapBytes(after.coarse) - heapBytes(before.coarse)) / members,
          growth: growthPerConnection(before.coarse, after.coarse, members).filter((row) => row.count !== 0 || row.bytes !== 0),
          named: growthPerConnection(before.named, after.named, members).filter((row) => /^\((closure|array)\) /.test(row.label) && (row.count !== 0 || row.bytes !== 0)),
        };
      } finally {
        await run.stop();
      }
    });
  } catch (error) {
    bench.failed('heap counts', error);
    return undefined;
  }
}
