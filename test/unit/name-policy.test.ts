// The pure name and quota policy: TR39 skeletons, who may take a name, the look-alike index, the quotas.
import { describe, expect, it } from 'vitest';
import { is } from 'immutable';
import { DIALECTS, initialState, step } from '../../src/server-step.js';
import { forEachDelivery } from '../../src/core/audience.js';
import { lookalikesOf, onlineLookalike, skeleton, takenWithoutPassword } from '../../src/core/name-policy.js';
import { createRefusal, withRegistration } from '../../src/core/quotas.js';
import { isName, MAX_NAME_LENGTH } from '../../src/core/names.js';
import { isStorablePassword, utf8Length } from '../../src/dialects/channels/password.js';
import type { CoreLimits, State } from '../../src/core/state.js';
import type { Command } from '../../src/core/types.js';

const at = 0;
const LIMITS: CoreLimits = { maxUsers: 16, maxQueued: 1000, maxLineLength: 8192 };
const remote = { address: '10.0.0.1', port: 1 };

function run(commands: Command[], state: State) {
  const lines: Record<string, string[]> = {};
  for (const command of commands) {
    const t = step(state, command);
    state = t.state;
    for (const sent of t.out) forEachDelivery(DIALECTS, sent, (conn, text) => (lines[conn] ??= []).push(text));
  }
  return { state, lines };
}
const open = (conn: string): Command => ({ kind: 'connected', conn, remote, listener: 'auto', at });
const line = (conn: string, text: string, when = at): Command => ({ kind: 'line', conn, text, at: when });

describe('confusable skeletons (Unicode TR39)', () => {
  it('gives look-alikes in other scripts the same skeleton', () => {
    expect(skeleton('\u0430lice')).toBe(skeleton('alice')); // Cyrillic а
    expect(skeleton('b\u043eb')).toBe(skeleton('bob')); // Cyrillic о
    expect(skeleton('aIice')).toBe(skeleton('alice')); // capital I for l
    expect(skeleton('rn')).toBe(skeleton('m'));
  });

  it('drops default-ignorable characters and compares in NFD', () => {
    expect(skeleton('bob\ufe0f')).toBe(skeleton('bob')); // a variation selector
    expect(skeleton('jose\u0301')).toBe(skeleton('jos\u00e9'));
  });

  it('keeps names that do not look alike apart, case included', () => {
    expect(skeleton('alice')).not.toBe(skeleton('alicia'));
    expect(skeleton('Alice')).not.toBe(skeleton('alice'));
    expect(skeleton('名前')).not.toBe(skeleton('名字'));
  });
});

describe('who may take a name without a password', () => {
  const stored = () => initialState(LIMITS, { accounts: [['alice', 'h']], channels: [] });

  it('refuses a registered account, and look-alikes of it', () => {
    const state = stored();
    expect(takenWithoutPassword(state, 'alice')).toEqual({ why: 'account' });
    expect(takenWithoutPassword(state, '\u0430lice')).toEqual({ why: 'lookalike', of: 'alice' });
    expect(takenWithoutPassword(state, 'bob')).toBeUndefined();
  });

  it('refuses a name online, and look-alikes of it, but not a look-alike of one’s own name', () => {
    const { state } = run([open('m'), line('m', 'NAME bob')], stored());
    expect(takenWithoutPassword(state, 'bob')).toEqual({ why: 'online' });
    expect(takenWithoutPassword(state, 'b\u043eb')).toEqual({ why: 'lookalike', of: 'bob' });
    expect(takenWithoutPassword(state, 'b\u043eb', 'bob')).toBeUndefined();
  });

  it('keeps the index in step as users come and go: a look-alike is free once its holder left', () => {
    let { state } = run([open('m'), line('m', 'NAME bob')], stored());
    state = run([{ kind: 'closed', conn: 'm', cause: 'ended', at }], state).state;
    expect(takenWithoutPassword(state, 'b\u043eb')).toBeUndefined();
    // an account stays held when its owner logs out
    expect(is(state.lookalikes, lookalikesOf(['alice']))).toBe(true);
  });

  it('lets an account’s owner in with the password, but never beside an online look-alike', () => {
    const state = initialState(LIMITS, { accounts: [['alice', 'h'], ['\u0430lice', 'h']], channels: [] });
    expect(onlineLookalike(state, 'alice')).toBeUndefined();
    const { state: after, lines } = run([open('c1'), line('c1', 'LOGIN \u0430lice pw'), { kind: 'passwordChecked', conn: 'c1', user: '\u0430lice', ok: true, at },
      open('c2'), line('c2', 'LOGIN alice pw')], state);
    expect(lines.c1).toEqual(['RESULT LOGIN 1']);
    expect(lines.c2).toEqual(['RESULT LOGIN 0']);
    expect(onlineLookalike(after, 'alice')).toBe('\u0430lice');
  });
});

