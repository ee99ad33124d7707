// A connection storm over real TCP: thousands of connects and abrupt closes, in every state a connection
// can be in. Afterwards the server holds exactly what it held before: file descriptors, sockets, per-socket
// subscriptions, timers, readers and state entries (asked with SIGUSR2, which logs the counts).
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { ServerProcess } from '../support/server.js';
import { cleanup, cleanupAll, directUser, server } from '../support/process.js';
import { rssKb } from './measure.js';

afterEach(cleanup);
afterAll(cleanupAll);

/** Asks the server for its holdings and waits (bounded) for the line it logs on stdout. */
async function holdings(s: ServerProcess): Promise<Record<string, number>> {
  const before = s.stdout().split('\n').filter((l) => l.includes('holding {')).length;
  s.child.kill('SIGUSR2');
  for (let i = 0; i < 100; i++) {
    const lines = s.stdout().split('\n').filter((l) => l.includes('holding {'));
    if (lines.length > before) return JSON.parse(lines.at(-1)!.slice(lines.at(-1)!.indexOf('{'))) as Record<string, number>;
    await new Promise<void>((done) => { const t = setTimeout(done, 1000); s.child.stdout!.once('data', () => { clearTimeout(t); done(); }); });
  }
  throw new Error('the server did not report its holdings');
}

const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/** One connection of the storm: connects, maybe says something, then goes away abruptly in one of several ways. */
function victim(port: number, kind: number): Promise<void> {
  return new Promise((done) => {
    const socket: Socket = connect({ port, host: '127.0.0.1' });
    socket.on('error', () => {});
    socket.once('close', () => done());
    socket.once('connect', () => {
      switch (kind % 5) {
        case 0: socket.destroy(); break; // connect, close
        case 1: socket.resetAndDestroy(); break; // connect, reset
        case 2: socket.write('HELLO-FROM half'); socket.resetAndDestroy(); break; // half a line, then reset
        case 3: socket.write(`NAME storm${kind}\nBROADCAST hi\n`); socket.once('data', () => socket.resetAndDestroy()); break; // logged in, then reset
        case 4: socket.write(`REGISTER s${kind} pw\nLOGIN s${kind} pw\n`); socket.end(); socket.resume(); break; // waiting on bcrypt, half-closed
      }
    });
  });
}

it('thousands of connects and abrupt closes leave no file descriptor, socket, subscription, timer or state entry behind', async () => {
  // every fifth connection registers a new account; the quota (CHAT_REGISTER_PER_HOUR) would answer most at once, not via bcrypt
  const s = await server({ env: { CHAT_MAX_USERS: '10000', CHAT_REGISTER_PER_HOUR: '10000' } });
  const watcher = await directUser(s.port, 'watcher'); // one user stays through the storm
  const pid = s.child.pid!;
  // a first wave starts what the server starts lazily (its bcrypt worker threads), so it is not counted as a leak
  await Promise.all(Array.from({ length: 50 }, (_, i) => victim(s.port, 100_000 + i)));
  watcher.send('LIST');
  expect(await watcher.next()).toBe('LIST-OK watcher');
  const before = await holdings(s);
  const fdsBefore = fds(pid);
  const rssBefore = rssKb(pid);

  const started = Date.now();
  const TOTAL = 3000;
  for (let wave = 0; wave < TOTAL / 50; wave++) {
    await Promise.all(Array.from({ length: 50 }, (_, i) => victim(s.port, wave * 50 + i)));
  }
  const seconds = (Date.now() - started) / 1000;

  // once the server has handled every close, it holds what it held before (bounded retries, each a round trip)
  let after: Record<string, number> = {};
  for (let i = 0; i < 50; i++) {
    watcher.send('LIST');
    expect(await watcher.next()).toBe('LIST-OK watcher');
    after = await holdings(s);
    // every field the assertion compares, not only some: a timer or a subscription may be let go a little later
    if (isDeepStrictEqual(after, before)) break;
  }
  expect(after).toEqual(before);
  expect(fds(pid)).toBe(fdsBefore);
  console.log(`[figures] storm: ${TOTAL} connections opened and dropped in ${seconds.toFixed(1)} s; holdings before and after ${JSON.stringify(after)}; `
    + `fds ${fdsBefore} → ${fds(pid)}; RSS ${rssBefore} KB → ${rssKb(pid)} KB`);
}, 240_000);
