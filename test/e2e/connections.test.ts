// Connections a hostile client holds open: sockets that never log in are closed after CHAT_LOGIN_TIMEOUT,
// and logged-in users who stay idle are not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { ask, channelsUser, cleanup, cleanupAll, client, directUser, messengerUser, server } from './helpers.js';

afterEach(cleanup);
afterAll(cleanupAll);

it('closes sockets nobody logs in on within CHAT_LOGIN_TIMEOUT; idle logged-in users stay', async () => {
  const s = await server({ env: { CHAT_LOGIN_TIMEOUT: '1' } });
  const [dora, mia, carl] = [await directUser(s.port, 'dora'), await messengerUser(s.port, 'mia'), await channelsUser(s.port, 'carl')];
  const silent = await client(s.port);
  const nameless = await client(s.port);
  expect(await ask(nameless, 'USERS')).toBe('ERROR NAME-REQUIRED send NAME username first');
  const browsing = await client(s.port); // channels: CHANNELS works without LOGIN, but does not log in
  expect(await ask(browsing, 'CHANNELS')).toBe('RESULT CHANNELS');

  await silent.closed(5000);
  expect(await nameless.next(5000)).toBe('ERROR LOGIN-TIMEOUT no NAME in time; closing');
  await nameless.closed(5000);
  await browsing.closed(5000);

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
