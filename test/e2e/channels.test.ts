// The channels dialect (accounts and channels) over real TCP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ask, channelsUser, cleanup, cleanupAll, client, directUser, until, messengerUser, server, sharedServer, unique } from '../support/process.js';

let port: number;
beforeAll(async () => { ({ port } = await sharedServer()); });
afterEach(cleanup);
afterAll(cleanupAll);

describe('REGISTER', () => {
  it('registers a new name once; the same name again answers 0', async () => {
    const alice = unique('alice');
    const c = await client(port);
    expect(await ask(c, `REGISTER ${alice} s3cret`)).toBe('RESULT REGISTER 1');
    expect(await ask(c, `REGISTER ${alice} other`)).toBe('RESULT REGISTER 0');
    const elsewhere = await client(port);
    expect(await ask(elsewhere, `REGISTER ${alice} s3cret`)).toBe('RESULT REGISTER 0');
  });

  it.each([
    ['a colon', 'a:b'],
    ['an @', 'a@b'],
    ['65 characters', 'x'.repeat(65)],
  ])('a name with %s answers 0', async (_, name) => {
    const c = await client(port);
    expect(await ask(c, `REGISTER ${name} pw`)).toBe('RESULT REGISTER 0');
  });

  it('a name of 64 CJK characters is valid', async () => {
    const c = await client(port);
    const suffix = unique('');
    const name = '名'.repeat(64 - suffix.length) + suffix;
    expect([...name]).toHaveLength(64);
    expect(await ask(c, `REGISTER ${name} 密码`)).toBe('RESULT REGISTER 1');
    expect(await ask(c, `LOGIN ${name} 密码`)).toBe('RESULT LOGIN 1');
  });

  it('registering does not log in', async () => {
    const alice = unique('alice');
    const c = await client(port);
    expect(await ask(c, `REGISTER ${alice} pw`)).toBe('RESULT REGISTER 1');
    const channel = unique('room');
    expect(await ask(c, `CREATE ${channel}`)).toBe(`RESULT CREATE ${channel} 0`);
  });

  it.each(['REGISTER', 'REGISTER onlyname', 'REGISTER a b c'])('%j (wrong argument count) answers RESULT REGISTER 0', async (line) => {
    const c = await client(port);
    expect(await ask(c, line)).toBe('RESULT REGISTER 0');
  });
});

describe('LOGIN', () => {
  it('logs in with the right password', async () => {
    await channelsUser(port, unique('alice'), 'correct-horse-battery');
  });

  it('a wrong password answers 0', async () => {
    const alice = unique('alice');
    const c = await client(port);
    expect(await ask(c, `REGISTER ${alice} right`)).toBe('RESULT REGISTER 1');
    expect(await ask(c, `LOGIN ${alice} wrong`)).toBe('RESULT LOGIN 0');
    expect(await ask(c, `LOGIN ${alice} right`)).toBe('RESULT LOGIN 1');
  });

  it('an unknown user answers 0', async () => {
    const c = await client(port);
    expect(await ask(c, `LOGIN ${unique('nobody')} pw`)).toBe('RESULT LOGIN 0');
  });

  it('a connection already logged in answers 0, even for another account', async () => {
    const [alice, bob] = [unique('alice'), unique('bob')];
    const a = await channelsUser(port, alice);
    expect(await ask(a, `REGISTER ${bob} pw`)).toBe('RESULT REGISTER 1');
    expect(await ask(a, `LOGIN ${alice} pw`)).toBe('RESULT LOGIN 0');
    expect(await ask(a, `LOGIN ${bob} pw`)).toBe('RESULT LOGIN 0');
    // and bob was not logged in by the refused attempt
    const b = await client(port);
    expect(await ask(b, `LOGIN ${bob} pw`)).toBe('RESULT LOGIN 1');
  });

  it('a user logged in on another connection answers 0', async () => {
    const alice = unique('alice');
    await channelsUser(port, alice);
    const second = await client(port);
    expect(await ask(second, `LOGIN ${alice} pw`)).toBe('RESULT LOGIN 0');
  });

  it('a name online in the direct dialect cannot log in here', async () => {
    const alice = unique('alice');
    const c = await client(port);
    expect(await ask(c, `REGISTER ${alice} pw`)).toBe('RESULT REGISTER 1');
    await directUser(port, alice);
    expect(await ask(c, `LOGIN ${alice} pw`)).toBe('RESULT LOGIN 0');
  });

  it('a name online in the messenger dialect cannot log in here', async () => {
    const alice = unique('alice');
    const c = await client(port);
    expect(await ask(c, `REGISTER ${alice} pw`)).toBe('RESULT REGISTER 1');
    await messengerUser(port, alice);
    expect(await ask(c, `LOGIN ${alice} pw`)).toBe('RESULT LOGIN 0');
  });

  it('disconnecting logs out: the name can log in again from another connection', async () => {
    const alice = unique('alice');
    const first = await channelsUser(port, alice);
    first.close();
    const second = await client(port);
    await until(async () => (await ask(second, `LOGIN ${alice} pw`)) === 'RESULT LOGIN 1', `${alice} logs in again`);
  });

  it.each(['LOGIN', 'LOGIN onlyname', 'LOGIN a b c'])('%j (wrong argument count) answers RESULT LOGIN 0', async (line) => {
    const c = await client(port);
    expect(await ask(c, line)).toBe('RESULT LOGIN 0');
  });
});

