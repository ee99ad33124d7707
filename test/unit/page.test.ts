// The web page's pure parts: reading server lines, what the page sends and shows, and when it reconnects.
import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../../src/client/backoff.js';
import { pageState, update, type PageInput, type PageOutput, type PageState } from '../../src/client/page.js';
import { readChannels, readMessenger } from '../../src/client/read.js';

/** Runs inputs through the page; returns the last state and every output, in order. */
function run(state: PageState, ...inputs: PageInput[]): { state: PageState; out: PageOutput[] } {
  const out: PageOutput[] = [];
  for (const input of inputs) {
    const next = update(state, input);
    state = next.state;
    out.push(...next.out);
  }
  return { state, out };
}

const line = (text: string): PageInput => ({ kind: 'line', text });
const sent = (out: readonly PageOutput[]) => out.flatMap((o) => (o.kind === 'send' ? [o.line] : []));
const shown = (out: readonly PageOutput[]) => out.flatMap((o) => (o.kind === 'show' ? [o.line] : []));

describe('reading server lines', () => {
  it.each([
    ['WELCOME alice Welcome, alice! 1 other user is here.', { kind: 'welcome', name: 'alice', text: 'Welcome, alice! 1 other user is here.' }],
    ['BROADCAST bob hi  there', { kind: 'broadcast', from: 'bob', text: 'hi  there' }],
    ['WHISPER bob alice <img src=x onerror=alert(1)>', { kind: 'whisper', from: 'bob', to: 'alice', text: '<img src=x onerror=alert(1)>' }],
    ['JOINED carol', { kind: 'joined', name: 'carol' }],
    ['LEFT carol lost', { kind: 'left', name: 'carol', lost: true }],
    ['LEFT carol quit', { kind: 'left', name: 'carol', lost: false }],
    ['RENAMED bob robert', { kind: 'renamed', from: 'bob', to: 'robert' }],
    ['USERS alice, bob', { kind: 'users', names: ['alice', 'bob'] }],
    ['BYE Goodbye, alice.', { kind: 'bye', text: 'Goodbye, alice.' }],
    ['ERROR NAME-TAKEN alice is already taken', { kind: 'error', code: 'NAME-TAKEN', text: 'alice is already taken' }],
    ['SOMETHING new', { kind: 'other', line: 'SOMETHING new' }],
  ])('messenger: %s', (text, event) => {
    expect(readMessenger(text)).toEqual(event);
  });

  it.each([
    ['RECV alice general hi  there', { kind: 'said', from: 'alice', channel: 'general', text: 'hi  there' }],
    ['RESULT CHANNELS general, random', { kind: 'channels', names: ['general', 'random'] }],
    ['RESULT CHANNELS', { kind: 'channels', names: [] }],
    ['RESULT LOGIN 1', { kind: 'result', what: 'LOGIN', ok: true }],
    ['RESULT JOIN general 0', { kind: 'result', what: 'JOIN', subject: 'general', ok: false }],
    ['RESULT SAY 0', { kind: 'result', what: 'SAY', ok: false }],
  ])('channels: %s', (text, event) => {
    expect(readChannels(text)).toEqual(event);
  });
});

describe('the page in messenger mode', () => {
  const welcomed = () => run(pageState('messenger', 'alice'), { kind: 'open' }, line('WELCOME alice Welcome, alice!'), line('USERS alice, bob'));

  it('logs in with NAME, greets, and asks who is online', () => {
    const { state, out } = welcomed();
    expect(sent(out)).toEqual(['NAME alice', 'USERS']);
    expect(shown(out)).toEqual([{ kind: 'notice', text: 'Welcome, alice! Write below to talk to everyone, or pick a name to whisper.' }]);
    expect(state).toMatchObject({ phase: 'in', online: ['alice', 'bob'] });
  });

  it('broadcasts plain text and whispers to a chosen user; blank text sends nothing, a pasted newline becomes a space', () => {
    const { out } = run(welcomed().state, { kind: 'say', text: 'hi all' }, { kind: 'say', text: 'psst', to: 'bob' }, { kind: 'say', text: '   ' }, { kind: 'say', text: 'one\ntwo' });
    expect(sent(out)).toEqual(['BROADCAST hi all', 'WHISPER bob psst', 'BROADCAST one two']);
  });

  it('keeps the online list and says who joined, left and renamed; learns its own new name', () => {
    const { state, out } = run(welcomed().state, line('JOINED carol'), line('LEFT bob lost'), line('RENAMED alice ally'), line('RENAMED carol caro'));
    expect(state).toMatchObject({ me: 'ally', online: ['ally', 'caro'] });
    expect(shown(out).map((l) => l.kind === 'notice' && l.text)).toEqual(['carol joined', 'bob left (connection lost)', 'alice is now ally', 'carol is now caro']);
  });

  it('shows messages as data, never as markup: the text arrives exactly as sent', () => {
    const { out } = run(welcomed().state, line('BROADCAST bob <img src=x onerror=alert(1)>'), line('WHISPER bob alice <b>hi</b>'));
    expect(shown(out)).toEqual([
      { kind: 'chat', from: 'bob', text: '<img src=x onerror=alert(1)>' },
      { kind: 'chat', from: 'bob', to: 'alice', text: '<b>hi</b>' },
    ]);
  });

  it('a refused name goes back to the form with the server\'s reason', () => {
    const { state, out } = run(pageState('messenger', 'bob'), { kind: 'open' }, line('ERROR NAME-TAKEN bob is already taken — pick another name'));
    expect(out.at(-1)).toEqual({ kind: 'refused', reason: 'bob is already taken — pick another name' });
    expect(state.phase).toBe('out');
  });

  it('after a login, a lost connection reconnects and logs in again under the current name', () => {
    const renamed = run(welcomed().state, line('RENAMED alice ally')).state;
    const { state, out } = run(renamed, { kind: 'closed' }, { kind: 'closed' }, { kind: 'open' }, line('WELCOME ally Welcome, ally!'));
    expect(out.filter((o) => o.kind === 'reconnect')).toHaveLength(2);
    expect(shown(out).map((l) => l.kind === 'notice' && l.text)).toEqual(['Connection lost; reconnecting…', 'Reconnected as ally.']);
    expect(sent(out)).toEqual(['NAME ally', 'USERS']);
    expect(state.phase).toBe('in');
  });

  it('a server that cannot be reached before any login sends the person back to the form', () => {
    expect(run(pageState('messenger', 'alice'), { kind: 'closed' }).out).toEqual([{ kind: 'refused', reason: 'could not reach the chat server, or it closed the connection' }]);
  });

  it('leaving says QUIT, and nothing that arrives after it is shown or reconnected', () => {
    const { out } = run(welcomed().state, { kind: 'leave' }, line('BYE Goodbye, alice.'), { kind: 'closed' });
    expect(out).toEqual([{ kind: 'send', line: 'QUIT' }]);
  });
});

