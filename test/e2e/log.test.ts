// server.log (pino JSON lines at CHAT_LOG): what a session leaves behind, and that passwords never appear.
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { LineClient } from '../support/client.js';
import type { ServerProcess } from '../support/server.js';
import { ask, cleanup, cleanupAll, client, directUser, messengerUser, server } from '../support/process.js';

afterEach(cleanup);
afterAll(cleanupAll);

/** Reads lines (at most 20) until one starts with `prefix`. */
async function skipUntil(c: LineClient, prefix: string): Promise<void> {
  for (let i = 0; i < 20; i++) if ((await c.next()).startsWith(prefix)) return;
  throw new Error(`no line starting with ${prefix}`);
}

type LogRecord = Record<string, unknown> & { level: number; time: string; msg: string };

/** The records of server.log, each line checked to be a pino JSON record. */
function records(s: ServerProcess): LogRecord[] {
  const text = readFileSync(join(s.dir, 'server.log'), 'utf8');
  return text.trim().split('\n').map((line) => {
    const record = JSON.parse(line) as LogRecord;
    expect(typeof record.level).toBe('number');
    expect(typeof record.time).toBe('string');
    expect(typeof record.msg).toBe('string');
    return record;
  });
}

it('records start and stop, every connection with its address and port, logins, logouts and every message', async () => {
  const s = await server();
  const mia = await messengerUser(s.port, 'mia');
  const max = await messengerUser(s.port, 'max');
  const dora = await directUser(s.port, 'dora');
  const carl = await client(s.port);
  expect(await ask(carl, 'REGISTER carl pw')).toBe('RESULT REGISTER 1');
  expect(await ask(carl, 'LOGIN carl pw')).toBe('RESULT LOGIN 1');
  expect(await ask(carl, 'CREATE lobby')).toBe('RESULT CREATE lobby 1');
  expect(await ask(carl, 'JOIN lobby')).toBe('RESULT JOIN lobby 1');
  expect(await ask(carl, 'SAY lobby hello lobby 你好')).toBe('RECV carl lobby hello lobby 你好');
  mia.send('BROADCAST hello everyone');
  mia.send('WHISPER max a secret for max');
  expect(await ask(dora, 'SEND mia hi mia from dora')).toBe('SEND-OK');
  // max quits, dora's connection drops: both must be logged out
  const ports = new Map<string, number>([mia, max, dora, carl].map((c, i) => [['mia', 'max', 'dora', 'carl'][i], c.socket.localPort!]));
  max.send('QUIT bye');
  await skipUntil(max, 'BYE');
  await max.closed();
  dora.socket.destroy();
  await skipUntil(mia, 'LEFT dora');
  expect(await s.stop('SIGTERM')).toBe(0);

  const log = records(s);
  const find = (what: string, match: (r: LogRecord) => boolean) => {
    const found = log.find(match);
    expect(found, `${what} in ${JSON.stringify(log, null, 1)}`).toBeDefined();
    return found!;
  };
  const start = find('start', (r) => r.event === 'start');
  expect(start.port).toBe(s.port);
  const stop = find('stop', (r) => r.event === 'stopped' || r.event === 'stop');
  expect(log.indexOf(stop)).toBeGreaterThan(log.indexOf(start));

  for (const [user, port] of ports) {
    find(`${user}'s connection from 127.0.0.1:${port}`, (r) => r.event === 'connection'
      && ((r.remote as { address?: string; port?: number } | undefined)?.port === port || r.msg.includes(`127.0.0.1:${port}`))
      && JSON.stringify(r).includes('127.0.0.1'));
    find(`${user}'s login`, (r) => r.event === 'login' && r.user === user);
  }
  find('max quit', (r) => r.event === 'logout' && r.user === 'max' && r.how === 'quit');
  find('dora disconnected', (r) => (r.event === 'logout' || r.event === 'disconnect') && r.user === 'dora');

  const message = (who: string, where: string, text: string) => find(`${who} → ${where}: ${text}`, (r) =>
    r.event === 'message' && r.user === who && (r.to === where || r.channel === where) && r.text === text && r.msg.includes(text));
  message('carl', 'lobby', 'hello lobby 你好');
  message('mia', '*', 'hello everyone');
  message('mia', 'max', 'a secret for max');
  message('dora', 'mia', 'hi mia from dora');
});

