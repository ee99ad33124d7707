import { describe, expect, it } from 'vitest';
import { splitArgs } from '../../src/core/dispatch.js';
import { DIALECTS, initialState, step } from '../../src/server-step.js';
import { canonicalName, codePoints, hasControlCharacters, isName, quoted } from '../../src/core/names.js';
import type { Command } from '../../src/core/types.js';
import { isChannelsName } from '../../src/dialects/channels/names.js';
import { LIMITS, line, open, run } from '../support/core.js';

const at = 0;

describe('argument splitting', () => {
  it('splits tokens on single spaces and checks the count', () => {
    expect(splitArgs('a b', { arity: 2 })).toEqual(['a', 'b']);
    expect(splitArgs('a  b', { arity: 2 })).toBeUndefined();
    expect(splitArgs(undefined, { arity: 1 })).toBeUndefined();
  });

  it('keeps the rest of the line as the last argument of a text verb', () => {
    expect(splitArgs('room hello  there ', { arity: 2, text: true })).toEqual(['room', 'hello  there ']);
    expect(splitArgs('room', { arity: 2, text: true })).toBeUndefined();
  });

  it('treats trailing blanks after a verb without arguments as nothing', () => {
    expect(splitArgs('  ', { arity: 0 })).toEqual([]);
  });

  it('allows an optional last argument to be left out', () => {
    expect(splitArgs(undefined, { arity: 1, text: true, optional: true })).toEqual([]);
  });
});

describe('names', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePoints('😀😀')).toBe(2);
    expect(isChannelsName('😀'.repeat(64))).toBe(true);
    expect(isChannelsName('😀'.repeat(65))).toBe(false);
  });

  it('applies one policy to every dialect, and each dialect’s own rules on top', () => {
    expect(isChannelsName('a@b')).toBe(false);
    // `@` and `:` mark federated names in every dialect now, not only in channels
    expect(isName('a@b')).toBe(false);
    expect(isName('a:b')).toBe(false);
    expect(isName('a,b')).toBe(false);
    expect(isChannelsName('a,b')).toBe(false);
    expect(isName('a\u3000b')).toBe(false);
    expect(isName('x'.repeat(33), 32)).toBe(false);
    expect(isName('x'.repeat(64))).toBe(true);
    expect(isName('x'.repeat(65))).toBe(false);
    expect(isName('名前', 32)).toBe(true);
    expect(isName('caf\uFFFD')).toBe(false);
  });

  it('refuses invisible format characters: zero-width spaces and joiners, bidi overrides, the BOM', () => {
    for (const invisible of ['\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\u00ad']) expect(isName(`al${invisible}ice`), JSON.stringify(invisible)).toBe(false);
    expect(isName('\u0645\u0631\u062d\u0628\u0627')).toBe(true); // Arabic letters themselves are fine
  });

  it('compares names in NFC: a precomposed and a decomposed é are one name', () => {
    expect(canonicalName('jose\u0301')).toBe('jos\u00e9');
    expect(canonicalName('jos\u00e9')).toBe('jos\u00e9');
  });

  it('quotes a client’s text safely: control and format characters as ?, at most 32 characters', () => {
    expect(quoted('a\x1b[31mb\rc\u202ed')).toBe('a?[31mb?c?d');
    expect(quoted('x'.repeat(40))).toBe(`${'x'.repeat(32)}…`);
    expect(quoted('😀'.repeat(40), 64)).toBe('😀'.repeat(40));
  });

  it('finds control characters but allows tabs', () => {
    expect(hasControlCharacters('a\0b')).toBe(true);
    expect(hasControlCharacters('a\tb')).toBe(false);
    expect(hasControlCharacters('a\u009bb')).toBe(true); // C1: a terminal's one-byte CSI
  });
});

describe('dialect detection', () => {
  it('picks the dialect from the first verb', () => {
    const detect = (line: string) => DIALECTS.detect(line)?.name;
    expect(detect('HELLO-FROM x')).toBe('direct');
    expect(detect('CHANNELS')).toBe('channels');
    expect(detect('NAME x')).toBe('messenger');
    expect(detect('GARBAGE')).toBeUndefined();
    expect(detect('constructor')).toBeUndefined();
  });
});

