// The core's limits with explicit times: the rate limit (delay, then disconnect), its summarised log lines,
// and the login timeout. No clock: every command says when it happened.
import { describe, expect, it } from 'vitest';
import { initialState, step } from '../../src/server-step.js';
import type { Command, Effect, LogEvent } from '../../src/core/types.js';
import { coreServer, line, open, REMOTE as remote, timer } from '../support/core.js';

const RATE = { perSecond: 10, burst: 5, floodMs: 3000 };

const server = coreServer;

describe('rate limit', () => {
  it('answers a burst at once, then one line per token, pausing the socket meanwhile; nothing is dropped', () => {
    const s = server({ rate: RATE });
    s.run(open('c1'), line('c1', 'NAME ann', 0));
    for (let i = 0; i < 7; i++) s.run(line('c1', 'USERS', 0));
    // NAME and 4 USERS fill the burst of 5; the 6th line waits 100 ms, the 7th 200 ms, the 8th 300 ms
    expect(s.lines.c1).toHaveLength(5);
    expect(s.effects).toContainEqual({ kind: 'pause', conn: 'c1' });
    expect(s.effects).toContainEqual({ kind: 'timer', conn: 'c1', at: 100 });
    s.run(timer('c1', 100));
    expect(s.lines.c1).toHaveLength(6);
    expect(s.effects).toContainEqual({ kind: 'timer', conn: 'c1', at: 200 });
    s.run(timer('c1', 200), timer('c1', 300));
    expect(s.lines.c1).toHaveLength(8);
    expect(s.lines.c1.slice(1)).toEqual(Array(7).fill('USERS ann'));
    expect(s.effects.at(-1)).toEqual({ kind: 'resume', conn: 'c1' });
    expect(s.state.conns.get('c1')?.queue.size).toBe(0);
  });

  it('charges empty lines too, so a flood of them pauses the socket like any other', () => {
    const s = server({ rate: RATE });
    s.run(open('c1'));
    for (let i = 0; i < 8; i++) s.run(line('c1', '', 0));
    expect(s.effects).toEqual([{ kind: 'pause', conn: 'c1' }, { kind: 'timer', conn: 'c1', at: 100 }]);
    // three lines over: read again once three tokens have refilled
    s.run(timer('c1', 100));
    expect(s.effects.at(-1)).toEqual({ kind: 'timer', conn: 'c1', at: 300 });
    s.run(timer('c1', 300));
    expect(s.effects.at(-1)).toEqual({ kind: 'resume', conn: 'c1' });
    expect(s.lines.c1).toBeUndefined();
  });

  it('disconnects a connection that stays over its rate for floodMs, with the dialect’s error, and tells the others it left', () => {
    const s = server({ rate: RATE });
    s.run(open('c1'), line('c1', 'NAME ann', 0), open('c2'), line('c2', 'NAME bob', 0));
    // ann sends as soon as she is read again: one line per 100 ms, one more each time than her token allows
    let at = 0;
    for (; at <= 4000 && !s.state.conns.get('c1')?.closing; at += 100) s.run(line('c1', 'BROADCAST x', at), line('c1', 'BROADCAST x', at), timer('c1', at));
    expect(at).toBeGreaterThan(3000);
    expect(s.lines.c1.at(-1)).toBe('ERROR SLOW-DOWN more than 10 lines a second for too long; closing');
    expect(s.effects.at(-1)).toEqual({ kind: 'close', conn: 'c1' });
    expect(s.lines.c2.at(-1)).toBe('LEFT ann lost');
    expect(s.log.filter((e) => e.event === 'flooded')).toHaveLength(1);
  });

  it('summarises the excess in the log: one line when it starts, then one per 10 s, however many lines', () => {
    const s = server({ rate: { ...RATE, floodMs: 60_000 } });
    s.run(open('c1'), line('c1', 'NAME ann', 0));
    for (let at = 0; at < 25_000; at += 100) s.run(line('c1', 'BROADCAST x', at), line('c1', 'BROADCAST x', at), timer('c1', at));
    const reports = s.log.filter((e) => e.event === 'rateLimited');
    expect(reports.length).toBe(3); // at 0 s, 10 s and 20 s: 500 lines delayed, 3 log lines
    expect(reports[1].msg).toMatch(/^delayed \d+ lines from c1 in 10 s$/);
    s.run({ kind: 'closed', conn: 'c1', cause: 'ended', at: 26_000 });
    expect(s.log.filter((e) => e.event === 'rateLimited')).toHaveLength(4);
  });

  it('forgives a paste: a client back under its rate by half a burst starts afresh', () => {
    const s = server({ rate: RATE });
    s.run(open('c1'), line('c1', 'NAME ann', 0));
    for (let i = 0; i < 20; i++) s.run(line('c1', 'USERS', 0));
    for (let at = 100; at <= 2000; at += 100) s.run(timer('c1', at));
    expect(s.lines.c1).toHaveLength(21);
    // quiet for a while, then another paste long after the first began: delayed again, not disconnected
    for (let i = 0; i < 20; i++) s.run(line('c1', 'USERS', 5000));
    expect(s.state.conns.get('c1')?.closing).toBeUndefined();
  });
});

