// The checker's pure parts: the suites against the specs, matching, selection, planning, the report.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCheckArgs, selects } from '../../src/check/args.js';
import { difference } from '../../src/check/match.js';
import { plan } from '../../src/check/plan.js';
import { dialectOf, portOf } from '../../src/check/ports.js';
import { formatReport, jsonReport } from '../../src/check/report.js';
import { exitCode, type CheckRun } from '../../src/check/result.js';
import { clausesOfSpec, instantiate, parseSuite, verbOf } from '../../src/check/suite.js';
import { parseRecording } from '../../src/recording/parse.js';
import { loadSuite } from '../../streams/cli/check/suites.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SPECS = { channels: 'docs/protocols/channels.md', direct: 'docs/protocols/direct.md', messenger: 'protocol.txt', federation: 'docs/protocols/channels.md', 'cross-dialect': 'docs/protocols/cross-dialect.md' } as const;

describe('the suites are the specs', () => {
  it.each(Object.entries(SPECS))('every clause of the %s spec has a case, and every case a clause', (dialect, spec) => {
    const clauses = clausesOfSpec(readFileSync(resolve(ROOT, spec), 'utf8')).filter((id) => id.startsWith(`${dialect}/`));
    const cases = loadSuite(dialect as keyof typeof SPECS).map((c) => c.id);
    expect(clauses.length).toBeGreaterThan(8);
    expect(clauses.filter((id) => !cases.includes(id)), 'clauses of the spec without a case').toEqual([]);
    expect(cases.filter((id) => !clauses.includes(id)), 'cases whose clause the spec does not name').toEqual([]);
  });
});

describe('suite files', () => {
  it('split into cases at @clause, each keeping the file\'s line numbers', () => {
    const parsed = parseSuite('# intro\n\n@clause direct/LIST-order  in login order\na > LIST\n@clause direct/HELLO-FROM-again  again\nb > HELLO-FROM x$\nb < HELLO x$\n', 'f.rec');
    if ('error' in parsed) throw new Error(parsed.error);
    expect(parsed.cases.map((c) => [c.id, c.verb, c.title, c.line])).toEqual([
      ['direct/LIST-order', 'LIST', 'in login order', 3],
      ['direct/HELLO-FROM-again', 'HELLO-FROM', 'again', 5],
    ]);
    const second = instantiate(parsed.cases[1], { tag: 'T' });
    expect(second.events.map((e) => [e.line, e.conn, e.op])).toEqual([[6, 'b', 'send'], [7, 'b', 'expect']]);
    expect(second.events[1]).toMatchObject({ text: 'HELLO xT' });
  });

  it('refuse a bad clause id, a repeated one, and lines before the first clause', () => {
    expect(parseSuite('@clause direct/lower-case x\n', 'f')).toMatchObject({ error: expect.stringContaining('not a clause id') });
    expect(parseSuite('@clause direct/LIST-a x\n@clause direct/LIST-a y\n', 'f')).toMatchObject({ error: expect.stringContaining('has a case already') });
    expect(parseSuite('a > LIST\n@clause direct/LIST-a x\n', 'f')).toMatchObject({ error: expect.stringContaining('before the first @clause') });
  });

  it('fill {overlong} with a text one character over the line limit', () => {
    const parsed = parseSuite('@clause messenger/FRAMING-long x\na > BROADCAST {overlong}\n', 'f');
    if ('error' in parsed) throw new Error(parsed.error);
    const [send] = instantiate(parsed.cases[0], { tag: '', maxLine: 5 }).events;
    expect(new TextDecoder().decode((send as { bytes: Uint8Array }).bytes)).toBe('BROADCAST xxxxxx\n');
  });

  it('group by the verb, dashes and all', () => {
    expect(verbOf('channels/JOIN-twice')).toBe('JOIN');
    expect(verbOf('direct/HELLO-FROM-in-use')).toBe('HELLO-FROM');
  });
});

