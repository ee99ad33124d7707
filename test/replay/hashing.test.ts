// Password hashing under pressure, in-process: every REGISTER and LOGIN gets exactly one answer, whether the
// hasher serves it, refuses it (its address's share is full) or the login throttle would hold it too long.
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/types.js';
import { openHasher } from '../../streams/services/hasher.js';
import { memoryTransport } from '../../streams/cli/replay/memory.js';
import type { ReplayConnection } from '../../streams/cli/replay/transport.js';
import { removeTempDirs, tempDir } from '../support/server.js';

afterAll(removeTempDirs);

const SLEEPY_WORKER = resolve(import.meta.dirname, '../support/sleepy-hash-worker.mjs');

/** Everything a connection is sent until the server closes it (or `ms` pass without a line). */
async function allLines(c: ReplayConnection, ms: number): Promise<string[]> {
  const lines: string[] = [];
  for (let i = 0; i < 10; i++) {
    const line = await c.next(ms).catch(() => undefined);
    if (line === undefined) break;
    lines.push(line);
  }
  return lines;
}

describe('password hashing under pressure', () => {
  it('with a tiny hash queue, 30 people sending REGISTER and LOGIN at once each get exactly one answer to each', async () => {
    const events: LogEvent[] = [];
    const server = await memoryTransport({
      dbFile: join(tempDir(), 'chat.db'),
      hasher: openHasher({ cost: 4, perAddress: 2, maxWaitMs: 30_000, workers: 1 }),
      // longer than 60 hashes take on a busy machine: a login timeout closes a connection whose REGISTER is still
      // being hashed, and that REGISTER is never answered (the one-answer rule is about the queue, not this)
      limits: { loginTimeout: 30 },
      maxUsers: 100,
      log: (e) => events.push(e),
    });
    try {
      const people = await Promise.all(Array.from({ length: 30 }, (_, i) => server.open(`p${i}`)));
      people.forEach((c, i) => c.write(Buffer.from(`REGISTER pupil${i} pw${i}\nLOGIN pupil${i} pw${i}\n`)));
      // two answers each (a bound per line, for a busy machine), then nothing more once the pipeline is idle
      const heard = await Promise.all(people.map(async (c) => [await c.next(30_000), await c.next(30_000)]));
      await server.settle();
      for (const c of people) expect(c.unread()).toEqual([]);
      for (const lines of heard) {
        expect(lines[0]).toMatch(/^RESULT REGISTER [01]$/);
        expect(lines[1]).toMatch(/^RESULT LOGIN [01]$/);
      }
      // the tiny queue refused some REGISTERs at once, and said so
      expect(heard.filter((l) => l[0] === 'RESULT REGISTER 0').length).toBeGreaterThan(0);
      expect(events.some((e) => e.event === 'registerRefused' && e.reason === 'busy')).toBe(true);
    } finally {
      await server.stop();
    }
  }, 30_000);

  it('with the default limits, 100 people sending REGISTER and LOGIN at once from one address all get in', async () => {
    const server = await memoryTransport({ dbFile: join(tempDir(), 'chat.db'), maxUsers: 200 });
    try {
      const people = await Promise.all(Array.from({ length: 100 }, (_, i) => server.open(`p${i}`)));
      people.forEach((c, i) => c.write(Buffer.from(`REGISTER pupil${i} pw${i}\nLOGIN pupil${i} pw${i}\n`)));
      const heard = await Promise.all(people.map(async (c) => [await c.next(20_000), await c.next(20_000)]));
      expect(heard.filter(([r, l]) => r === 'RESULT REGISTER 1' && l === 'RESULT LOGIN 1')).toHaveLength(100);
    } finally {
      await server.stop();
    }
  }, 60_000);
});

describe('the login timeout', () => {
  it('answers the REGISTER under way first, then the REGISTER and LOGIN lines still queued as it closes the connection', async () => {
    const server = await memoryTransport({
      dbFile: join(tempDir(), 'chat.db'),
      // a hash that takes 3 s holds the connection past its 1 s login deadline
      hasher: openHasher({ cost: 4, perAddress: 256, maxWaitMs: 30_000, workers: 1, filename: SLEEPY_WORKER }),
      limits: { loginTimeout: 1 },
    });
    try {
      const c = await server.open('c');
      c.write(Buffer.from('REGISTER ann sleep:3000\nLOGIN ann sleep:3000\nCHANNELS\nREGISTER bob pw\n'));
      expect(await allLines(c, 5000)).toEqual(['RESULT REGISTER 1', 'RESULT LOGIN 0', 'RESULT REGISTER 0']);
    } finally {
      await server.stop();
    }
  }, 20_000);
});