describe('CREATE, JOIN and SAY', () => {
  it('before LOGIN, CREATE, JOIN and SAY get their failure replies', async () => {
    const channel = unique('room');
    const c = await client(port);
    expect(await ask(c, `CREATE ${channel}`)).toBe(`RESULT CREATE ${channel} 0`);
    expect(await ask(c, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 0`);
    expect(await ask(c, `SAY ${channel} hi`)).toBe('RESULT SAY 0');
  });

  it('CREATE makes a channel once; the creator is not joined', async () => {
    const channel = unique('room');
    const c = await channelsUser(port, unique('alice'));
    expect(await ask(c, `CREATE ${channel}`)).toBe(`RESULT CREATE ${channel} 1`);
    expect(await ask(c, `CREATE ${channel}`)).toBe(`RESULT CREATE ${channel} 0`);
    expect(await ask(c, `SAY ${channel} hello?`)).toBe('RESULT SAY 0');
    expect(await ask(c, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 1`);
  });

  it.each(['a:b', 'a@b', 'y'.repeat(65)])('CREATE %s (an invalid name) answers 0', async (channel) => {
    const c = await channelsUser(port, unique('alice'));
    expect(await ask(c, `CREATE ${channel}`)).toBe(`RESULT CREATE ${channel} 0`);
  });

  it('JOIN of a missing channel, or of one you are in, answers 0', async () => {
    const channel = unique('room');
    const c = await channelsUser(port, unique('alice'));
    expect(await ask(c, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 0`);
    expect(await ask(c, `CREATE ${channel}`)).toBe(`RESULT CREATE ${channel} 1`);
    expect(await ask(c, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 1`);
    expect(await ask(c, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 0`);
  });

  it('SAY reaches every member, the sender included, and nobody else', async () => {
    const channel = unique('room');
    const [alice, bob] = [unique('alice'), unique('bob')];
    const a = await channelsUser(port, alice);
    const b = await channelsUser(port, bob);
    const outsider = await channelsUser(port, unique('carol'));
    expect(await ask(a, `CREATE ${channel}`)).toBe(`RESULT CREATE ${channel} 1`);
    expect(await ask(a, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 1`);
    expect(await ask(b, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 1`);
    expect(await ask(b, `SAY ${channel} hello  everyone, how are you?`)).toBe(`RECV ${bob} ${channel} hello  everyone, how are you?`);
    expect(await a.next()).toBe(`RECV ${bob} ${channel} hello  everyone, how are you?`);
    // the outsider's next line answers its own command, so no RECV came before it
    expect(await ask(outsider, `SAY ${channel} let me in`)).toBe('RESULT SAY 0');
  });

  it('SAY to a missing channel, or with an empty message, answers RESULT SAY 0', async () => {
    const channel = unique('room');
    const c = await channelsUser(port, unique('alice'));
    expect(await ask(c, `SAY ${unique('nowhere')} hi`)).toBe('RESULT SAY 0');
    expect(await ask(c, `CREATE ${channel}`)).toBe(`RESULT CREATE ${channel} 1`);
    expect(await ask(c, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 1`);
    expect(await ask(c, `SAY ${channel} `)).toBe('RESULT SAY 0');
    expect(await ask(c, `SAY ${channel}`)).toBe('RESULT SAY 0');
    expect(await ask(c, 'SAY')).toBe('RESULT SAY 0');
  });

  it('a member who disconnects no longer receives the channel', async () => {
    const channel = unique('room');
    const [alice, bob] = [unique('alice'), unique('bob')];
    const a = await channelsUser(port, alice);
    const b = await channelsUser(port, bob);
    expect(await ask(a, `CREATE ${channel}`)).toBe(`RESULT CREATE ${channel} 1`);
    expect(await ask(a, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 1`);
    expect(await ask(b, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 1`);
    b.close();
    const again = await client(port);
    await until(async () => (await ask(again, `LOGIN ${bob} pw`)) === 'RESULT LOGIN 1', `${bob} is logged out`);
    // bob is back but not a member any more: his SAY fails, alice's SAY reaches only alice
    expect(await ask(again, `SAY ${channel} back`)).toBe('RESULT SAY 0');
    expect(await ask(a, `SAY ${channel} anyone?`)).toBe(`RECV ${alice} ${channel} anyone?`);
    expect(await ask(again, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 1`);
  });

  it('JOIN and CREATE with the wrong argument count get their failure replies', async () => {
    const c = await channelsUser(port, unique('alice'));
    expect(await ask(c, 'JOIN')).toBe('RESULT JOIN 0');
    expect(await ask(c, 'CREATE')).toBe('RESULT CREATE 0');
    expect(await ask(c, 'JOIN a b')).toMatch(/^RESULT JOIN (a |a b )?0$/);
    expect(await ask(c, 'CREATE a b')).toMatch(/^RESULT CREATE (a |a b )?0$/);
    expect(await ask(c, 'CHANNELS')).toMatch(/^RESULT CHANNELS/); // and nothing was created
  });

  it('CJK channel names and messages go through unchanged', async () => {
    const channel = unique('頻道');
    const user = unique('張三');
    const c = await channelsUser(port, user, '密碼');
    expect(await ask(c, `CREATE ${channel}`)).toBe(`RESULT CREATE ${channel} 1`);
    expect(await ask(c, `JOIN ${channel}`)).toBe(`RESULT JOIN ${channel} 1`);
    expect(await ask(c, `SAY ${channel} 你好，世界！ 😀 مرحبا`)).toBe(`RECV ${user} ${channel} 你好，世界！ 😀 مرحبا`);
  });
});

describe('CHANNELS and unknown verbs', () => {
  it('with no channels, CHANNELS answers exactly RESULT CHANNELS, without a login', async () => {
    const own = await server();
    const c = await client(own.port);
    expect(await ask(c, 'CHANNELS')).toBe('RESULT CHANNELS');
  });

  it('CHANNELS lists every channel sorted by code point, joined by ", "', async () => {
    const own = await server();
    const c = await channelsUser(own.port, 'alice');
    // U+FF5A (fullwidth z) sorts before U+1F600 by code point, though not by UTF-16 code unit
    const names = ['b', '😀', 'ｚ', 'B', '頻道', 'a', 'Ä', 'a1'];
    for (const name of names) expect(await ask(c, `CREATE ${name}`)).toBe(`RESULT CREATE ${name} 1`);
    const observer = await client(own.port);
    expect(await ask(observer, 'CHANNELS')).toBe('RESULT CHANNELS B, a, a1, b, Ä, 頻道, ｚ, 😀');
  });

  it('unknown and lower-case verbs get no reply, and the next command still works', async () => {
    const alice = unique('alice');
    const c = await client(port);
    expect(await ask(c, `REGISTER ${alice} pw`)).toBe('RESULT REGISTER 1');
    c.send('DANCE wildly');
    c.send(`login ${alice} pw`);
    c.send('FOO');
    expect(await ask(c, `LOGIN ${alice} pw`)).toBe('RESULT LOGIN 1');
    expect(c.unread()).toEqual([]);
  });
});