describe('matching a line', () => {
  it('exact text, with the first difference in words', () => {
    expect(difference('RESULT JOIN a 0', 'RESULT JOIN a 0')).toBeUndefined();
    expect(difference('RESULT JOIN a 0', 'RESULT JOIN a 1')).toBe('expected the line to be "RESULT JOIN a 0"; after "RESULT JOIN a " it has "1" where "0" was expected');
    expect(difference('SEND-OK', 'SEND-OK extra')).toContain('" extra" where the end of the line was expected');
  });

  it('… at the end: the rest is the server\'s own text', () => {
    expect(difference('WELCOME amy …', 'WELCOME amy Hello there')).toBeUndefined();
    expect(difference('WELCOME amy …', 'WELCOME amy')).toBeUndefined();
    expect(difference('WELCOME amy …', 'WELCOME amyx hi')).toBeDefined();
    expect(difference('ERROR NAME-TAKEN …', 'ERROR NAME-INVALID x')).toBeDefined();
  });

  it('⊇: a list holding these items in this order, others between', () => {
    expect(difference('RESULT CHANNELS ⊇ b, d', 'RESULT CHANNELS a, b, c, d')).toBeUndefined();
    expect(difference('RESULT CHANNELS ⊇ d, b', 'RESULT CHANNELS a, b, c, d')).toContain('after the items before it');
    expect(difference('RESULT CHANNELS ⊇ e', 'RESULT CHANNELS a, b')).toContain('to list "e"');
    expect(difference('RESULT CHANNELS ⊇ a', 'RESULT CHANNELS')).toContain('to list "a"');
    expect(difference('LIST-OK ⊇ a', 'USERS a')).toBeDefined();
  });
});

describe('the command line', () => {
  it('reads HOST:PORT, the dialect and the options', () => {
    expect(parseCheckArgs(['127.0.0.1:5378', '--dialect', 'direct', '--only', 'direct/SEND,direct/LIST-order', '--skip', 'direct/SEND-self', '--max-users', '16', '--timeout', '500', '--json', 'out.json']))
      .toEqual({ options: { host: '127.0.0.1', port: 5378, dialect: 'direct', suites: ['direct'], ports: {}, json: 'out.json', timeoutMs: 500, only: ['direct/SEND', 'direct/LIST-order'], skip: ['direct/SEND-self'], maxUsers: 16, list: false, with: [], federation: false } });
    expect(parseCheckArgs(['h:1', '--dialect', 'channels', '--with', 'federation', '--name', 's1'])).toMatchObject({ options: { suites: ['channels', 'federation'], with: ['federation'], federation: true, serverName: 's1' } });
  });

  it('needs no --dialect for the cross-dialect suite alone, and reads the ports of dialects spoken elsewhere', () => {
    expect(parseCheckArgs(['h:1', '--with', 'cross-dialect', '--direct-port', '7001', '--channels-port', '7003'])).toMatchObject({ options: { suites: ['cross-dialect'], ports: { direct: 7001, channels: 7003 } } });
    expect(parseCheckArgs(['h:1', '--with', 'cross-dialect'])).not.toHaveProperty('options.dialect');
    expect(parseCheckArgs(['h:1', '--dialect', 'direct', '--with', 'cross-dialect'])).toMatchObject({ options: { suites: ['direct', 'cross-dialect'] } });
    expect(parseCheckArgs(['h:1', '--with', 'cross-dialect', '--messenger-port', '70000'])).toMatchObject({ error: expect.stringContaining('--messenger-port') });
    expect(parseCheckArgs(['h:1', '--with', 'cross-dialect', '--direct-port', 'x'])).toMatchObject({ error: expect.stringContaining('--direct-port') });
  });

  it('says what is wrong with a bad command line', () => {
    expect(parseCheckArgs(['127.0.0.1', '--dialect', 'direct'])).toMatchObject({ error: expect.stringContaining('HOST:PORT') });
    expect(parseCheckArgs(['h:1'])).toMatchObject({ error: expect.stringContaining('--dialect must be one of channels, direct, messenger') });
    expect(parseCheckArgs(['h:1', '--dialect', 'irc'])).toMatchObject({ error: expect.stringContaining('"irc"') });
    expect(parseCheckArgs(['h:1', '--dialect', 'direct', '--max-users', 'many'])).toMatchObject({ error: expect.stringContaining('--max-users') });
    expect(parseCheckArgs(['h:1', '--dialect', 'direct', '--with', 'federation'])).toMatchObject({ error: expect.stringContaining('--dialect channels') });
    expect(parseCheckArgs(['h:1', '--dialect', 'channels', '--with', 'irc'])).toMatchObject({ error: expect.stringContaining('federation') });
  });

  it('selects by whole id or by its beginning at a dash', () => {
    expect(selects(['direct/SEND'], 'direct/SEND-self')).toBe(true);
    expect(selects(['direct/SEND'], 'direct/SENDX-a')).toBe(false);
    expect(selects(['direct/SEND-self'], 'direct/SEND-self')).toBe(true);
    expect(selects(['direct'], 'direct/SEND-self')).toBe(true);
  });
});

