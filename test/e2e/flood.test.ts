// One client flooding at full speed over real TCP: it is slowed to its rate, then disconnected with the
// dialect's error; everyone else keeps getting answers; server.log gets a summary, not a line per line.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { cleanup, cleanupAll, messengerUser, server } from '../support/process.js';
import { percentile, rssKb } from './measure.js';

const FLOODER = resolve(import.meta.dirname, '../support/flooder.mjs');
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await cleanup();
});
afterAll(cleanupAll);

/** Starts the flooder (test/support/flooder.mjs) in its own process; resolves with its summary once the server closed it. */
function flooder(port: number, first: string, line: string): { done: Promise<{ sent: number; last: string | null }> } {
  const child = spawn(process.execPath, [FLOODER, String(port), first, line], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  return { done: new Promise((resolve, reject) => child.once('exit', () => { try { resolve(JSON.parse(out)); } catch { reject(new Error(`flooder said ${out}`)); } })) };
}

it('a flooder is slowed to CHAT_RATE_LIMIT, then cut off with ERROR SLOW-DOWN; a bystander keeps its round trips and the log stays small', async () => {
  const s = await server({ env: { CHAT_FLOOD_SECONDS: '5', CHAT_RATE_LIMIT: '20', CHAT_RATE_BURST: '100' } });
  const bystanders = [await messengerUser(s.port, 'bea'), await messengerUser(s.port, 'ben'), await messengerUser(s.port, 'bo')];
  for (const [i, b] of bystanders.entries()) for (const name of ['ben', 'bo'].slice(i)) expect(await b.next()).toBe(`JOINED ${name}`);
  const rssBefore = rssKb(s.child.pid!);
  const logBefore = statSync(join(s.dir, 'server.log')).size;

  const started = Date.now();
  let flooderClosed = false;
  const { done } = flooder(s.port, 'NAME fred', 'BROADCAST spam spam spam');
  void done.then(() => { flooderClosed = true; });
  for (const b of bystanders) expect(await b.next()).toBe('JOINED fred');

  // the bystanders' round trips while the flood lasts, each at a person's pace well under the rate limit
  // (a pause between trips is the load pattern, not synchronisation); bounded in count and time
  const trips: number[] = [];
  let heard = 0;
  await Promise.all(bystanders.map(async (bystander) => {
    for (let i = 0; i < 500 && !flooderClosed && Date.now() - started < 15_000; i++) {
      const sent = performance.now();
      bystander.send('USERS');
      for (let skipped = 0; ; skipped++) {
        const got = await bystander.next(5000);
        if (got.startsWith('USERS ')) break;
        if (bystander === bystanders[0] && got.startsWith('BROADCAST fred ')) heard++;
        expect(got).toMatch(/^(BROADCAST fred spam spam spam|LEFT fred lost)$/);
        if (skipped > 10_000) throw new Error('no USERS answer among the flood');
      }
      trips.push(performance.now() - sent);
      await new Promise((pace) => setTimeout(pace, 100));
    }
  }));
  const { sent, last } = await done;
  const seconds = (Date.now() - started) / 1000;
  expect(last).toMatch(/^ERROR SLOW-DOWN /);
  const rssAfter = rssKb(s.child.pid!);
  // what fred got through, as the bystanders saw it
  const echoed = bystanders[0].unread().filter((l) => l.startsWith('BROADCAST fred ')).length + heard;
  // what it got through: its burst, then about CHAT_RATE_LIMIT a second (generous bounds: timers run late, never early)
  expect(echoed).toBeGreaterThan(100);
  expect(echoed).toBeLessThan(100 + 20 * (seconds + 1));

  expect(await s.stop('SIGTERM')).toBe(0);
  const logBytes = statSync(join(s.dir, 'server.log')).size - logBefore;
  const events = readFileSync(join(s.dir, 'server.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; msg: string });
  const summaries = events.filter((e) => e.event === 'rateLimited');
  expect(summaries.length).toBeGreaterThanOrEqual(2); // the start, and the count at the disconnect
  expect(summaries.length).toBeLessThanOrEqual(2 + seconds / 10);
  expect(events.filter((e) => e.event === 'flooded')).toHaveLength(1);
  console.log(`[figures] flood: fred wrote ${sent} lines in ${seconds.toFixed(1)} s; ${echoed} were handled before ERROR SLOW-DOWN; `
    + `bystander round trips ${trips.length}: p50 ${percentile(trips, 50).toFixed(2)} ms, p99 ${percentile(trips, 99).toFixed(2)} ms; `
    + `server.log grew ${logBytes} B (${Math.round(logBytes / seconds)} B/s of flood, ${summaries.length} summary lines); RSS ${rssBefore} KB → ${rssAfter} KB`);
}, 90_000);
