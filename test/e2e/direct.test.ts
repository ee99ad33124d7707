// The direct dialect (HELLO-FROM / LIST / SEND) over real TCP, as the course's grader sees it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LineClient } from '../support/client.js';
import { ask, cleanup, cleanupAll, client, directUser, until, server, sharedServer, unique } from '../support/process.js';

let port: number;
beforeAll(async () => { ({ port } = await sharedServer()); });
afterEach(cleanup);
afterAll(cleanupAll);

/** LIST still answers, and lists `name`: the connection is open and logged in. */
async function stillLoggedIn(c: LineClient, name: string): Promise<void> {
  const reply = await ask(c, 'LIST');
  expect(reply).toMatch(/^LIST-OK /);
  expect(reply.slice('LIST-OK '.length).split(',')).toContain(name);
}

describe('logging in', () => {
  it('HELLO-FROM with a free name answers HELLO name', async () => {
    const alice = unique('alice');
    const c = await client(port);
    expect(await ask(c, `HELLO-FROM ${alice}`)).toBe(`HELLO ${alice}`);
  });

  it.each([
    ['a comma in the name', 'HELLO-FROM a,b'],
    ['a space in the name', 'HELLO-FROM a b'],
    ['no name', 'HELLO-FROM'],
    ['an empty name', 'HELLO-FROM '],
    ['a control character in the name', 'HELLO-FROM a\u0007b'],
  ])('%s gets BAD-RQST-BODY and the connection is closed', async (_, line) => {
    const c = await client(port);
    expect(await ask(c, line)).toBe('BAD-RQST-BODY');
    await c.closed();
  });

  it('a name already online gets IN-USE and the connection is closed', async () => {
    const alice = unique('alice');
    await directUser(port, alice);
    const again = await client(port);
    expect(await ask(again, `HELLO-FROM ${alice}`)).toBe('IN-USE');
    await again.closed();
  });

  it('names are case-sensitive: ALICE is not alice', async () => {
    const alice = unique('alice');
    await directUser(port, alice);
    await directUser(port, alice.toUpperCase());
  });

  it('checks the name, then whether it is in use, then whether the server is full', async () => {
    const own = await server({ args: ['--max-users', '1'] });
    await directUser(own.port, 'alice'); // the server is now full
    const bad = await client(own.port);
    expect(await ask(bad, 'HELLO-FROM a,b')).toBe('BAD-RQST-BODY');
    await bad.closed();
    const taken = await client(own.port);
    expect(await ask(taken, 'HELLO-FROM alice')).toBe('IN-USE');
    await taken.closed();
    const busy = await client(own.port);
    expect(await ask(busy, 'HELLO-FROM bob')).toBe('BUSY');
    await busy.closed();
  });

  it('16 users can log in and the 17th gets BUSY and is closed', async () => {
    const own = await server();
    const names = Array.from({ length: 16 }, (_, i) => `user${i}`);
    await Promise.all(names.map((name) => directUser(own.port, name)));
    const extra = await client(own.port);
    expect(await ask(extra, 'HELLO-FROM user16')).toBe('BUSY');
    await extra.closed();
  });

  it('--max-users 2 makes the third user BUSY, and a freed place can be taken again', async () => {
    const own = await server({ args: ['--max-users', '2'] });
    const alice = await directUser(own.port, 'alice');
    await directUser(own.port, 'bob');
    const carol = await client(own.port);
    expect(await ask(carol, 'HELLO-FROM carol')).toBe('BUSY');
    await carol.closed();
    alice.close();
    await until(async () => {
      const retry = await client(own.port);
      const reply = await ask(retry, 'HELLO-FROM carol');
      if (reply === 'BUSY') await retry.closed();
      return reply === 'HELLO carol';
    }, 'carol gets the place alice left');
  });

  it('a second HELLO-FROM after login gets BAD-RQST-HDR and the connection stays', async () => {
    const alice = unique('alice');
    const c = await directUser(port, alice);
    expect(await ask(c, `HELLO-FROM ${unique('other')}`)).toBe('BAD-RQST-HDR');
    await stillLoggedIn(c, alice);
  });
});

describe('before login', () => {
  it.each(['LIST', 'SEND bob hi', 'hello-from alice', 'GARBAGE'])('%j as the first line gets BAD-RQST-HDR and the connection is closed', async (line) => {
    const c = await client(port);
    expect(await ask(c, line)).toBe('BAD-RQST-HDR');
    await c.closed();
  });

  it('on a --protocol direct listener, LIST before HELLO-FROM gets BAD-RQST-HDR and the connection is closed', async () => {
    const own = await server({ args: ['--protocol', 'direct'] });
    const c = await client(own.port);
    expect(await ask(c, 'LIST')).toBe('BAD-RQST-HDR');
    await c.closed();
  });

  it('on a --protocol direct listener, a messenger NAME line gets BAD-RQST-HDR and the connection is closed', async () => {
    const own = await server({ args: ['--protocol', 'direct'] });
    const c = await client(own.port);
    expect(await ask(c, 'NAME x')).toBe('BAD-RQST-HDR');
    await c.closed();
    await directUser(own.port, 'x');
  });
});

