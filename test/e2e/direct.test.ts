// The direct dialect (HELLO-FROM / LIST / SEND) over real TCP: what needs a real process. Its protocol rules
// are recordings (test/recordings/direct-*.rec, list-login-order.rec, cross-dialect.rec), which also run live.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ask, cleanup, cleanupAll, client, directUser, server, until } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

describe('logging in', () => {
  it('16 users can log in and the 17th gets BUSY and is closed (the default limit)', async () => {
    const own = await server();
    const names = Array.from({ length: 16 }, (_, i) => `user${i}`);
    await Promise.all(names.map((name) => directUser(own.port, name)));
    const extra = await client(own.port);
    expect(await ask(extra, 'HELLO-FROM user16')).toBe('BUSY');
    await extra.closed();
  });
});

describe('LIST', () => {
  it('a user whose connection drops (no FIN from the client: destroyed) is no longer listed, and the name is free again', async () => {
    const own = await server();
    const alice = await directUser(own.port, 'alice');
    const bob = await directUser(own.port, 'bob');
    expect(await ask(alice, 'LIST')).toBe('LIST-OK alice,bob');
    bob.socket.destroy();
    await until(async () => (await ask(alice, 'LIST')) === 'LIST-OK alice', 'bob leaves the list');
    await directUser(own.port, 'bob');
  });
});