it('passwords never appear in server.log, on stdout or on stderr, even at LOG_LEVEL=debug', async () => {
  const s = await server({ env: { LOG_LEVEL: 'debug' } });
  const secrets = ['Pw-Register-7f3a9', 'Pw-Wrong-c41d2', 'Pw-Extra-99b1', 'Pw-Unknown-5e6f', 'Pw-Again-0a0b'];
  const c = await client(s.port);
  expect(await ask(c, `REGISTER vera ${secrets[0]}`)).toBe('RESULT REGISTER 1');
  expect(await ask(c, `LOGIN vera ${secrets[1]}`)).toBe('RESULT LOGIN 0');
  expect(await ask(c, `REGISTER eve ${secrets[2]} extra`)).toBe('RESULT REGISTER 0');
  expect(await ask(c, `LOGIN nobody ${secrets[3]}`)).toBe('RESULT LOGIN 0');
  expect(await ask(c, `LOGIN vera ${secrets[0]}`)).toBe('RESULT LOGIN 1');
  expect(await ask(c, `LOGIN vera ${secrets[0]}`)).toBe('RESULT LOGIN 0');
  expect(await ask(c, `REGISTER vera ${secrets[4]}`)).toBe('RESULT REGISTER 0');
  const other = await client(s.port);
  expect(await ask(other, `LOGIN vera ${secrets[0]}`)).toBe('RESULT LOGIN 0'); // online elsewhere
  expect(await s.stop('SIGTERM')).toBe(0);

  const logText = readFileSync(join(s.dir, 'server.log'), 'utf8');
  expect(logText).toMatch(/vera/); // the log did record the session
  for (const secret of secrets) {
    expect(logText).not.toContain(secret);
    expect(s.stdout()).not.toContain(secret);
    expect(s.stderr()).not.toContain(secret);
  }
});

it('SIGHUP opens server.log again after logrotate moved it away, and no client is dropped', async () => {
  const s = await server();
  const mia = await messengerUser(s.port, 'mia');
  const file = join(s.dir, 'server.log');
  renameSync(file, `${file}.1`);
  s.child.kill('SIGHUP');
  await s.waitForStdout(/opened .*server\.log again \(SIGHUP\)/);
  expect(await ask(mia, 'BROADCAST after the rotation')).toBe('BROADCAST mia after the rotation');
  expect(await s.stop('SIGTERM')).toBe(0);

  const before = readFileSync(`${file}.1`, 'utf8');
  const after = readFileSync(file, 'utf8');
  expect(before).toContain('mia logged in');
  expect(after).toContain('"event":"logReopened"');
  expect(after).toContain('mia to everyone: after the rotation');
  expect(before).not.toContain('after the rotation');
});

it('a console that falls behind skips only info lines, says how many, and shows every warning', async () => {
  const s = await server({ env: { CHAT_MAX_CONSOLE_BUFFER: '4096', CHAT_MAX_LINE: '64', CHAT_RATE_LIMIT: '0' } }); // no rate limit: the lines come as fast as they can
  s.child.stdout!.pause(); // nobody reads the console for a while
  const mia = await messengerUser(s.port, 'mia');
  const carl = await client(s.port);
  expect(await ask(carl, 'CHANNELS')).toBe('RESULT CHANNELS');
  const broadcasts = 2000;
  const overlong = 40;
  mia.raw(`BROADCAST ${'x'.repeat(50)}\n`.repeat(broadcasts));
  carl.raw(`${'y'.repeat(100)}\n`.repeat(overlong));
  for (let i = 0; i < broadcasts; i++) await mia.next();
  expect(await ask(carl, 'CHANNELS')).toBe('RESULT CHANNELS'); // every over-long line before it was handled
  s.child.stdout!.resume();
  expect(await s.stop('SIGTERM')).toBe(0);

  const shown = s.stdout().split('\n');
  expect(shown.filter((line) => line.endsWith('WARN  ignored an over-long line'))).toHaveLength(overlong);
  const skipped = shown.map((line) => /skipped (\d+) info lines?; server\.log has every line/.exec(line)?.[1]).filter(Boolean).map(Number);
  expect(skipped.length).toBeGreaterThan(0);
  const infoShown = shown.filter((line) => / INFO  /.test(line)).length;
  const infoLogged = records(s).filter((r) => r.level === 30).length;
  expect(infoShown + skipped.reduce((a, b) => a + b, 0)).toBe(infoLogged);
});