describe('LIST', () => {
  it('lists every logged-in user, the asker too, in login order, joined by commas without spaces', async () => {
    const own = await server();
    const zed = await directUser(own.port, 'zed');
    for (const name of ['Bob', 'amy', 'Carl']) await directUser(own.port, name);
    expect(await ask(zed, 'LIST')).toBe('LIST-OK zed,Bob,amy,Carl');
  });

  it('a user whose connection drops is no longer listed, and the name is free again', async () => {
    const own = await server();
    const alice = await directUser(own.port, 'alice');
    const bob = await directUser(own.port, 'bob');
    expect(await ask(alice, 'LIST')).toBe('LIST-OK alice,bob');
    bob.socket.destroy();
    await until(async () => (await ask(alice, 'LIST')) === 'LIST-OK alice', 'bob leaves the list');
    await directUser(own.port, 'bob');
  });
});

describe('SEND', () => {
  it('delivers to the recipient as DELIVERY sender message, and the sender gets SEND-OK', async () => {
    const [alice, bob] = [unique('alice'), unique('bob')];
    const a = await directUser(port, alice);
    const b = await directUser(port, bob);
    expect(await ask(a, `SEND ${bob} hello there`)).toBe('SEND-OK');
    expect(await b.next()).toBe(`DELIVERY ${alice} hello there`);
  });

  it.each(['SEND', 'SEND nobody', 'SEND nobody ', 'SEND nobody    '])('%j gets BAD-RQST-BODY although nobody is not online, and the connection stays', async (line) => {
    const alice = unique('alice');
    const a = await directUser(port, alice);
    expect(await ask(a, line)).toBe('BAD-RQST-BODY');
    await stillLoggedIn(a, alice);
  });

  it('trims the message at both ends and keeps the inner spaces', async () => {
    const [alice, bob] = [unique('alice'), unique('bob')];
    const a = await directUser(port, alice);
    const b = await directUser(port, bob);
    expect(await ask(a, `SEND ${bob}    hello   wide  world   `)).toBe('SEND-OK');
    expect(await b.next()).toBe(`DELIVERY ${alice} hello   wide  world`);
  });

  it('sending to oneself delivers first, then answers SEND-OK', async () => {
    const alice = unique('alice');
    const a = await directUser(port, alice);
    a.send(`SEND ${alice} note to self`);
    expect(await a.next()).toBe(`DELIVERY ${alice} note to self`);
    expect(await a.next()).toBe('SEND-OK');
  });

  it('an unknown recipient gets BAD-DEST-USER and no SEND-OK', async () => {
    const alice = unique('alice');
    const a = await directUser(port, alice);
    expect(await ask(a, `SEND ${unique('nobody')} hi`)).toBe('BAD-DEST-USER');
    await stillLoggedIn(a, alice); // the next line is LIST's answer, not a late SEND-OK
  });

  it('commands sent right behind a SEND are answered after its SEND-OK, in order', async () => {
    const own = await server();
    const a = await directUser(own.port, 'alice');
    const b = await directUser(own.port, 'bob');
    a.raw('SEND bob one\nLIST\nSEND bob two\n');
    expect(await a.next()).toBe('SEND-OK');
    expect(await a.next()).toBe('LIST-OK alice,bob');
    expect(await a.next()).toBe('SEND-OK');
    expect(await b.next()).toBe('DELIVERY alice one');
    expect(await b.next()).toBe('DELIVERY alice two');
  });

  it('unknown or lower-case verbs after login get BAD-RQST-HDR and the connection stays', async () => {
    const alice = unique('alice');
    const a = await directUser(port, alice);
    expect(await ask(a, 'SHOUT hi')).toBe('BAD-RQST-HDR');
    expect(await ask(a, 'list')).toBe('BAD-RQST-HDR');
    await stillLoggedIn(a, alice);
  });

  it('UTF-8 names and messages go through unchanged', async () => {
    const [alice, bob] = [unique('王芳'), unique('Ωmega')];
    const a = await directUser(port, alice);
    const b = await directUser(port, bob);
    expect(await ask(a, `SEND ${bob} 你好，世界 🌏`)).toBe('SEND-OK');
    expect(await b.next()).toBe(`DELIVERY ${alice} 你好，世界 🌏`);
  });
});
