// `chat-server check` against live servers: this server passes every rule it can check; a deliberately broken
// server fails exactly the rules it breaks; the JSON, the exit codes, --only/--skip and the not-checked rules;
// the cross-dialect suite against this server with its defaults and against one whose dialects keep separate names.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, rulesMarked, startScriptServer } from '../support/check.js';
import { removeTempDirs, runServerToExit, startServerProcess, tempDir, type ServerProcess } from '../support/server.js';

const BROKEN_DIRECT = resolve(import.meta.dirname, '../support/broken-direct-server.mjs');
const BROKEN_CHANNELS = resolve(import.meta.dirname, '../support/broken-channels-server.mjs');
const BROKEN_CROSS = resolve(import.meta.dirname, '../support/broken-cross-dialect-server.mjs');
const started: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  removeTempDirs();
});

async function ourServer(maxUsers: number): Promise<ServerProcess> {
  const server = await startServerProcess({ args: ['--max-users', String(maxUsers)] });
  started.push(server);
  return server;
}

describe.concurrent('chat-server check against this server', () => {
  it.each([
    ['direct', ['direct/SEND-ok-after-write']],
    ['channels', ['channels/CHANNELS-none']],
    ['messenger', []],
  ])('passes every %s rule it can check, says why it leaves the others, and exits 1 while any is not checked', async (dialect, notChecked) => {
    const server = await ourServer(3);
    const json = join(tempDir(), 'report.json');
    const { code, stdout, stderr } = await runCheck([`127.0.0.1:${server.port}`, '--dialect', dialect, '--max-users', '3', '--max-line', '8192', '--json', json]);
    expect(stderr).toBe('');
    expect(rulesMarked(stdout, '✗'), stdout).toEqual([]);
    expect(rulesMarked(stdout, '-')).toEqual(notChecked);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { pass: number; fail: number; total: number };
    expect(report.fail).toBe(0);
    expect(report.pass).toBe(report.total - notChecked.length);
    expect(stdout).toContain(`${report.pass} of ${report.total} rules pass${notChecked.length ? `, ${notChecked.length} not checked (--skip ${notChecked.join(',')} leaves it out)` : ''}\n`);
    expect(code).toBe(notChecked.length ? 1 : 0);
  }, 120_000);
});

describe.concurrent('chat-server check --with cross-dialect', () => {
  it('passes every rule against this server started with its defaults (one auto port), exit 0', async () => {
    const server = await startServerProcess();
    started.push(server);
    const { code, stdout } = await runCheck([`127.0.0.1:${server.port}`, '--with', 'cross-dialect']);
    expect(rulesMarked(stdout, '✗'), stdout).toEqual([]);
    expect(rulesMarked(stdout, '✓')).toHaveLength(11);
    expect(stdout).toContain('11 of 11 rules pass\n');
    expect(code).toBe(0);
  }, 120_000);

  it('a server whose dialects keep separate name lists fails exactly the name rules, each dialect on its own port', async () => {
    const broken = await startScriptServer(BROKEN_CROSS);
    try {
      const port = (dialect: string) => new RegExp(`:(\\d+) ${dialect}`).exec(broken.line)![1];
      const { code, stdout } = await runCheck([`127.0.0.1:${port('direct')}`, '--with', 'cross-dialect', '--messenger-port', port('messenger'), '--channels-port', port('channels')]);
      expect(rulesMarked(stdout, '✗'), stdout).toEqual(['cross-dialect/NAMES-channels', 'cross-dialect/NAMES-direct-messenger']);
      expect(stdout).toMatch(/^ {6}x < WELCOME dora(\w+) .*\n {6}line \d+ \(x\): expected the line to start with "ERROR NAME-TAKEN"/m);
      expect(stdout).toContain('9 of 11 rules pass, 2 fail\n');
      expect(code).toBe(1);
    } finally {
      await broken.stop();
    }
  }, 120_000);
});

describe.concurrent('chat-server check --with federation, the checker playing a peer server', () => {
  it('passes every federation rule against this server named s1 with 127.0.0.2 in its peers file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'peers.txt'), '127.0.0.2:1\n');
    const server = await startServerProcess({ dir, args: ['--peers', join(dir, 'peers.txt'), '--name', 's1'] });
    started.push(server);
    const { code, stdout } = await runCheck([`127.0.0.1:${server.port}`, '--dialect', 'channels', '--with', 'federation', '--name', 's1', '--only', 'federation']);
    expect(rulesMarked(stdout, '✗'), stdout).toEqual([]);
    expect(rulesMarked(stdout, '-')).toEqual([]);
    expect(rulesMarked(stdout, '✓')).toContain('federation/FEDSAY-remote-member');
    expect(code).toBe(0);
  }, 120_000);

  it('without --name, the federation rules are not checked, and say why', async () => {
    const server = await ourServer(3);
    const { code, stdout } = await runCheck([`127.0.0.1:${server.port}`, '--dialect', 'channels', '--with', 'federation', '--only', 'federation/FEDERATE-confirm']);
    expect(stdout).toContain("not checked: it needs the server's federation name: pass --name NAME");
    expect(stdout).toContain('0 of 1 rules pass, 1 not checked (--name NAME checks it; --skip federation/FEDERATE-confirm leaves it out)\n');
    expect(code).toBe(1);
  }, 120_000);
});