describe('planning a case for a live server', () => {
  const recording = (text: string) => {
    const parsed = parseRecording(text);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed;
  };
  const none = { only: [], skip: [] };

  it('a user limit comes from --max-users, as filler users', () => {
    expect(plan(recording('@max-users 2\na > LIST\n'), none)).toEqual({ run: false, reason: "it needs the server's user limit: pass --max-users N", flag: '--max-users N' });
    expect(plan(recording('@max-users 2\na > LIST\n'), { ...none, maxUsers: 16 })).toEqual({ run: true, fillers: 14 });
    expect(plan(recording('@max-users 2\na > LIST\n'), { ...none, maxUsers: 1 })).toMatchObject({ run: false });
  });

  it('a line limit comes from --max-line; a fresh server or a broken socket cannot be asked for', () => {
    expect(plan(recording('@max-line 32\na > LIST\n'), { ...none, maxLine: 100 })).toEqual({ run: true, fillers: 0, maxLine: 100 });
    expect(plan(recording('@fresh\na > LIST\n'), none)).toMatchObject({ run: false, reason: expect.stringContaining('@fresh') });
    expect(plan(recording('a > LIST\na !w\n'), none)).toMatchObject({ run: false, reason: expect.stringContaining('!w') });
  });

  it('a federation case needs --with federation and the server\'s --name', () => {
    const peer = recording('@name s1\n@peers 127.0.0.2:1\np ~ 127.0.0.2\n');
    expect(plan(peer, { ...none, serverName: 'x' })).toMatchObject({ run: false, reason: expect.stringContaining('--with federation') });
    expect(plan(peer, { ...none, federation: true })).toMatchObject({ run: false, reason: expect.stringContaining('--name') });
    expect(plan(peer, { ...none, federation: true, serverName: 'hub' })).toEqual({ run: true, fillers: 0, serverName: 'hub' });
  });
});

describe('which port a connection goes to', () => {
  const recording = (text: string) => {
    const parsed = parseRecording(text);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed;
  };
  const mixed = recording('d > HELLO-FROM dora\nm > NAME mia\nc > REGISTER carl pw\nz > GARBAGE\n');

  it('in the cross-dialect suite, the port of the dialect its first line picks, else HOST:PORT', () => {
    expect(['d', 'm', 'c', 'z'].map((conn) => dialectOf(mixed, conn, 'cross-dialect'))).toEqual(['direct', 'messenger', 'channels', undefined]);
    const ports = { direct: 7001, messenger: 7002 };
    expect(['d', 'm', 'c', 'z'].map((conn) => portOf(mixed, conn, 'cross-dialect', 5378, ports))).toEqual([7001, 7002, 5378, 5378]);
  });

  it('in a dialect\'s suite, that dialect\'s port whatever the line (federation links: the channels port)', () => {
    expect(portOf(mixed, 'm', 'direct', 5378, { direct: 7001, messenger: 7002 })).toBe(7001);
    expect(portOf(mixed, 'd', 'federation', 5378, { channels: 7003 })).toBe(7003);
    expect(portOf(mixed, 'd', 'messenger', 5378, {})).toBe(5378);
  });
});

