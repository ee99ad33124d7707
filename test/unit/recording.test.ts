import { describe, expect, it } from 'vitest';
import { freshen, parseRecording, unescapeBytes } from '../../src/recording/parse.js';
import { formatLogLine } from '../../src/log/format.js';
import { Placeholders, sentLine, withoutPasswords } from '../../src/recording/write.js';

describe('recording format', () => {
  it('reads every kind of event and the settings', () => {
    const parsed = parseRecording('# c\n@max-users 2\na ~\na > HI\na >> x\\r\\n\na < YO\na <!\nb !\nb !w\n');
    expect(parsed).toMatchObject({
      settings: { 'max-users': '2' },
      events: [{ op: 'open' }, { op: 'send' }, { op: 'send' }, { op: 'expect', text: 'YO' }, { op: 'expectClose' }, { op: 'close' }, { op: 'breakWrites' }],
    });
  });

  it('names the line it cannot read', () => {
    expect(parseRecording('a > ok\nwhat is this\n')).toEqual({ error: 'line 2: cannot read "what is this"' });
  });

  it('turns escapes into bytes and text into UTF-8', () => {
    expect([...unescapeBytes('a\\0\\xff\\n')]).toEqual([97, 0, 255, 10]);
    expect([...unescapeBytes('é')]).toEqual([0xc3, 0xa9]);
  });
});

describe('log format', () => {
  it('turns a pino record into a line a person reads', () => {
    expect(formatLogLine('{"level":30,"time":"2026-01-01T12:00:01.234Z","msg":"alice logged in"}')).toBe('12:00:01.234 INFO  alice logged in');
  });

  it('passes through lines that are not JSON', () => {
    expect(formatLogLine('not json')).toBe('not json');
  });
});

describe('fresh names and password placeholders', () => {
  it('a $ after a name becomes the run tag everywhere; $pwN becomes a password of the run', () => {
    expect(freshen('WELCOME alice$ Welcome, alice$! 2$ of $5', 'k3x9')).toBe('WELCOME alicek3x9 Welcome, alicek3x9! 2k3x9 of $5');
    expect(freshen('LOGIN bob$ $pw2', 'k3x9')).toBe('LOGIN bobk3x9 pw2k3x9');
  });

  it('applies the tag to what is sent and what is expected alike', () => {
    const parsed = parseRecording('a > NAME ann$\na < WELCOME ann$ hi\n', { tag: 'zz' });
    if ('error' in parsed) throw new Error(parsed.error);
    expect(new TextDecoder().decode((parsed.events[0] as { bytes: Uint8Array }).bytes)).toBe('NAME annzz\n');
    expect(parsed.events[1]).toMatchObject({ text: 'WELCOME annzz hi' });
  });

  it('an unknown @ setting is an error naming the line, not a setting silently ignored', () => {
    expect(parseRecording('@max-user 2\n')).toEqual({ error: expect.stringMatching(/^line 1: unknown setting @max-user \(known: @protocol @max-users/) });
    expect(parseRecording('@fresh\n')).toMatchObject({ settings: { fresh: '' } });
  });
});

describe('writing recordings', () => {
  it('replaces the passwords of REGISTER and LOGIN by placeholders, the same password by the same one', () => {
    const placeholders = new Placeholders();
    expect(withoutPasswords('REGISTER alice s3cret', placeholders)).toBe('REGISTER alice $pw1');
    expect(withoutPasswords('LOGIN alice wrong extra', placeholders)).toBe('LOGIN alice $pw2 $pw3');
    expect(withoutPasswords('LOGIN alice s3cret', placeholders)).toBe('LOGIN alice $pw1');
    expect(withoutPasswords('SAY room s3cret', placeholders)).toBe('SAY room s3cret');
    expect(withoutPasswords('LOGIN alice', placeholders)).toBe('LOGIN alice');
  });

  it('writes a line a plain `>` would not keep as `>>` with escapes, which reads back as the same bytes', () => {
    expect(sentLine('c1', 'HELLO-FROM ann')).toBe('c1 > HELLO-FROM ann');
    const written = sentLine('c1', 'a\tb\\c\u0001 ');
    expect(written).toBe('c1 >> a\\tb\\\\c\\x01 \\n');
    expect(Buffer.from(unescapeBytes(written.slice(6))).toString()).toBe('a\tb\\c\u0001 \n');
  });
});
