import { describe, expect, it } from 'vitest';
import { freshen, parseRecording, unescapeBytes } from '../../src/recording/parse.js';
import { formatLogLine } from '../../src/log/format.js';
import { expectedLine, FreshNames, Placeholders, sentLine, withoutPasswords } from '../../src/recording/write.js';

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
  it('says which node of a cluster wrote a record: a worker\'s label, else the node\'s name', () => {
    const record = { time: '2026-01-01T12:00:01.234Z', level: 30, msg: 'alice logged in (direct, n2.c1)' };
    expect(formatLogLine(JSON.stringify({ ...record, node: 'host-1-ab', label: 'n2' }))).toBe('12:00:01.234 INFO  [n2] alice logged in (direct, n2.c1)');
    expect(formatLogLine(JSON.stringify({ ...record, node: 'host-1-ab' }))).toBe('12:00:01.234 INFO  [host-1-ab] alice logged in (direct, n2.c1)');
    expect(formatLogLine(JSON.stringify(record))).toBe('12:00:01.234 INFO  alice logged in (direct, n2.c1)');
  });

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
  it('writes names made in the session (users, accounts, channels) as fresh names, wherever they appear', () => {
    const fresh = new FreshNames();
    for (const line of ['REGISTER alice $pw-alice-1', 'CREATE lobby', 'NAME mia', 'HELLO-FROM dora', 'NAME mira', 'NAME bob!', 'SAY lobby hi']) fresh.learn(line);
    expect(fresh.mark('RECV bob lobby hi alice')).toBe('RECV bob lobby$ hi alice$');
    expect(fresh.mark('LIST-OK alice,bob,mira,dora')).toBe('LIST-OK alice$,bob,mira$,dora$');
    expect(fresh.mark('WELCOME mia Welcome, mia! 1 other user is here.')).toBe('WELCOME mia$ Welcome, mia$! 1 other user is here.');
    expect(fresh.mark('RESULT JOIN lobby:127.0.0.1 1')).toBe('RESULT JOIN lobby$:127.0.0.1 1');
    // not inside other words, not a placeholder, not a name that cannot carry the $
    expect(fresh.mark('SAY lobby malice alice2 $pw-alice-1 bob!')).toBe('SAY lobby$ malice alice2 $pw-alice-1 bob!');
    // and what it writes reads back as one name per run
    expect(freshen(fresh.mark('RENAMED mia mira'), 'x7')).toBe('RENAMED miax7 mirax7');
  });

  it('replaces the passwords of REGISTER and LOGIN by placeholders, the same password of an account by the same one', () => {
    const placeholders = new Placeholders();
    expect(withoutPasswords('REGISTER alice s3cret', placeholders)).toBe('REGISTER alice $pw-alice-1');
    expect(withoutPasswords('LOGIN alice wrong extra', placeholders)).toBe('LOGIN alice $pw-alice-2 $pw-alice-3');
    expect(withoutPasswords('LOGIN alice s3cret', placeholders)).toBe('LOGIN alice $pw-alice-1');
    expect(withoutPasswords('SAY room s3cret', placeholders)).toBe('SAY room s3cret');
    expect(withoutPasswords('LOGIN alice', placeholders)).toBe('LOGIN alice');
  });

  it('gives two accounts that share a password placeholders of their own', () => {
    const placeholders = new Placeholders();
    expect(withoutPasswords('REGISTER alice same', placeholders)).toBe('REGISTER alice $pw-alice-1');
    expect(withoutPasswords('REGISTER bob same', placeholders)).toBe('REGISTER bob $pw-bob-1');
    // names that label alike still differ by their number
    expect(withoutPasswords('REGISTER a.b same', placeholders)).toBe('REGISTER a.b $pw-a_b-1');
    expect(withoutPasswords('REGISTER a-b same', placeholders)).toBe('REGISTER a-b $pw-a_b-2');
  });

  it('hides the password of REGISTER and LOGIN however they are spaced or cased', () => {
    const placeholders = new Placeholders();
    expect(withoutPasswords('LOGIN\tbob\tpassword', placeholders)).toBe('LOGIN\tbob\t$pw-bob-1');
    expect(withoutPasswords('  login  bob   password ', placeholders)).toBe('  login  bob   $pw-bob-1 ');
    expect(withoutPasswords('Register\u00a0bob\u2028password', placeholders)).toBe('Register\u00a0bob\u2028$pw-bob-1');
    expect(sentLine('c1', withoutPasswords('LOGIN\tbob\tpassword', placeholders))).toBe('c1 >> LOGIN\\tbob\\t$pw-bob-1\\n');
  });

  it('a recorded placeholder reads back as the same password for the same account, and another for another', () => {
    expect(freshen('LOGIN alice $pw-alice-1', 'k3')).toBe('LOGIN alice pw-alice-1k3');
    expect(freshen('LOGIN bob $pw-bob-1', 'k3')).toBe('LOGIN bob pw-bob-1k3');
  });

  it('escapes every control a client may send (C0, DEL, C1, bidi, line separators) in what it sent and what it is sent', () => {
    for (const char of ['\u0007', '\u007f', '\u009b', '\u202e', '\u2066', '\u200f', '\u061c', '\u2028', '\u2029']) {
      const sent = sentLine('c1', `SAY room a${char}b`);
      const expected = expectedLine('c1', `RECV x room a${char}b`);
      expect(sent).not.toContain(char);
      expect(expected).not.toContain(char);
      expect(expected.startsWith('c1 << ')).toBe(true);
      // and they read back as what was sent
      const parsed = parseRecording(`${sent}\n${expected}\n`);
      if ('error' in parsed) throw new Error(parsed.error);
      expect(new TextDecoder().decode((parsed.events[0] as { bytes: Uint8Array }).bytes)).toBe(`SAY room a${char}b\n`);
      expect((parsed.events[1] as { text: string }).text).toBe(`RECV x room a${char}b`);
    }
  });

  it('writes a line a plain `>` would not keep as `>>` with escapes, which reads back as the same bytes', () => {
    expect(sentLine('c1', 'HELLO-FROM ann')).toBe('c1 > HELLO-FROM ann');
    const written = sentLine('c1', 'a\tb\\c\u0001 ');
    expect(written).toBe('c1 >> a\\tb\\\\c\\x01 \\n');
    expect(Buffer.from(unescapeBytes(written.slice(6))).toString()).toBe('a\tb\\c\u0001 \n');
  });
});
