// Connections a hostile client holds open: sockets that never log in are closed after CHAT_LOGIN_TIMEOUT,
// and logged-in users who stay idle are not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { ask, channelsUser, cleanup, cleanupAll, client, directUser, messengerUser, server } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

it('closes sockets nobody logs in on within CHAT_LOGIN_TIMEOUT; idle logged-in users stay', async () => {
  // 5 s: the nameless and browsing sockets must get their first answer before it ends, on a busy machine too
  const s = await server({ env: { CHAT_LOGIN_TIMEOUT: '5' } });
  const [dora, mia, carl] = [await directUser(s.port, 'dora'), await messengerUser(s.port, 'mia'), await channelsUser(s.port, 'carl')];
  const silent = await client(s.port);
  const nameless = await client(s.port);
  expect(await ask(nameless, 'USERS')).toBe('ERROR NAME-REQUIRED send NAME username first');
  const browsing = await client(s.port); // channels: CHANNELS works without LOGIN, but does not log in
  expect(await ask(browsing, 'CHANNELS')).toBe('RESULT CHANNELS');

  await silent.closed(20_000);
  expect(await nameless.next(20_000)).toBe('ERROR LOGIN-TIMEOUT no NAME in time; closing');
  await nameless.closed(20_000);
  await browsing.closed(20_000);

  // the three who logged in were as idle, and are still served
  expect(await ask(dora, 'LIST')).toBe('LIST-OK dora,mia,carl');
  expect(await mia.next()).toBe('JOINED carl');
  expect(await ask(mia, 'USERS')).toBe('USERS carl, dora, mia');
  expect(await ask(carl, 'CHANNELS')).toBe('RESULT CHANNELS');
  expect(await s.stop('SIGTERM')).toBe(0);
  const timeouts = readFileSync(join(s.dir, 'server.log'), 'utf8').split('\n').filter((l) => l.includes('"event":"loginTimeout"'));
  expect(timeouts).toHaveLength(3);
  expect(timeouts[0]).toContain('"address":"127.0.0.1"');
});

it('past CHAT_MAX_PER_ADDRESS sockets from one address, more from it are closed at once; another address is still served', async () => {
  const s = await server({ env: { CHAT_MAX_PER_ADDRESS: '3' } });
  const held = [await client(s.port), await client(s.port), await client(s.port)];
  // the fourth and fifth from 127.0.0.1 are closed before they could say anything
  for (let i = 0; i < 2; i++) {
    const extra = await client(s.port);
    await extra.closed(5000);
    expect(extra.unread()).toEqual([]);
  }
  // a client on 127.0.0.2 is its own address: served
  const other = await client(s.port, '127.0.0.2');
  expect(await ask(other, 'HELLO-FROM neighbour')).toBe('HELLO neighbour');
  // the held sockets still work, and once one closes, 127.0.0.1 may open another
  expect(await ask(held[0], 'CHANNELS')).toBe('RESULT CHANNELS');
  held[1].close();
  let reopened;
  for (let tries = 0; tries < 50 && !reopened; tries++) {
    const attempt = await client(s.port);
    attempt.send('HELLO-FROM again');
    reopened = await attempt.next(2000).then(() => attempt, () => undefined);
  }
  expect(reopened).toBeDefined();
  expect(await s.stop('SIGTERM')).toBe(0);
  const log = readFileSync(join(s.dir, 'server.log'), 'utf8');
  const refusals = log.split('\n').filter((l) => l.includes('"event":"refused"'));
  expect(refusals.length).toBeGreaterThanOrEqual(1);
  expect(refusals[0]).toContain('from 127.0.0.1');
});
