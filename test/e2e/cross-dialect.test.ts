// One server, three dialects, one namespace of online users. A server per test (presence notices are global).
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { ask, channelsUser, cleanup, cleanupAll, client, directUser, messengerUser, server } from '../support/process.js';

let port: number;
beforeEach(async () => { ({ port } = await server()); });
afterEach(cleanup);
afterAll(cleanupAll);

it('a name online in the direct dialect is taken for messenger NAME and channels LOGIN', async () => {
  await directUser(port, 'dora');
  const m = await client(port);
  expect(await ask(m, 'NAME dora')).toMatch(/^ERROR NAME-TAKEN( |$)/);
  const c = await client(port);
  expect(await ask(c, 'REGISTER dora pw')).toBe('RESULT REGISTER 1');
  expect(await ask(c, 'LOGIN dora pw')).toBe('RESULT LOGIN 0');
});

it('names online in messenger or channels are IN-USE for HELLO-FROM, and a messenger rename cannot take them', async () => {
  const m = await messengerUser(port, 'mia');
  await channelsUser(port, 'carl');
  expect(await m.next()).toBe('JOINED carl');
  for (const name of ['mia', 'carl']) {
    const d = await client(port);
    expect(await ask(d, `HELLO-FROM ${name}`)).toBe('IN-USE');
    await d.closed();
  }
  expect(await ask(m, 'NAME carl')).toMatch(/^ERROR NAME-TAKEN( |$)/);
});

it('LIST (in login order) and USERS (sorted) list everyone online in every dialect', async () => {
  const d = await directUser(port, 'dora');
  await channelsUser(port, 'carl');
  const m = await messengerUser(port, 'mia');
  expect(await ask(d, 'LIST')).toBe('LIST-OK dora,carl,mia');
  expect(await ask(m, 'USERS')).toBe('USERS carl, dora, mia');
});

it('messenger users see JOINED and LEFT for users of the other dialects', async () => {
  const m = await messengerUser(port, 'mia');
  const d = await directUser(port, 'dora');
  expect(await m.next()).toBe('JOINED dora');
  const c = await channelsUser(port, 'carl');
  expect(await m.next()).toBe('JOINED carl');
  d.close();
  expect(await m.next()).toMatch(/^LEFT dora (quit|lost)$/);
  c.close();
  expect(await m.next()).toMatch(/^LEFT carl (quit|lost)$/);
});

it('a direct SEND to a messenger user arrives as WHISPER from to text, and the sender gets SEND-OK', async () => {
  const m = await messengerUser(port, 'mia');
  const d = await directUser(port, 'dora');
  expect(await m.next()).toBe('JOINED dora');
  expect(await ask(d, 'SEND mia   hi from the direct side  ')).toBe('SEND-OK');
  expect(await m.next()).toBe('WHISPER dora mia hi from the direct side');
});

it('a messenger WHISPER to a direct user arrives as DELIVERY from text, echoed to the sender', async () => {
  const m = await messengerUser(port, 'mia');
  const d = await directUser(port, 'dora');
  expect(await m.next()).toBe('JOINED dora');
  expect(await ask(m, 'WHISPER dora hi from messenger')).toBe('WHISPER mia dora hi from messenger');
  expect(await d.next()).toBe('DELIVERY mia hi from messenger');
});

it('a SEND or WHISPER to a user only in the channels dialect fails as no such user', async () => {
  const c = await channelsUser(port, 'carl');
  const m = await messengerUser(port, 'mia');
  const d = await directUser(port, 'dora');
  expect(await m.next()).toBe('JOINED dora');
  expect(await ask(d, 'SEND carl hello')).toBe('BAD-DEST-USER');
  expect(await ask(m, 'WHISPER carl hello')).toMatch(/^ERROR NO-SUCH-USER( |$)/);
  // carl received nothing: his next line answers his own command
  expect(await ask(c, 'CHANNELS')).toBe('RESULT CHANNELS');
});

it('a messenger BROADCAST does not reach direct or channels users', async () => {
  const c = await channelsUser(port, 'carl');
  const d = await directUser(port, 'dora');
  const m = await messengerUser(port, 'mia');
  expect(await ask(m, 'BROADCAST hello world')).toBe('BROADCAST mia hello world');
  expect(await ask(d, 'LIST')).toBe('LIST-OK carl,dora,mia');
  expect(await ask(c, 'CHANNELS')).toBe('RESULT CHANNELS');
});