describe.concurrent('chat-server replay of a suite file', () => {
  it('plays each @clause case on its own, in-process, with the same matching as check', async () => {
    const suite = resolve(import.meta.dirname, '../../conformance/messenger.rec');
    const { code, stdout } = await runServerToExit(['replay', suite]);
    expect(stdout).toMatch(/^✓ .*messenger\.rec: (\d+) clauses, \1 passed, 0 failed, 0 skipped$/m);
    expect(code).toBe(0);
  }, 120_000);
});

describe.concurrent('chat-server check against a broken server', () => {
  it('fails exactly the rules it breaks (LIST-OK order, SEND-OK before the DELIVERY to oneself), with the exchange; exit 1', async () => {
    const broken = await startScriptServer(BROKEN_DIRECT, ['3']);
    try {
      const json = join(tempDir(), 'report.json');
      const { code, stdout } = await runCheck([`127.0.0.1:${broken.port}`, '--dialect', 'direct', '--max-users', '3', '--json', json], 90_000, { NO_COLOR: '' });
      expect(rulesMarked(stdout, '✗')).toEqual(['direct/LIST-order', 'direct/SEND-self']);
      expect(stdout).toMatch(/^ {6}b < LIST-OK Bob(\w+),amy\1,zed\1$/m);
      expect(stdout).toMatch(/^ {6}line \d+ \(b\): expected the line to be "LIST-OK zed(\w+),Bob\1,amy\1"; after "LIST-OK " it has "Bob/m);
      expect(stdout).toContain('21 of 24 rules pass, 2 fail, 1 not checked (--skip direct/SEND-ok-after-write leaves it out)\n');
      expect(stdout).not.toContain('\x1b[');
      const report = JSON.parse(readFileSync(json, 'utf8')) as { rules: { id: string; status: string; exchange?: string[] }[] };
      expect(report.rules.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual(['direct/LIST-order', 'direct/SEND-self']);
      expect(report.rules.find((r) => r.id === 'direct/SEND-self')!.exchange!.at(-1)).toBe('a < SEND-OK');
      expect(code).toBe(1);
    } finally {
      await broken.stop();
    }
  }, 120_000);

  it('a channels server that accepts a second JOIN fails channels/JOIN-twice and nothing else', async () => {
    const broken = await startScriptServer(BROKEN_CHANNELS);
    try {
      const { code, stdout } = await runCheck([`127.0.0.1:${broken.port}`, '--dialect', 'channels']);
      expect(rulesMarked(stdout, '✗'), stdout).toEqual(['channels/JOIN-twice']);
      expect(rulesMarked(stdout, '-')).toEqual(['channels/CHANNELS-none']);
      expect(stdout).toMatch(/^ {6}a < RESULT JOIN room(\w+) 1\n {6}line \d+ \(a\): expected the line to be "RESULT JOIN room\1 0"/m);
      expect(code).toBe(1);
    } finally {
      await broken.stop();
    }
  }, 120_000);

  it('--only and --skip pick rules by id or by its beginning; every selected rule passing exits 0; a wrong command line exits 2', async () => {
    const broken = await startScriptServer(BROKEN_DIRECT, ['3']);
    try {
      const only = await runCheck([`127.0.0.1:${broken.port}`, '--dialect', 'direct', '--only', 'direct/SEND', '--skip', 'direct/SEND-self,direct/SEND-long,direct/SEND-ok-after-write']);
      expect([...rulesMarked(only.stdout, '✓'), ...rulesMarked(only.stdout, '✗'), ...rulesMarked(only.stdout, '-')].sort())
        .toEqual(['direct/SEND-body-first', 'direct/SEND-delivery', 'direct/SEND-trim', 'direct/SEND-unknown']);
      expect(only.stdout).toContain('4 of 4 rules pass\n');
      expect(only.code).toBe(0);
      const bad = await runCheck(['127.0.0.1', '--dialect', 'direct']);
      expect(bad.stderr).toContain('HOST:PORT');
      expect(bad.code).toBe(2);
      const badPort = await runCheck([`127.0.0.1:${broken.port}`, '--with', 'cross-dialect', '--messenger-port', 'none']);
      expect(badPort.stderr).toContain('--messenger-port');
      expect(badPort.code).toBe(2);
    } finally {
      await broken.stop();
    }
  }, 120_000);

  it('says when nothing answers, per rule, within --timeout', async () => {
    const broken = await startScriptServer(BROKEN_DIRECT, ['3']);
    await broken.stop(); // nothing listens on its port now
    const { code, stdout } = await runCheck([`127.0.0.1:${broken.port}`, '--dialect', 'direct', '--only', 'direct/LIST-order', '--timeout', '500']);
    expect(stdout).toMatch(/✗ direct\/LIST-order[\s\S]*could not connect to 127\.0\.0\.1:\d+/);
    expect(code).toBe(1);
  }, 120_000);
});
