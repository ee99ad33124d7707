// The messenger dialect over real TCP. Presence notices reach every messenger user, so each test has a
// server of its own: no JOINED or LEFT from another test can slip in between the lines a test expects.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ask, cleanup, cleanupAll, client, messengerUser, server } from '../support/process.js';

let port: number;
beforeEach(async () => { ({ port } = await server()); });
afterEach(cleanup);
afterAll(cleanupAll);

describe('naming', () => {
  it('the first NAME is answered with WELCOME name and a greeting that names /help', async () => {
    const c = await client(port);
    expect(await ask(c, 'NAME alice')).toMatch(/^WELCOME alice .*\/help/);
  });

  it('anything before NAME gets ERROR NAME-REQUIRED, and NAME still works afterwards', async () => {
    const c = await client(port);
    expect(await ask(c, 'BROADCAST hello?')).toMatch(/^ERROR NAME-REQUIRED( |$)/);
    expect(await ask(c, 'USERS')).toMatch(/^ERROR NAME-REQUIRED( |$)/);
    expect(await ask(c, 'WHISPER bob hi')).toMatch(/^ERROR NAME-REQUIRED( |$)/);
    expect(await ask(c, 'DANCE')).toMatch(/^ERROR NAME-REQUIRED( |$)/);
    expect(await ask(c, 'NAME alice')).toMatch(/^WELCOME alice /);
  });

  it('others see JOINED name; the newcomer does not', async () => {
    const alice = await messengerUser(port, 'alice');
    const bob = await messengerUser(port, 'bob');
    expect(await alice.next()).toBe('JOINED bob');
    expect(await ask(bob, 'USERS')).toBe('USERS alice, bob');
  });

  it('a name online already gets ERROR NAME-TAKEN, and a different one is accepted', async () => {
    const alice = await messengerUser(port, 'alice');
    const c = await client(port);
    expect(await ask(c, 'NAME alice')).toMatch(/^ERROR NAME-TAKEN( |$)/);
    expect(await ask(c, 'NAME Alice')).toMatch(/^WELCOME Alice /);
    expect(await alice.next()).toBe('JOINED Alice');
  });

  it.each([
    ['a comma', 'NAME a,b'],
    ['a space', 'NAME a b'],
    ['33 characters', `NAME ${'n'.repeat(33)}`],
    ['a tab', 'NAME a\tb'],
  ])('a name with %s gets ERROR NAME-INVALID', async (_, line) => {
    const c = await client(port);
    expect(await ask(c, line)).toMatch(/^ERROR NAME-INVALID( |$)/);
  });

  it('a name of 32 characters, in any script, is accepted', async () => {
    const c = await client(port);
    const name = 'мир'.repeat(10) + '名字';
    expect(await ask(c, `NAME ${name}`)).toMatch(new RegExp(`^WELCOME ${name} `, 'u'));
  });

  it('NAME again renames: everyone, the renamer included, gets RENAMED old new', async () => {
    const alice = await messengerUser(port, 'alice');
    const bob = await messengerUser(port, 'bob');
    expect(await alice.next()).toBe('JOINED bob');
    bob.send('NAME robert');
    expect(await bob.next()).toBe('RENAMED bob robert');
    expect(await alice.next()).toBe('RENAMED bob robert');
    expect(await ask(alice, 'USERS')).toBe('USERS alice, robert');
    // the old name is free again, the new one is taken
    const c = await client(port);
    expect(await ask(c, 'NAME robert')).toMatch(/^ERROR NAME-TAKEN( |$)/);
    expect(await ask(c, 'NAME bob')).toMatch(/^WELCOME bob /);
  });

  it('renaming to a name in use gets ERROR NAME-TAKEN and keeps the old name', async () => {
    await messengerUser(port, 'alice');
    const bob = await messengerUser(port, 'bob');
    expect(await ask(bob, 'NAME alice')).toMatch(/^ERROR NAME-TAKEN( |$)/);
    expect(await ask(bob, 'USERS')).toBe('USERS alice, bob');
  });
});

