// What reaches server.log, the console, `chat-server tail` and a recording: a client's control characters
// only escaped, never a password, and files only their owner can read.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { SERVER_ENTRY, tempDir } from '../support/server.js';
import { ask, cleanup, cleanupAll, client, server } from './helpers.js';

afterEach(cleanup);
afterAll(cleanupAll);

/** Every character a client may send that must never reach a terminal raw. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
const SECRETS = ['tabsecret', 'lowersecret', 'spacesecret', 'nbspsecret', 'messengersecret'];

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

it('a client’s controls reach server.log, the console, tail and a recording only escaped, and no REGISTER or LOGIN line leaves its password', async () => {
  const dir = tempDir();
  const recording = join(dir, 'traffic.rec');
  const s = await server({ dir, args: ['--record', recording] });
  const ann = await client(s.port);
  expect(await ask(ann, 'REGISTER ann right')).toBe('RESULT REGISTER 1');
  expect(await ask(ann, 'LOGIN ann right')).toBe('RESULT LOGIN 1');
  expect(await ask(ann, 'CREATE room')).toBe('RESULT CREATE room 1');
  expect(await ask(ann, 'JOIN room')).toBe('RESULT JOIN room 1');
  // text a terminal would obey: reversed text, isolates, a line separator, a C1 CSI as a verb, ESC and DEL in a verb
  ann.send('SAY room evil\u202eexe.txt\u2066 \u2028\u2029 next \u200f\u061c');
  expect(await ann.next()).toMatch(/^RECV ann room evil/);
  ann.send('\u009b31mRED');
  ann.send('\u001b[2J\u007f');
  // password lines the table does not know: a tab, lower case, two spaces, a no-break space
  ann.send('LOGIN\tbob\ttabsecret');
  ann.send('login bob lowersecret');
  ann.send('REGISTER  bob spacesecret');
  ann.send('LOGIN\u00a0bob\u00a0nbspsecret');
  // (the one the table knows has an argument too many: its failure; the others are unknown verbs, ignored)
  expect(await ann.next()).toBe('RESULT REGISTER 0');
  const messenger = await client(s.port);
  expect(await ask(messenger, 'NAME mia')).toMatch(/^WELCOME mia /);
  messenger.send('login\tmia\tmessengersecret');
  expect(await messenger.next()).toMatch(/^ERROR UNKNOWN-COMMAND/);
  expect(await ask(ann, 'CHANNELS')).toBe('RESULT CHANNELS room');
  expect(await s.stop('SIGTERM')).toBe(0);

  const log = readFileSync(join(s.dir, 'server.log'), 'utf8');
  const tail = spawnSync(process.execPath, [SERVER_ENTRY, 'tail', join(s.dir, 'server.log'), '--no-follow'], { encoding: 'utf8', timeout: 10_000 });
  const shown = { 'server.log': log, console: s.stdout(), tail: tail.stdout, recording: readFileSync(recording, 'utf8') };
  for (const [where, text] of Object.entries(shown)) {
    for (const secret of SECRETS) expect(text, `${secret} in ${where}`).not.toContain(secret);
    expect(UNSAFE.exec(text)?.[0].codePointAt(0)?.toString(16), `a raw control in ${where}`).toBeUndefined();
  }
  // every field of every record, once parsed, holds no control either (JSON's own escapes would decode to one)
  for (const line of log.trim().split('\n')) {
    for (const field of strings(JSON.parse(line))) expect(UNSAFE.test(field), field).toBe(false);
  }
  // escaped, not dropped: the reversed text is there to see
  expect(log).toContain('evil\\\\xe2\\\\x80\\\\xaeexe.txt');
  expect(shown.tail).toContain('evil\\xe2\\x80\\xaeexe.txt');
  expect(shown.recording).toMatch(/^c\d+ >> SAY room\$? evil\\xe2\\x80\\xaeexe\.txt/m);
  expect(shown.recording).toMatch(/^c\d+ << RECV ann\$? room\$? evil\\xe2\\x80\\xaeexe\.txt/m);
  expect(tail.status, tail.stderr).toBe(0);
}, 60_000);

it('the database, server.log and a recording are created readable by their owner only, in folders the server creates 0700', async () => {
  const dir = tempDir();
  const nested = join(dir, 'new', 'place');
  const s = await server({ dir, args: ['--record', join(nested, 'traffic.rec')], env: { CHAT_DB: join(nested, 'chat.db'), CHAT_LOG: join(dir, 'logs', 'server.log') } });
  const c = await client(s.port);
  expect(await ask(c, 'REGISTER ann right')).toBe('RESULT REGISTER 1');
  expect(await s.stop('SIGTERM')).toBe(0);
  const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
  expect(mode(join(nested, 'chat.db'))).toBe('600');
  expect(mode(join(nested, 'traffic.rec'))).toBe('600');
  expect(mode(join(dir, 'logs', 'server.log'))).toBe('600');
  expect(mode(join(dir, 'new'))).toBe('700');
  expect(mode(nested)).toBe('700');
  expect(mode(join(dir, 'logs'))).toBe('700');
}, 30_000);
