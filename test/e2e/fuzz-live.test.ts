// A live fuzz run: random and mutated protocol lines and raw random bytes from several connections at once,
// against the real server over TCP, while users of every dialect keep being served. Afterwards the server
// logged no bug, printed nothing on stderr, and stops cleanly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, expect, it } from 'vitest';
import { ask, channelsUser, cleanup, cleanupAll, client, directUser, messengerUser, server } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

const verbs = ['HELLO-FROM', 'LIST', 'SEND', 'NAME', 'BROADCAST', 'WHISPER', 'USERS', 'QUIT', 'REGISTER', 'LOGIN', 'CREATE', 'JOIN', 'SAY', 'CHANNELS'];
const word = fc.oneof(fc.constantFrom(...verbs, 'dora', 'mia', 'carl', 'lobby', '', ' '), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 }));
const line = fc.oneof(fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' ')), fc.string({ unit: 'binary', maxLength: 60 }));

it('random lines and bytes from eight connections never disturb the users of any dialect', async () => {
  const s = await server({ env: { CHAT_MAX_USERS: '100' } });
  const dora = await directUser(s.port, 'dora');
  const mia = await messengerUser(s.port, 'mia');
  const carl = await channelsUser(s.port, 'carl');
  expect(await mia.next()).toBe('JOINED carl');
  expect(await ask(carl, 'CREATE lobby')).toBe('RESULT CREATE lobby 1');
  expect(await ask(carl, 'JOIN lobby')).toBe('RESULT JOIN lobby 1');

  // a fixed seed: the same run every time, so a failure can be replayed
  const batches = fc.sample(fc.array(line, { minLength: 90, maxLength: 90 }), { numRuns: 8, seed: 11 });
  const fuzzers = await Promise.all(batches.map(() => client(s.port)));
  fuzzers.forEach((f, i) => {
    f.raw(batches[i].map((l) => `${l}\n`).join(''));
    if (i % 2) f.raw(Buffer.from(fc.sample(fc.integer({ min: 0, max: 255 }), { numRuns: 20_000, seed: i })));
  });

  // meanwhile, and after, each dialect's users get their answers (skipping what the fuzzers sent them)
  const readUntil = async (c: typeof dora, wanted: string) => {
    for (let i = 0; i < 2000; i++) if ((await c.next(5000)) === wanted) return;
    throw new Error(`never got ${wanted}`);
  };
  for (let round = 0; round < 20; round++) {
    dora.send(`SEND dora round ${round}`);
    await readUntil(dora, `DELIVERY dora round ${round}`);
    await readUntil(dora, 'SEND-OK');
    mia.send(`WHISPER mia round ${round}`);
    await readUntil(mia, `WHISPER mia mia round ${round}`);
    carl.send(`SAY lobby round ${round}`);
    await readUntil(carl, `RECV carl lobby round ${round}`);
  }
  expect(await s.stop('SIGTERM')).toBe(0);
  expect(s.stderr()).toBe('');
  const log = readFileSync(join(s.dir, 'server.log'), 'utf8');
  expect(log).not.toMatch(/"event":"(bug|logFailed|socketError|writeFailed)"/);
  console.log(`[figures] live fuzz: ${batches.flat().length} random lines and 80 000 random bytes from 8 connections; 20 rounds of answers to each of 3 users`);
}, 90_000);