describe('the report', () => {
  const run: CheckRun = {
    target: 'h:1', dialect: 'channels', rules: [
      { id: 'channels/JOIN-ok', verb: 'JOIN', title: 'joins', status: 'pass', source: 'c.rec:1' },
      { id: 'channels/SAY-fail', verb: 'SAY', title: 'fails', status: 'not-checked', source: 'c.rec:5', reason: 'it needs @fresh' },
      { id: 'channels/JOIN-twice', verb: 'JOIN', title: 'twice', status: 'fail', source: 'c.rec:9', exchange: ['a > JOIN r', 'a < RESULT JOIN r 1'], difference: 'line 10: a expected …' },
    ],
  };

  it('groups rows by verb, shows a failure\'s exchange and difference, and sums up', () => {
    expect(formatReport(run, { color: false })).toBe([
      'channels rules against h:1',
      '',
      'JOIN  1 of 2',
      '  ✓ channels/JOIN-ok     joins',
      '  ✗ channels/JOIN-twice  twice',
      '      c.rec:9',
      '      a > JOIN r',
      '      a < RESULT JOIN r 1',
      '      line 10: a expected …',
      '',
      'SAY  0 of 1',
      '  - channels/SAY-fail    fails',
      '      not checked: it needs @fresh',
      '',
      '1 of 3 rules pass, 1 fail, 1 not checked (--skip channels/SAY-fail leaves it out)',
      '',
    ].join('\n'));
  });

  it('is coloured only when asked', () => {
    expect(formatReport(run, { color: false })).not.toContain('\x1b[');
    expect(formatReport(run, { color: true })).toContain('\x1b[31m✗\x1b[0m');
  });

  it('as JSON carries the same rows and counts', () => {
    expect(JSON.parse(jsonReport(run))).toMatchObject({ pass: 1, fail: 1, notChecked: 1, total: 3, rules: run.rules });
  });

  it('exits 0 only when every selected rule ran and passed: a failure or a rule not checked is 1', () => {
    expect(exitCode(run)).toBe(1);
    expect(exitCode({ ...run, rules: run.rules.filter((r) => r.status !== 'fail') })).toBe(1);
    expect(exitCode({ ...run, rules: run.rules.filter((r) => r.status !== 'not-checked') })).toBe(1);
    expect(exitCode({ ...run, rules: run.rules.filter((r) => r.status === 'pass') })).toBe(0);
  });

  it('says which flags check the rules not checked, and how --skip leaves them out (a whole suite by its name)', () => {
    const left = (id: string, flag?: string) => ({ id, verb: verbOf(id), title: 't', status: 'not-checked' as const, source: 's', reason: 'r', ...(flag ? { flag } : {}) });
    const rules = [
      { ...run.rules[0], id: 'direct/LIST-order', verb: 'LIST' }, left('direct/BUSY-full', '--max-users N'), left('direct/SEND-ok-after-write'),
      left('federation/FEDSAY-a', '--name NAME'), left('federation/FEDSAY-b', '--name NAME'),
    ];
    expect(formatReport({ target: 'h:1', suites: ['direct', 'federation'], rules }, { color: false }).split('\n').filter(Boolean).at(-1))
      .toBe('1 of 5 rules pass, 4 not checked (--max-users N and --name NAME check 3 of them; --skip direct/BUSY-full,direct/SEND-ok-after-write,federation leaves them out)');
    expect(formatReport({ target: 'h:1', suites: ['direct', 'federation'], rules }, { color: false })).toMatch(/^direct and federation rules against h:1\n/);
  });
});