describe('one length limit', () => {
  it('is 64 code points, whatever the script', () => {
    expect(MAX_NAME_LENGTH).toBe(64);
    expect(isName('名'.repeat(64))).toBe(true);
    expect(isName('😀'.repeat(65))).toBe(false);
    expect(isName('x'.repeat(200))).toBe(false);
  });

  it('refuses control characters', () => {
    for (const control of ['\u001b', '\u007f', '\u0007', '\u0085']) expect(isName(`a${control}b`)).toBe(false);
  });
});

describe('passwords', () => {
  it('counts UTF-8 bytes and refuses more than bcrypt reads (72)', () => {
    expect(utf8Length('é😀名a')).toBe(2 + 4 + 3 + 1);
    expect(isStorablePassword('é'.repeat(36))).toBe(true);
    expect(isStorablePassword('é'.repeat(36) + 'x')).toBe(false);
    expect(isStorablePassword('')).toBe(false);
  });
});

describe('quotas', () => {
  const QUOTAS: CoreLimits = { ...LIMITS, quotas: { channelsPerUser: 2, channels: 3, registerPerHour: 2 } };

  it('counts registrations per address, refilling evenly over the hour', () => {
    let state: State = initialState(QUOTAS);
    state = withRegistration(state, '10.0.0.1', 0)!;
    state = withRegistration(state, '10.0.0.1', 0)!;
    expect(withRegistration(state, '10.0.0.1', 0)).toBeUndefined();
    expect(withRegistration(state, '10.0.0.2', 0)).toBeDefined();
    // half an hour gives back one of two
    expect(withRegistration(state, '10.0.0.1', 1_800_000)).toBeDefined();
    // an hour untouched: the address is forgotten, so the table stays small
    const later = withRegistration(state, '10.0.0.2', 3_600_000)!;
    expect(later.quotas.registrations.has('10.0.0.1')).toBe(false);
  });

  it('counts channels per account from what the store recorded, and in all', () => {
    const state = initialState(QUOTAS, { accounts: [['alice', 'h'], ['bob', 'h']], channels: ['a', 'b'], channelOwners: [['a', 'alice'], ['b', 'alice']] });
    expect(createRefusal(state, 'alice')).toMatch(/CHAT_MAX_CHANNELS_PER_USER/);
    expect(createRefusal(state, 'bob')).toBeUndefined();
    const full = initialState(QUOTAS, { accounts: [], channels: ['a', 'b', 'c'] });
    expect(createRefusal(full, 'bob')).toMatch(/CHAT_MAX_CHANNELS\)/);
  });

  it('answers CREATE past the quota with RESULT CREATE x 0, and logs why', () => {
    const state = initialState(QUOTAS, { accounts: [['alice', 'h']], channels: ['a', 'b'], channelOwners: [['a', 'alice'], ['b', 'alice']] });
    const { state: in1 } = run([open('c1'), line('c1', 'LOGIN alice pw'), { kind: 'passwordChecked', conn: 'c1', user: 'alice', ok: true, at }], state);
    const t = step(in1, line('c1', 'CREATE c'));
    expect(t.effects).toEqual([]);
    expect(t.log).toEqual([expect.objectContaining({ level: 'warn', event: 'createRefused', reason: 'quota' })]);
  });
});
