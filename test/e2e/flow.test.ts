// Flow control over real TCP: a client that sends far ahead is read more slowly (TCP pushes back), never
// dropped; and a client that does not read what it is sent is cut off without stalling anyone else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { cleanup, cleanupAll, client, directUser, server } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

it('3,000 REGISTERs pipelined in one write all get their answer, in order, and the socket is paused rather than a line dropped', async () => {
  // flow control is under test, not the registration quota (CHAT_REGISTER_PER_HOUR, 200 by default) nor the hash
  // queue's wait bound (a busy machine hashes slowly enough that it refused a REGISTER): both lifted
  const s = await server({ env: { LOG_LEVEL: 'debug', CHAT_RATE_LIMIT: '0', CHAT_REGISTER_PER_HOUR: '3000', CHAT_HASH_MAX_WAIT_MS: '600000' } });
  const c = await client(s.port);
  // every tenth REGISTER repeats the name before it, so the answers have an order to check: …1 1 0 1 …
  const names = Array.from({ length: 3000 }, (_, i) => (i % 10 === 9 ? `u${i - 1}` : `u${i}`));
  c.raw(names.map((name) => `REGISTER ${name} pw\n`).join(''));
  for (const [i, name] of names.entries()) {
    const expected = `RESULT REGISTER ${i % 10 === 9 ? 0 : 1}`;
    const got = await c.next(30_000);
    if (got !== expected) throw new Error(`answer ${i + 1} (REGISTER ${name}): expected ${expected}, got ${got}`);
  }
  expect(await s.stop('SIGTERM')).toBe(0);
  const events = readFileSync(join(s.dir, 'server.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; queued?: number });
  const paused = events.filter((e) => e.event === 'paused');
  expect(paused.length).toBeGreaterThan(0);
  expect(events.filter((e) => e.event === 'resumed').length).toBeGreaterThan(0);
  // reading stopped at the limit: the queue never held more than the limit plus what one read had split
  expect(Math.max(...paused.map((e) => e.queued!))).toBeLessThanOrEqual(1000);
}, 240_000);

it('a client that never reads is disconnected once its output waits unread past CHAT_SEND_TIMEOUT_MS; its sender is answered, others are served', async () => {
  const s = await server({ env: { CHAT_SEND_TIMEOUT_MS: '1000', CHAT_RATE_LIMIT: '0' } });
  const slow = await client(s.port);
  slow.socket.pause(); // reads nothing from now on
  slow.send('HELLO-FROM slow');
  const talker = await directUser(s.port, 'talker');
  const text = 'x'.repeat(8000);
  // each SEND-OK waits until the DELIVERY was written to slow's socket; once slow is cut, BAD-DEST-USER.
  // The kernel's socket buffers take several MB before anything queues in the server, hence the bound.
  let cut = false;
  for (let i = 0; i < 5000 && !cut; i++) {
    talker.send(`SEND slow ${text}`);
    const answer = await talker.next(5000);
    if (answer === 'BAD-DEST-USER') cut = true;
    else expect(answer).toBe('SEND-OK');
  }
  expect(cut).toBe(true);
  talker.send('LIST');
  expect(await talker.next()).toBe('LIST-OK talker');
  const log = readFileSync(join(s.dir, 'server.log'), 'utf8');
  expect(log).toContain('"event":"slowReader"');
});