describe('step', () => {
  it('queues a connection’s lines while it waits on an effect and answers them in order', () => {
    let { state, effects } = run([open('c1'), line('c1', 'REGISTER alice pw'), line('c1', 'CHANNELS')]);
    expect(effects).toEqual([{ kind: 'hashPassword', conn: 'c1', user: 'alice', password: 'pw', from: '127.0.0.1' }]);
    expect(state.conns.get('c1')?.queue.size).toBe(1);
    const hashed = run([{ kind: 'passwordHashed', conn: 'c1', user: 'alice', hash: 'h', at }], state);
    expect(hashed.effects).toEqual([{ kind: 'storeAccount', conn: 'c1', user: 'alice', hash: 'h' }]);
    const stored = run([{ kind: 'accountStored', conn: 'c1', user: 'alice', hash: 'h', ok: true, at }], hashed.state);
    expect(stored.lines.c1).toEqual(['RESULT REGISTER 1', 'RESULT CHANNELS']);
    expect(stored.state.accounts.get('alice')).toBe('h');
  });

  it('stops reading a connection that queued as many lines as it may, keeps every line, and reads again once it drained', () => {
    const stored = initialState({ ...LIMITS, maxQueued: 2 }, { accounts: [['alice', 'h']], channels: [] });
    const queued = run([open('c1'), line('c1', 'LOGIN alice pw'), line('c1', 'CHANNELS'), line('c1', 'CHANNELS')], stored);
    expect(queued.effects.map((e) => e.kind)).toEqual(['checkPassword', 'pause']);
    // lines split from the chunk already read still arrive after the pause: they queue too, none is dropped
    const more = run([line('c1', 'CHANNELS'), line('c1', 'CHANNELS')], queued.state);
    expect(more.effects).toEqual([]);
    expect(more.state.conns.get('c1')?.queue.size).toBe(4);
    const answered = run([{ kind: 'passwordChecked', conn: 'c1', user: 'alice', ok: true, at }], more.state);
    expect(answered.lines.c1).toEqual(['RESULT LOGIN 1', ...Array(4).fill('RESULT CHANNELS')]);
    expect(answered.effects).toEqual([{ kind: 'resume', conn: 'c1' }]);
  });

  it('answers REGISTER with 0 when the store fails, and frees the name', () => {
    const { state } = run([open('c1'), line('c1', 'REGISTER alice pw'), { kind: 'passwordHashed', conn: 'c1', user: 'alice', hash: 'h', at }]);
    const failed = run([{ kind: 'accountStored', conn: 'c1', user: 'alice', hash: 'h', ok: false, at }], state);
    expect(failed.lines.c1).toEqual(['RESULT REGISTER 0']);
    expect(failed.state.registering.size).toBe(0);
  });

  it('refuses a login whose name was taken while bcrypt ran', () => {
    const stored = initialState(LIMITS, { accounts: [['alice', 'h']], channels: [] });
    // without the password no dialect takes an account's name; another node of a cluster can, a moment before
    const { state, lines } = run([open('c1'), line('c1', 'LOGIN alice pw'), open('c2'), line('c2', 'HELLO-FROM alice'),
      { kind: 'cluster', event: { kind: 'online', node: 'n2', user: 'alice', seq: 7, can: [] }, at }], stored);
    expect(lines.c2).toEqual(['IN-USE']);
    const checked = run([{ kind: 'passwordChecked', conn: 'c1', user: 'alice', ok: true, at }], state);
    expect(checked.lines.c1).toEqual(['RESULT LOGIN 0']);
  });

  it('never writes a password into the log', () => {
    const stored = initialState(LIMITS, { accounts: [['alice', 'h']], channels: [] });
    let state = stored;
    const events: unknown[] = [];
    for (const command of [open('c1'), line('c1', 'REGISTER bob hunter2'), open('c2'), line('c2', 'LOGIN alice hunter2'), { kind: 'passwordChecked', conn: 'c2', user: 'alice', ok: false, at } as Command]) {
      const t = step(state, command);
      state = t.state;
      events.push(...t.log);
    }
    expect(JSON.stringify(events)).not.toContain('hunter2');
  });

  it('forgets everything about a connection once it closed', () => {
    const { state } = run([open('c1'), line('c1', 'NAME alice'), { kind: 'closed', conn: 'c1', cause: 'error', at }]);
    expect(state.conns.size).toBe(0);
    expect(state.online.size).toBe(0);
  });

  it('is total: no line, however odd, makes it throw', () => {
    const odd = ['', ' ', 'SAY', 'SAY  ', 'JOIN a:b', 'WHISPER', 'NAME \u0000', '\uFFFD\uFFFD', 'QUIT', 'toString', '__proto__ x', 'SEND  x', 'HELLO-FROM \t'];
    for (const dialect of ['HELLO-FROM z', 'LOGIN z z', 'NAME z', 'CHANNELS']) {
      expect(() => run([open('c1'), line('c1', dialect), ...odd.map((t) => line('c1', t)), { kind: 'tooLong', conn: 'c1', at }])).not.toThrow();
    }
  });

  it('ignores input from connections it does not know', () => {
    expect(run([line('ghost', 'LIST'), { kind: 'closed', conn: 'ghost', cause: 'ended', at }]).lines).toEqual({});
  });
});

describe('effect results', () => {
  it('drops a result for an open connection that waits on none, so it cannot log that connection in', () => {
    const registered = run([open('c1'), line('c1', 'REGISTER ada pw'), { kind: 'passwordHashed', conn: 'c1', user: 'ada', hash: 'h', at: 0 },
      { kind: 'accountStored', conn: 'c1', user: 'ada', hash: 'h', ok: true, at: 0 }]).state;
    const r = run([open('c2'), { kind: 'passwordChecked', conn: 'c2', user: 'ada', ok: true, at: 0 }, line('c2', 'SAY nowhere hi')], registered);
    expect(r.state.online.has('ada')).toBe(false);
    expect(r.log.some((e) => e.event === 'strayResult' && e.level === 'error')).toBe(true);
    expect(r.lines.c2?.join('\n') ?? '').not.toMatch(/RESULT LOGIN 1/u);
  });

  it('still handles a result for a connection that closed while it waited: the account it registered is kept', () => {
    const r = run([open('c1'), line('c1', 'REGISTER ada pw'), { kind: 'passwordHashed', conn: 'c1', user: 'ada', hash: 'h', at: 0 },
      { kind: 'closed', conn: 'c1', cause: 'ended', at: 0 }, { kind: 'accountStored', conn: 'c1', user: 'ada', hash: 'h', ok: true, at: 0 }]);
    expect(r.state.accounts.has('ada')).toBe(true);
    expect(r.log.some((e) => e.event === 'strayResult')).toBe(false);
  });
});