/** alice, bob and carol online, each having seen the JOINED notices of those after them. */
async function threeUsers() {
  const alice = await messengerUser(port, 'alice');
  const bob = await messengerUser(port, 'bob');
  const carol = await messengerUser(port, 'carol');
  expect(await alice.next()).toBe('JOINED bob');
  expect(await alice.next()).toBe('JOINED carol');
  expect(await bob.next()).toBe('JOINED carol');
  return [alice, bob, carol] as const;
}

describe('messages', () => {
  it('BROADCAST reaches everyone, the sender included', async () => {
    const [alice, bob, carol] = await threeUsers();
    alice.send('BROADCAST hello  all of you!');
    for (const c of [alice, bob, carol]) expect(await c.next()).toBe('BROADCAST alice hello  all of you!');
  });

  it('WHISPER reaches the recipient and is echoed to the sender, and nobody else sees it', async () => {
    const [alice, bob, carol] = await threeUsers();
    alice.send('WHISPER bob just  between us');
    expect(await bob.next()).toBe('WHISPER alice bob just  between us');
    expect(await alice.next()).toBe('WHISPER alice bob just  between us');
    // carol's next line answers her own command: no whisper came before it
    expect(await ask(carol, 'USERS')).toBe('USERS alice, bob, carol');
  });

  it('a whisper to oneself arrives once', async () => {
    const alice = await messengerUser(port, 'alice');
    expect(await ask(alice, 'WHISPER alice note')).toBe('WHISPER alice alice note');
    expect(await ask(alice, 'USERS')).toBe('USERS alice');
  });

  it('a whisper to someone not online gets ERROR NO-SUCH-USER', async () => {
    const alice = await messengerUser(port, 'alice');
    expect(await ask(alice, 'WHISPER ghost boo')).toMatch(/^ERROR NO-SUCH-USER( |$)/);
  });

  it('USERS lists everyone online, sorted by code point, joined by ", "', async () => {
    const bob = await messengerUser(port, 'bob');
    await messengerUser(port, 'alice');
    await messengerUser(port, 'Zed');
    expect(await bob.next()).toBe('JOINED alice');
    expect(await bob.next()).toBe('JOINED Zed');
    expect(await ask(bob, 'USERS')).toBe('USERS Zed, alice, bob');
  });

  it('unknown verbs get ERROR UNKNOWN-COMMAND and missing arguments ERROR BAD-ARGUMENTS', async () => {
    const alice = await messengerUser(port, 'alice');
    expect(await ask(alice, 'DANCE now')).toMatch(/^ERROR UNKNOWN-COMMAND( |$)/);
    expect(await ask(alice, 'broadcast lower case')).toMatch(/^ERROR UNKNOWN-COMMAND( |$)/);
    expect(await ask(alice, 'WHISPER alice')).toMatch(/^ERROR BAD-ARGUMENTS( |$)/);
    expect(await ask(alice, 'BROADCAST')).toMatch(/^ERROR BAD-ARGUMENTS( |$)/);
    expect(await ask(alice, 'USERS')).toBe('USERS alice');
  });
});

describe('leaving', () => {
  it('QUIT is answered with BYE, then the server closes, and the others get LEFT user quit', async () => {
    const alice = await messengerUser(port, 'alice');
    const bob = await messengerUser(port, 'bob');
    expect(await alice.next()).toBe('JOINED bob');
    expect(await ask(bob, 'QUIT see you')).toMatch(/^BYE( |$)/);
    await bob.closed();
    expect(await alice.next()).toBe('LEFT bob quit');
    expect(await ask(alice, 'USERS')).toBe('USERS alice');
  });

  it('QUIT before NAME is answered with BYE and closes', async () => {
    const c = await client(port);
    expect(await ask(c, 'QUIT')).toMatch(/^BYE( |$)/);
    await c.closed();
  });

  it('a connection that drops without QUIT makes the others get LEFT user lost', async () => {
    const alice = await messengerUser(port, 'alice');
    const bob = await messengerUser(port, 'bob');
    expect(await alice.next()).toBe('JOINED bob');
    bob.socket.destroy();
    expect(await alice.next()).toBe('LEFT bob lost');
    // the name is free again
    await messengerUser(port, 'bob');
    expect(await alice.next()).toBe('JOINED bob');
  });
});
