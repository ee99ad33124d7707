// No hole in the effect loop: a failed effect, a socket that throws and a logger that throws each
// cost at most one connection, and the server goes on serving everyone else.
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/core/types.js';
import { openHasher } from '../../streams/services/hasher.js';
import { memoryTransport } from '../../streams/cli/replay/memory.js';
import type { ReplayConnection, Transport } from '../../streams/cli/replay/transport.js';
import { removeTempDirs, tempDir } from '../support/server.js';

afterAll(removeTempDirs);

const FAILING_WORKER = resolve(import.meta.dirname, '../support/failing-bcrypt-worker.mjs');

async function serverWith(options: { failingHasher?: boolean; log?: (event: LogEvent) => void } = {}) {
  return memoryTransport({
    dbFile: join(tempDir(), 'chat.db'),
    ...(options.failingHasher ? { hasher: openHasher({ cost: 4, perAddress: 256, maxWaitMs: 30_000, filename: FAILING_WORKER }) } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}

/** Two messenger users online, ann and bea, with every greeting read. */
async function annAndBea(server: Transport): Promise<[ReplayConnection, ReplayConnection]> {
  const a = await server.open('a');
  const b = await server.open('b');
  a.write(Buffer.from('NAME ann\n'));
  expect(await a.next(3000)).toMatch(/^WELCOME ann /);
  b.write(Buffer.from('NAME bea\n'));
  expect(await b.next(3000)).toMatch(/^WELCOME bea /);
  expect(await a.next(3000)).toBe('JOINED bea');
  return [a, b];
}

describe('failures inside the server', () => {
  it('a password hash that fails answers RESULT REGISTER 0, and the connection goes on', async () => {
    const events: LogEvent[] = [];
    const server = await serverWith({ failingHasher: true, log: (e) => events.push(e) });
    try {
      const a = await server.open('a');
      a.write(Buffer.from('REGISTER alice pw\nCHANNELS\nREGISTER alice pw\n'));
      expect(await a.next(3000)).toBe('RESULT REGISTER 0');
      expect(await a.next(3000)).toBe('RESULT CHANNELS');
      // the name was freed, so a second try reaches the hasher again
      expect(await a.next(3000)).toBe('RESULT REGISTER 0');
      const failure = events.find((e) => e.event === 'effectFailed');
      expect(failure?.stack).toMatch(/the hashing worker failed/);
    } finally {
      await server.stop();
    }
  });

  it('a socket whose write throws is closed, the error logged with its stack; others are served', async () => {
    const events: LogEvent[] = [];
    const server = await serverWith({ log: (e) => events.push(e) });
    try {
      const [a, b] = await annAndBea(server);
      a.throwOnWrite!();
      b.write(Buffer.from('BROADCAST hello\n'));
      expect(await b.next(3000)).toBe('BROADCAST bea hello');
      await a.closed(3000);
      expect(await b.next(3000)).toBe('LEFT ann lost');
      b.write(Buffer.from('USERS\n'));
      expect(await b.next(3000)).toBe('USERS bea');
      expect(events.find((e) => e.event === 'writeFailed')?.stack).toMatch(/throws on write/);
    } finally {
      await server.stop();
    }
  });

  it('a logger that throws on one connection’s event closes that connection only, and says why', async () => {
    const events: LogEvent[] = [];
    const log = (e: LogEvent) => {
      if (e.event === 'message' && e.user === 'ann') throw new Error('the log is broken');
      events.push(e);
    };
    const server = await serverWith({ log });
    try {
      const [a, b] = await annAndBea(server);
      a.write(Buffer.from('BROADCAST hi\n'));
      await a.closed(3000);
      b.write(Buffer.from('BROADCAST still here\n'));
      // the message itself still went out: only its log line failed
      expect(await b.next(3000)).toBe('BROADCAST ann hi');
      expect(await b.next(3000)).toBe('LEFT ann lost');
      expect(await b.next(3000)).toBe('BROADCAST bea still here');
      expect(events.find((e) => e.event === 'logFailed')?.stack).toMatch(/the log is broken/);
    } finally {
      await server.stop();
    }
  });
});
