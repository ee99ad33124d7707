// Starting and stopping: `Server is on`, and a clean exit on SIGINT and SIGTERM that closes every client.
import { afterAll, afterEach, expect, it } from 'vitest';
import { ask, channelsUser, cleanup, cleanupAll, client, directUser, messengerUser, server } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

it('prints `Server is on` on its own line once it accepts connections', async () => {
  const s = await server();
  expect(s.stdout()).toMatch(/^Server is on$/m);
  const c = await client(s.port);
  expect(await ask(c, 'CHANNELS')).toBe('RESULT CHANNELS');
  expect(s.stderr()).toBe('');
});

it.each(['SIGINT', 'SIGTERM'] as const)('%s stops the server with exit code 0 and closes every connection', async (signal) => {
  const s = await server();
  const clients = [
    await directUser(s.port, 'dora'),
    await messengerUser(s.port, 'mia'),
    await channelsUser(s.port, 'carl'),
    await client(s.port), // connected, no dialect chosen yet
  ];
  expect(await s.stop(signal)).toBe(0);
  await Promise.all(clients.map((c) => c.closed()));
  expect(s.stdout()).toMatch(new RegExp(signal));
  expect(s.stderr()).toBe('');
});

it('a stopped server no longer accepts connections', async () => {
  const s = await server();
  expect(await s.stop('SIGTERM')).toBe(0);
  await expect(client(s.port)).rejects.toThrow(/ECONNREFUSED/);
});
