// `chat-server tail`: a log written by hand here, read by the real entry point as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, runServerToExit, SERVER_ENTRY, tempDir } from '../support/server.js';

const running: ChildProcess[] = [];
afterEach(() => { for (const child of running.splice(0)) child.kill('SIGKILL'); });
afterAll(removeTempDirs);

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
/** How long tail may take to say or print something: a bound, not a wait (a busy machine starts node slowly). */
const SHOW_MS = 30_000;
const record = (fields: Record<string, unknown>) => `${JSON.stringify({ level: 30, time: new Date().toISOString(), ...fields })}\n`;

/** `chat-server tail …` following a file: what it printed so far, and a way to wait for more. */
function follow(args: readonly string[]) {
  const child = spawn(process.execPath, [SERVER_ENTRY, 'tail', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  return {
    output: () => out,
    /** Resolves once tail said it waits for `file` (at most SHOW_MS); fails if it exited instead. */
    waitsFor: (file: string) => new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`tail never said it waits; stderr:\n${err}`)), SHOW_MS);
      child.once('exit', (code) => fail(new Error(`tail exited ${code}: ${err}`)));
      const look = () => { if (err.includes(`no log at ${file} yet; waiting for it`)) { clearTimeout(timer); child.stderr.off('data', look); done(); } };
      child.stderr.on('data', look);
      look();
    }),
    /** Resolves once the output holds `text` (at most SHOW_MS). */
    shows: (text: string) => new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`tail never printed ${JSON.stringify(text)}; it printed:\n${out}`)), SHOW_MS);
      const look = () => { if (out.includes(text)) { clearTimeout(timer); child.stdout.off('data', look); done(); } };
      child.stdout.on('data', look);
      look();
    }),
  };
}

function logFile(): string {
  const file = join(tempDir(), 'server.log');
  writeFileSync(file, record({ msg: 'server started' }));
  return file;
}

describe('following server.log', () => {
  it('prints what is there human-readably, then each new line once it is whole', async () => {
    const file = logFile();
    const tail = follow([file]);
    await tail.shows('INFO  server started');
    const line = record({ level: 40, msg: 'written in two pieces' });
    appendFileSync(file, line.slice(0, 20));
    appendFileSync(file, line.slice(20));
    await tail.shows('WARN  written in two pieces');
    expect(tail.output().split('\n').filter((l) => l.includes('two pieces'))).toHaveLength(1);
  });

  it('waits for a log that is not there yet (started before the server), then follows it', async () => {
    const file = join(tempDir(), 'server.log');
    const tail = follow([file]);
    await tail.waitsFor(file);
    writeFileSync(file, record({ msg: 'server started later' }));
    await tail.shows('INFO  server started later');
  });

  it('goes on from the top when the file is truncated', async () => {
    const file = logFile();
    const tail = follow([file]);
    await tail.shows('server started');
    truncateSync(file, 0);
    appendFileSync(file, record({ msg: 'after truncation' }));
    await tail.shows('after truncation');
  });

  it('finishes the old file and reads the new one when logrotate moves it away', async () => {
    const file = logFile();
    const tail = follow([file]);
    await tail.shows('server started');
    appendFileSync(file, record({ msg: 'last line of the old file' }));
    renameSync(file, `${file}.1`);
    writeFileSync(file, record({ msg: 'first line of the new file' }));
    await tail.shows('first line of the new file');
    expect(tail.output()).toContain('last line of the old file');
  });
});

describe('filters', () => {
  const file = () => {
    const path = join(tempDir(), 'server.log');
    writeFileSync(path, [
      record({ time: minutesAgo(120), event: 'login', user: 'alice', msg: 'alice logged in (old)' }),
      record({ event: 'message', user: 'bob', to: 'alice', text: 'hi', msg: 'bob to alice: hi' }),
      record({ event: 'message', user: 'carl', channel: 'lobby', text: 'yo', msg: 'carl in lobby: yo' }),
      record({ level: 40, event: 'slowReader', msg: 'dropped connection c9' }),
      'not a JSON line\n',
    ].join(''));
    return path;
  };
  const shown = async (...args: string[]) => {
    const result = await runServerToExit(['tail', file(), '--no-follow', ...args]);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.trim().split('\n');
  };

  it('--user shows records by or for that user', async () => {
    expect(await shown('--user', 'alice')).toEqual([expect.stringMatching(/alice logged in \(old\)$/), expect.stringMatching(/bob to alice: hi$/)]);
  });

  it('--channel, --level and --since narrow it down', async () => {
    expect(await shown('--channel', 'lobby')).toEqual([expect.stringMatching(/carl in lobby: yo$/)]);
    expect(await shown('--level', 'warn')).toEqual([expect.stringMatching(/WARN  dropped connection c9$/)]);
    expect(await shown('--since', '1h')).toHaveLength(3);
  });

  it('--json passes the raw lines through; no filter shows every line', async () => {
    const raw = await shown('--json', '--user', 'bob');
    expect(JSON.parse(raw[0]!)).toMatchObject({ user: 'bob', to: 'alice' });
    expect(await shown()).toHaveLength(5);
  });
});

describe('tail on the command line', () => {
  it('tail --help explains tail and exits 0', async () => {
    const { code, stdout } = await runServerToExit(['tail', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--user', '--channel', '--level', '--since', '--json']) expect(stdout).toContain(flag);
  });

  it('a missing log or a bad flag is one line and a non-zero exit', async () => {
    const missing = await runServerToExit(['tail', '/nonexistent/server.log']);
    expect([missing.code, missing.stderr]).toEqual([1, 'tail: no log at /nonexistent/server.log — pass the file, or set CHAT_LOG\n']);
    const bad = await runServerToExit(['tail', '--level', 'loud']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^tail: --level must be one of/);
  });
});
