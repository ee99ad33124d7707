// Password guessing over real TCP: failed LOGINs meet growing delays, refusals are logged with the remote
// address, and an address past its share of the hash queue is answered with the dialect's failure at once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { ask, cleanup, cleanupAll, client, server } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

type Record = { event: string; msg: string; reason?: string; remote?: { address: string } };
const records = (dir: string): Record[] => readFileSync(join(dir, 'server.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record);

it('wrong LOGINs past the free ones are answered after a delay that doubles each time; the right password still gets in', async () => {
  const s = await server({ env: { LOG_LEVEL: 'debug', CHAT_LOGIN_DELAY_MS: '40', CHAT_LOGIN_MAX_DELAY_MS: '320' } });
  const c = await client(s.port);
  expect(await ask(c, 'REGISTER vera right')).toBe('RESULT REGISTER 1');
  const took: number[] = [];
  for (let i = 0; i < 8; i++) {
    const sent = performance.now();
    expect(await ask(c, 'LOGIN vera wrong')).toBe('RESULT LOGIN 0');
    took.push(performance.now() - sent);
  }
  // the 5th to 8th waited 40, 80, 160 and 320 ms, counted from the failure before, which the client learns of a
  // little later: so at least half of each (the exact schedule is checked with explicit times in unit/limits)
  expect(took.slice(4).map((t, i) => t >= (40 * 2 ** i) / 2)).toEqual([true, true, true, true]);
  expect(took[7]).toBeGreaterThan(took[4]);
  expect(await ask(c, 'LOGIN vera right')).toBe('RESULT LOGIN 1');
  expect(await s.stop('SIGTERM')).toBe(0);

  const log = records(s.dir);
  const delays = log.filter((r) => r.event === 'loginDelayed').map((r) => Number(/delayed (\d+) ms/.exec(r.msg)?.[1]));
  expect(delays.length).toBeGreaterThanOrEqual(4);
  const refusals = log.filter((r) => r.event === 'loginRefused');
  expect(refusals).toHaveLength(8);
  for (const r of refusals) {
    expect(r.reason).toBe('wrong password');
    expect(r.remote?.address).toBe('127.0.0.1');
    expect(r.msg).toContain('from 127.0.0.1');
  }
  console.log(`[figures] login throttling: 8 wrong LOGINs took ${took.map((t) => Math.round(t)).join(', ')} ms`);
});

it('past its CHAT_HASH_QUEUE_PER_ADDRESS share of waiting hashes, a REGISTER is answered RESULT REGISTER 0 at once, and logged with the address', async () => {
  const s = await server({ env: { CHAT_BCRYPT_COST: '12', CHAT_HASH_QUEUE_PER_ADDRESS: '1' } });
  const clients = await Promise.all(Array.from({ length: 8 }, () => client(s.port)));
  clients.forEach((c, i) => c.send(`REGISTER user${i} pw`));
  const answers = await Promise.all(clients.map((c) => c.next(30_000)));
  // at most 4 workers hash while 1 more waits: the other 3 or more are refused
  expect(answers.filter((a) => a === 'RESULT REGISTER 1').length).toBeLessThanOrEqual(5);
  expect(answers.filter((a) => a === 'RESULT REGISTER 0').length).toBeGreaterThanOrEqual(3);
  expect(await s.stop('SIGTERM')).toBe(0);
  const refused = records(s.dir).filter((r) => r.event === 'registerRefused');
  expect(refused.length).toBeGreaterThanOrEqual(3);
  expect(refused[0].remote?.address).toBe('127.0.0.1');
  expect(refused[0].msg).toMatch(/CHAT_HASH_QUEUE_PER_ADDRESS/);
});