describe('login timeout', () => {
  it('closes a connection nobody logged in on, with the dialect’s notice; a logged-in one stays', () => {
    const s = server({ loginTimeoutMs: 60_000 });
    s.run(open('idle'), open('named'), open('silent'), line('idle', 'USERS', 10), line('named', 'NAME ann', 20));
    expect(s.effects).toContainEqual({ kind: 'timer', conn: 'idle', at: 60_000 });
    s.run(timer('idle', 60_000), timer('named', 60_000), timer('silent', 60_000));
    expect(s.lines.idle).toEqual(['ERROR NAME-REQUIRED send NAME username first', 'ERROR LOGIN-TIMEOUT no NAME in time; closing']);
    expect(s.effects.filter((e) => e.kind === 'close').map((e) => e.conn)).toEqual(['idle', 'silent']);
    expect(s.state.conns.get('named')?.closing).toBeUndefined();
    expect(s.log.filter((e) => e.event === 'loginTimeout')).toHaveLength(2);
  });

  it('answers a REGISTER whose hash is still running at the deadline, then closes the connection', () => {
    const s = server({ loginTimeoutMs: 60_000 });
    s.run(open('c1'), line('c1', 'REGISTER ann pw', 59_000));
    expect(s.effects.map((e) => e.kind)).toContain('hashPassword');
    s.run(timer('c1', 60_000));
    expect(s.effects.filter((e) => e.kind === 'close')).toEqual([]);
    s.run({ kind: 'passwordHashed', conn: 'c1', user: 'ann', hash: 'h', at: 61_000 });
    expect(s.effects.filter((e) => e.kind === 'close')).toEqual([]);
    s.run({ kind: 'accountStored', conn: 'c1', user: 'ann', hash: 'h', ok: true, at: 61_500 });
    expect(s.lines.c1).toEqual(['RESULT REGISTER 1']);
    expect(s.effects.at(-1)).toEqual({ kind: 'close', conn: 'c1' });
    expect(s.log.filter((e) => e.event === 'loginTimeout')).toHaveLength(1);
  });
});

describe('login throttling', () => {
  const THROTTLE = { freePerAccount: 3, freePerAddress: 10, delayMs: 500, maxDelayMs: 4000 };
  it('delays each LOGIN after the free failures by a doubling delay, before the password is checked', () => {
    const state0 = initialState({ maxUsers: 16, maxQueued: 1000, maxLineLength: 8192, loginThrottle: THROTTLE }, { accounts: [['alice', 'h']], channels: [] });
    let state = state0;
    const go = (command: Command) => {
      const t = step(state, command);
      state = t.state;
      return t;
    };
    go(open('c1'));
    const delays: number[] = [];
    let at = 0;
    for (let attempt = 0; attempt < 9; attempt++) {
      let t = go(line('c1', 'LOGIN alice wrong', at));
      let waited = 0;
      const timer = t.effects.find((e) => e.kind === 'timer');
      if (timer && timer.kind === 'timer') {
        waited = timer.at - at;
        at = timer.at;
        t = go({ kind: 'timer', conn: 'c1', at });
      }
      expect(t.effects).toContainEqual({ kind: 'checkPassword', conn: 'c1', user: 'alice', password: 'wrong', hash: 'h', from: remote.address });
      delays.push(waited);
      go({ kind: 'passwordChecked', conn: 'c1', user: 'alice', ok: false, at });
    }
    expect(delays).toEqual([0, 0, 0, 0, 500, 1000, 2000, 4000, 4000]);
  });

  it('refuses at once, without counting a failure, when the hasher refuses (its address’s share is full, or the wait too long); logs every refusal with the address', () => {
    let state = initialState({ maxUsers: 16, maxQueued: 1000, maxLineLength: 8192, loginThrottle: THROTTLE }, { accounts: [['alice', 'h']], channels: [] });
    const log: LogEvent[] = [];
    for (const command of [open('c1'), line('c1', 'LOGIN alice pw', 0), { kind: 'passwordChecked', conn: 'c1', user: 'alice', ok: false, busy: true, at: 1 } as Command]) {
      const t = step(state, command);
      state = t.state;
      log.push(...t.log);
    }
    expect(state.loginFailures.size).toBe(0);
    const refusal = log.find((e) => e.event === 'loginRefused');
    expect(refusal?.reason).toMatch(/CHAT_HASH_QUEUE_PER_ADDRESS/);
    expect(refusal?.remote).toEqual(remote);
  });

  it('counts an address across accounts, and forgets counts after a quiet spell', () => {
    let state = initialState({ maxUsers: 16, maxQueued: 1000, maxLineLength: 8192, loginThrottle: { ...THROTTLE, freePerAddress: 2 } }, { accounts: [['alice', 'h'], ['bob', 'h']], channels: [] });
    const effects: Effect[] = [];
    const go = (...commands: Command[]) => { for (const c of commands) { const t = step(state, c); state = t.state; effects.push(...t.effects); } };
    go(open('c1'));
    // two unknown names, then one wrong password for alice: the address has 3 failures, past its 2 free ones
    go(line('c1', 'LOGIN nobody x', 0), line('c1', 'LOGIN noone x', 1), line('c1', 'LOGIN alice x', 2), { kind: 'passwordChecked', conn: 'c1', user: 'alice', ok: false, at: 3 });
    effects.length = 0;
    go(line('c1', 'LOGIN bob pw', 4));
    expect(effects).toEqual([{ kind: 'timer', conn: 'c1', at: 503 }]); // no password check before then
    // ten times the longest delay later, a new failure finds the old counts forgotten
    go({ kind: 'timer', conn: 'c1', at: 503 }, { kind: 'passwordChecked', conn: 'c1', user: 'bob', ok: false, at: 504 });
    go(line('c1', 'LOGIN nobody x', 100_000));
    expect(state.loginFailures.get('address:127.0.0.1')?.count).toBe(1);
  });
});
