// What a person types, turned into a protocol line or a local answer, for each dialect.
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/client/commands.js';
import { promptOf, shownAs, update } from '../../src/client/session.js';
import { takeWords } from '../../src/client/text.js';
import { initialState, type ClientDialect, type ClientState, type Output } from '../../src/client/types.js';

function chatting(dialect: ClientDialect, extra: Partial<ClientState> = {}): ClientState {
  return { ...initialState(dialect, 'alice', 'localhost:5378'), phase: 'chatting', ...extra };
}

/** What typing `text` does: the lines sent and the text shown. */
function typing(state: ClientState, text: string): { sent: string[]; shown: string[]; out: readonly Output[] } {
  const { out } = update(state, { kind: 'input', text });
  return {
    out,
    sent: out.flatMap((o) => (o.kind === 'send' ? [o.line] : [])),
    shown: out.flatMap((o) => (o.kind === 'show' ? [o.text] : [])),
  };
}

describe('splitting what was typed', () => {
  it('takes words off the front and keeps the inner spacing of the rest', () => {
    expect(takeWords('  bob   hi  there  ', 1)).toEqual({ words: ['bob'], rest: 'hi  there' });
    expect(takeWords('bob', 2)).toEqual({ words: ['bob'], rest: '' });
  });

  it('tells plain text, commands and blank lines apart; // escapes a leading slash', () => {
    expect(classify('hello')).toEqual({ kind: 'plain', text: 'hello' });
    expect(classify('   ')).toEqual({ kind: 'empty' });
    expect(classify('/W bob hi')).toEqual({ kind: 'command', name: 'w', args: 'bob hi' });
    expect(classify('//shrug')).toEqual({ kind: 'plain', text: '/shrug' });
  });
});

describe('messenger input', () => {
  const state = chatting('messenger');

  it.each([
    ['hello  world', 'BROADCAST hello  world'],
    ['//me waves', 'BROADCAST /me waves'],
    ['/whisper bob psst, over here', 'WHISPER bob psst, over here'],
    ['/w   bob   psst', 'WHISPER bob psst'],
    ['/rename alicia', 'NAME alicia'],
    ['/users', 'USERS'],
    ['/quit', 'QUIT'],
  ])('%s sends %s', (typed, line) => {
    expect(typing(state, typed).sent).toEqual([line]);
  });

  it('a blank line sends nothing', () => {
    expect(typing(state, '  ').out).toEqual([]);
  });

  it.each([
    ['/whisper bob', 'usage: /whisper user text'],
    ['/w', 'usage: /whisper user text'],
    ['/rename', 'usage: /rename name'],
    ['/rename two words', 'usage: /rename name'],
  ])('%s sends nothing and shows %s', (typed, hint) => {
    expect(typing(state, typed)).toMatchObject({ sent: [], shown: [hint] });
  });

  it('an unknown command is answered locally and points at /help', () => {
    expect(typing(state, '/dance')).toMatchObject({ sent: [], shown: ['unknown command /dance; type /help for the list'] });
  });

  it('/rename to the name you have is answered locally', () => {
    expect(typing(state, '/rename alice')).toMatchObject({ sent: [], shown: ['you are already called alice'] });
  });

  it('/help lists every command, sends nothing', () => {
    const { sent, shown } = typing(state, '/help');
    expect(sent).toEqual([]);
    for (const usage of ['/whisper user text', '/rename name', '/users', '/help', '/quit']) expect(shown.join('\n')).toContain(usage);
    expect(shown.join('\n')).toContain('(also /w)');
  });

  it('input before the login finished is ignored', () => {
    expect(typing(initialState('messenger', 'alice', 'h:1'), 'hello').out).toEqual([]);
  });
});