describe('the page in channels mode', () => {
  const loggedIn = () => run(pageState('channels', 'carl', 's3cret', true), { kind: 'open' }, line('RESULT REGISTER 1'), line('RESULT LOGIN 1'), line('RESULT CHANNELS general'));

  it('registers, logs in, and lists the channels', () => {
    const { state, out } = loggedIn();
    expect(sent(out)).toEqual(['REGISTER carl s3cret', 'LOGIN carl s3cret', 'CHANNELS']);
    expect(state).toMatchObject({ phase: 'in', channels: ['general'] });
  });

  it('acts in the chat only once the login is answered: a channel asked for before RESULT LOGIN sends nothing', () => {
    const early = run(pageState('channels', 'carl', 's3cret', true), { kind: 'open' }, line('RESULT REGISTER 1'),
      { kind: 'create', channel: 'lab' }, { kind: 'pick', channel: 'general' }, { kind: 'refresh' });
    expect(early.state.phase).toBe('loggingIn');
    expect(sent(early.out)).toEqual(['REGISTER carl s3cret', 'LOGIN carl s3cret']);
  });

  it('creates a channel and joins it; text then goes there; messages show their channel', () => {
    const { state, out } = run(loggedIn().state, { kind: 'create', channel: 'lab' }, line('RESULT CREATE lab 1'), line('RESULT JOIN lab 1'),
      { kind: 'say', text: 'hello' }, line('RECV carl lab hello'));
    expect(sent(out)).toEqual(['CREATE lab', 'JOIN lab', 'CHANNELS', 'SAY lab hello']);
    expect(state).toMatchObject({ joined: ['lab'], current: 'lab' });
    expect(shown(out).at(-1)).toEqual({ kind: 'chat', from: 'carl', channel: 'lab', text: 'hello' });
  });

  it('picking a channel joins it, or, once in it, only moves where text goes', () => {
    const inBoth = run(loggedIn().state, line('RESULT JOIN general 1'), line('RESULT JOIN lab 1')).state;
    const { state, out } = run(inBoth, { kind: 'pick', channel: 'general' });
    expect(out).toEqual([]);
    expect(state.current).toBe('general');
    expect(sent(update(state, { kind: 'pick', channel: 'random' }).out)).toEqual(['JOIN random']);
  });

  it('text before joining a channel says what to do instead of sending', () => {
    expect(shown(update(loggedIn().state, { kind: 'say', text: 'hi' }).out)[0]).toMatchObject({ kind: 'problem' });
  });

  it('a failed login goes back to the form', () => {
    const { out } = run(pageState('channels', 'carl', 'wrong'), { kind: 'open' }, line('RESULT LOGIN 0'));
    expect(sent(out)).toEqual(['LOGIN carl wrong']);
    expect(out.at(-1)).toMatchObject({ kind: 'refused' });
  });

  it('after a reconnect it logs in (not registers) again and rejoins its channels quietly', () => {
    const inside = run(loggedIn().state, line('RESULT JOIN general 1'), line('RESULT JOIN lab 1'), { kind: 'pick', channel: 'general' }).state;
    const { state, out } = run(inside, { kind: 'closed' }, { kind: 'open' }, line('RESULT LOGIN 1'), line('RESULT JOIN general 1'), line('RESULT JOIN lab 1'));
    expect(sent(out)).toEqual(['LOGIN carl s3cret', 'CHANNELS', 'JOIN general', 'JOIN lab']);
    expect(shown(out).map((l) => l.kind === 'notice' && l.text)).toEqual(['Connection lost; reconnecting…', 'Reconnected as carl.']);
    expect(state).toMatchObject({ joined: ['general', 'lab'], current: 'general' });
  });
});

describe('reconnect delays', () => {
  it('double from half a second up to ten seconds', () => {
    expect([0, 1, 2, 3, 4, 5, 10, 100].map((attempt) => reconnectDelay(attempt))).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  });

  it('take up to a quarter off with a spread, so many tabs do not come back at once', () => {
    expect(reconnectDelay(1, 0.5)).toBe(875);
    expect(reconnectDelay(10, 0.999)).toBeGreaterThanOrEqual(7500);
  });
});
