// Accounts and channels survive a restart: a clean one (SIGTERM) and a crash (SIGKILL) right after the replies.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { ask, cleanup, cleanupAll, client, server } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

it('after SIGTERM and a restart, accounts log in, channels are listed, and their names stay taken', async () => {
  const first = await server();
  const c = await client(first.port);
  expect(await ask(c, 'REGISTER alice s3cret')).toBe('RESULT REGISTER 1');
  expect(await ask(c, 'REGISTER 張三 密碼')).toBe('RESULT REGISTER 1');
  expect(await ask(c, 'LOGIN alice s3cret')).toBe('RESULT LOGIN 1');
  expect(await ask(c, 'CREATE general')).toBe('RESULT CREATE general 1');
  expect(await ask(c, 'CREATE 頻道')).toBe('RESULT CREATE 頻道 1');
  expect(await first.stop('SIGTERM')).toBe(0);

  const second = await server({ dir: first.dir });
  const again = await client(second.port);
  expect(await ask(again, 'CHANNELS')).toBe('RESULT CHANNELS general, 頻道');
  expect(await ask(again, 'REGISTER alice other')).toBe('RESULT REGISTER 0');
  expect(await ask(again, 'LOGIN alice wrong')).toBe('RESULT LOGIN 0');
  expect(await ask(again, 'LOGIN alice s3cret')).toBe('RESULT LOGIN 1');
  expect(await ask(again, 'CREATE general')).toBe('RESULT CREATE general 0');
  expect(await ask(again, 'JOIN general')).toBe('RESULT JOIN general 1');
  expect(await ask(again, 'SAY general back again')).toBe('RECV alice general back again');
  const cjk = await client(second.port);
  expect(await ask(cjk, 'LOGIN 張三 密碼')).toBe('RESULT LOGIN 1');
});

it('accounts and channels confirmed just before a SIGKILL are all there after a restart', async () => {
  const first = await server({ args: ['--max-users', '64'] });
  const names = Array.from({ length: 20 }, (_, i) => `user${i}`);
  const registrars = await Promise.all(names.map(() => client(first.port)));
  registrars.forEach((c, i) => c.send(`REGISTER ${names[i]} pw-${names[i]}`));
  const creator = await client(first.port);
  expect(await ask(creator, 'REGISTER creator pw')).toBe('RESULT REGISTER 1');
  expect(await ask(creator, 'LOGIN creator pw')).toBe('RESULT LOGIN 1');
  const channels = ['c1', 'c2', 'c3', 'c4', 'c5'];
  creator.raw(channels.map((ch) => `CREATE ${ch}\n`).join(''));
  const replies = await Promise.all([
    ...registrars.map((c) => c.next()),
    ...channels.map(() => creator.next()),
  ]);
  expect(replies.slice(0, names.length)).toEqual(names.map(() => 'RESULT REGISTER 1'));
  expect(replies.slice(names.length)).toEqual(channels.map((ch) => `RESULT CREATE ${ch} 1`));
  expect(await first.stop('SIGKILL')).toBeNull(); // killed, no shutdown work at all

  const second = await server({ dir: first.dir, args: ['--max-users', '64'] });
  const logins = await Promise.all(names.map(async (name) => ask(await client(second.port), `LOGIN ${name} pw-${name}`)));
  expect(logins).toEqual(names.map(() => 'RESULT LOGIN 1'));
  const observer = await client(second.port);
  expect(await ask(observer, 'CHANNELS')).toBe(`RESULT CHANNELS ${channels.join(', ')}`);
});

it('an account’s channel quota counts the channels it created before a restart (CHAT_MAX_CHANNELS_PER_USER)', async () => {
  const env = { CHAT_MAX_CHANNELS_PER_USER: '2' };
  const first = await server({ env });
  const c = await client(first.port);
  expect(await ask(c, 'REGISTER alice s3cret')).toBe('RESULT REGISTER 1');
  expect(await ask(c, 'LOGIN alice s3cret')).toBe('RESULT LOGIN 1');
  expect(await ask(c, 'CREATE one')).toBe('RESULT CREATE one 1');
  expect(await ask(c, 'CREATE two')).toBe('RESULT CREATE two 1');
  expect(await first.stop('SIGKILL')).toBeNull();

  const second = await server({ dir: first.dir, env });
  const again = await client(second.port);
  expect(await ask(again, 'LOGIN alice s3cret')).toBe('RESULT LOGIN 1');
  expect(await ask(again, 'CREATE three')).toBe('RESULT CREATE three 0');
  // another account has its own quota
  expect(await ask(again, 'REGISTER bob pw')).toBe('RESULT REGISTER 1');
  const bob = await client(second.port);
  expect(await ask(bob, 'LOGIN bob pw')).toBe('RESULT LOGIN 1');
  expect(await ask(bob, 'CREATE three')).toBe('RESULT CREATE three 1');
});

it('a corrupt line and a torn last line in the database are reported at warn level on start, and lose no other record', async () => {
  const first = await server();
  const c = await client(first.port);
  for (let i = 0; i < 12; i++) expect(await ask(c, `REGISTER user${i} pw${i}`)).toBe('RESULT REGISTER 1');
  expect(await first.stop('SIGTERM')).toBe(0);
  // a line garbled in the middle, and a write cut short at the end (as kill -9 during an append leaves it)
  const file = join(first.dir, 'chat.db');
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.splice(3, 0, '{"_id":"account:ghost","kind":"acc\u0000\u0000garbage');
  writeFileSync(file, lines.join('\n') + '{"_id":"account:torn","kind":"account","na');

  const second = await server({ dir: first.dir });
  const again = await client(second.port);
  expect(await ask(again, 'LOGIN user11 pw11')).toBe('RESULT LOGIN 1');
  // a record written after the torn line is intact on the next start
  expect(await ask(again, 'REGISTER late pw')).toBe('RESULT REGISTER 1');
  expect(await second.stop('SIGKILL')).not.toBe(0);
  const warnings = readFileSync(join(first.dir, 'server.log'), 'utf8').split('\n').filter((l) => l.includes('"event":"storeDamaged"'));
  expect(warnings).toHaveLength(1);
  expect(JSON.parse(warnings[0])).toMatchObject({ level: 40, corrupt: 1, torn: true, file });
  expect(JSON.parse(warnings[0]).msg).toContain(file);

  const third = await server({ dir: first.dir });
  const last = await client(third.port);
  expect(await ask(last, 'LOGIN late pw')).toBe('RESULT LOGIN 1');
  expect(await ask(last, 'LOGIN user0 pw0')).toBe('RESULT LOGIN 0'); // already logged in on this connection
});

it('a crash that tore the only write after the first one does not keep the server from starting', async () => {
  const first = await server();
  const c = await client(first.port);
  expect(await ask(c, 'REGISTER solo pw')).toBe('RESULT REGISTER 1');
  expect(await first.stop('SIGTERM')).toBe(0);
  const file = join(first.dir, 'chat.db');
  writeFileSync(file, readFileSync(file, 'utf8') + '{"_id":"channel:lobby","ki'); // 1 torn line in 2: NeDB alone refuses past 10%
  const second = await server({ dir: first.dir });
  const again = await client(second.port);
  expect(await ask(again, 'LOGIN solo pw')).toBe('RESULT LOGIN 1');
  expect(readFileSync(join(first.dir, 'server.log'), 'utf8')).toContain('"event":"storeDamaged"');
});