describe('channels input', () => {
  const state = chatting('channels');

  it.each([
    ['/register bob s3cret', 'REGISTER bob s3cret'],
    ['/login bob s3cret', 'LOGIN bob s3cret'],
    ['/create general', 'CREATE general'],
    ['/join general', 'JOIN general'],
    ['/join hello:server2', 'JOIN hello:server2'],
    ['/channels', 'CHANNELS'],
    ['/say general hi  all', 'SAY general hi  all'],
  ])('%s sends %s', (typed, line) => {
    expect(typing(state, typed).sent).toEqual([line]);
  });

  it('plain text goes to the channel joined last', () => {
    expect(typing(chatting('channels', { target: 'general' }), 'hi all').sent).toEqual(['SAY general hi all']);
  });

  it('plain text before joining a channel is answered locally', () => {
    expect(typing(state, 'hi')).toMatchObject({ sent: [], shown: ['join a channel first (/join channel), or use /say channel text'] });
  });

  it.each([
    ['/register', 'REGISTER', 'alice'], ['/login', 'LOGIN', 'alice'], ['/login bob', 'LOGIN', 'bob'],
  ] as const)('%s asks for the password without showing it, then sends %s', (typed, verb, user) => {
    const asked = update(state, { kind: 'input', text: typed });
    expect(asked.out).toEqual([{ kind: 'askSecret', prompt: `password for ${user} (not shown): ` }]);
    expect(typing(asked.state, 's3cret')).toMatchObject({ sent: [`${verb} ${user} s3cret`], shown: [] });
  });

  it('a password with a space is refused locally and the prompt comes back', () => {
    const asked = update(state, { kind: 'input', text: '/login' }).state;
    const answer = update(asked, { kind: 'input', text: 'two words' });
    expect(answer.out).toEqual([{ kind: 'show', text: '! a password is one word; try again' }]);
    expect(answer.state.asking).toBeUndefined();
  });

  it('a password typed on the command line stays on screen as stars', () => {
    expect(shownAs('/login bob s3cret')).toBe('/login bob ********');
    expect(shownAs('/register alice hunter2 ')).toBe('/register alice ******** ');
    expect(shownAs('/login bob')).toBe('/login bob');
    expect(shownAs('/say general /login a b')).toBe('/say general /login a b');
  });

  it.each([['/login a b c'], ['/say general'], ['/create']])('%s shows its usage', (typed) => {
    expect(typing(state, typed)).toMatchObject({ sent: [], shown: [expect.stringMatching(/^usage: /)] });
  });

  it('/quit hangs up: the dialect has no goodbye', () => {
    expect(typing(state, '/quit').out).toEqual([{ kind: 'hangup' }]);
  });
});

describe('direct input', () => {
  const state = chatting('direct');

  it.each([
    ['/send bob hi  there', 'SEND bob hi  there'],
    ['/w bob hi', 'SEND bob hi'],
    ['/list', 'LIST'],
    ['/users', 'LIST'],
  ])('%s sends %s', (typed, line) => {
    expect(typing(state, typed).sent).toEqual([line]);
  });

  it('plain text goes to the user written to last', () => {
    const { state: after } = update(state, { kind: 'input', text: '/send bob hi' });
    expect(typing(after, 'how are you').sent).toEqual(['SEND bob how are you']);
  });

  it('plain text before any /send is answered locally', () => {
    expect(typing(state, 'hi')).toMatchObject({ sent: [], shown: ['use /send user text first; plain text then goes to that user'] });
  });

  it('a send that fails puts the prompt back to whom it was before', () => {
    const toBob = chatting('direct', { target: 'bob' });
    const sending = update(toBob, { kind: 'input', text: '/send nobody hi' }).state;
    expect(promptOf(sending)).toBe('alice → nobody> ');
    const refused = update(sending, { kind: 'line', text: 'BAD-DEST-USER' });
    expect(refused.out).toEqual([{ kind: 'show', text: '! nobody is not online' }]);
    expect(promptOf(refused.state)).toBe('alice → bob> ');
    const first = update(update(state, { kind: 'input', text: '/send nobody hi' }).state, { kind: 'line', text: 'BAD-DEST-USER' }).state;
    expect(promptOf(first)).toBe('alice> ');
  });

  it('/send without text shows its usage', () => {
    expect(typing(state, '/send bob')).toMatchObject({ sent: [], shown: ['usage: /send user text'] });
  });
});
