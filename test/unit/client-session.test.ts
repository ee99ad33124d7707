// The client as a whole, event by event: logging in, staying in step with the server, leaving.
import { describe, expect, it } from 'vitest';
import { promptOf, update } from '../../src/client/session.js';
import { initialState, type ClientDialect, type ClientEvent, type ClientState, type Output } from '../../src/client/types.js';

/** Runs the events from a fresh client called alice; returns the final state and every output. */
function run(dialect: ClientDialect, ...events: Array<ClientEvent | string>): { state: ClientState; out: Output[] } {
  let state = initialState(dialect, 'alice', 'localhost:5378');
  const out: Output[] = [];
  for (const event of events) {
    const step = update(state, typeof event === 'string' ? { kind: 'line', text: event } : event);
    state = step.state;
    out.push(...step.out);
  }
  return { state, out };
}

const connected: ClientEvent = { kind: 'connected' };
const closed: ClientEvent = { kind: 'closed' };
const leave: ClientEvent = { kind: 'leave' };
const input = (text: string): ClientEvent => ({ kind: 'input', text });
const shown = (out: readonly Output[]) => out.flatMap((o) => (o.kind === 'show' ? [o.text] : []));
const sent = (out: readonly Output[]) => out.flatMap((o) => (o.kind === 'send' ? [o.line] : []));
const exits = (out: readonly Output[]) => out.filter((o) => o.kind === 'exit');

describe('messenger session', () => {
  const welcome = 'WELCOME alice Welcome, alice! nobody else is here yet. Type HELP for commands.';

  it('logs in with NAME as soon as it connects', () => {
    expect(run('messenger', connected).out).toEqual([{ kind: 'send', line: 'NAME alice' }]);
  });

  it('after WELCOME shows the greeting, then the command list, and the prompt goes live', () => {
    const { state, out } = run('messenger', connected, welcome);
    expect(state.phase).toBe('chatting');
    expect(shown(out)[0]).toBe('Welcome, alice! nobody else is here yet. Type /help for commands.');
    expect(shown(out)[1]).toBe('Commands:');
    expect(shown(out).join('\n')).toContain('/whisper user text');
    expect(promptOf(state)).toBe('alice> ');
  });

  it('a taken name ends the client with exit code 1 and says why', () => {
    const { state, out } = run('messenger', connected, 'ERROR NAME-TAKEN alice is already taken');
    expect(state.phase).toBe('done');
    expect(exits(out)).toEqual([{ kind: 'exit', code: 1, error: 'cannot log in as alice: alice is already taken — pick another name' }]);
  });

  it('an invalid name ends the client with exit code 1 and the server\'s reason', () => {
    const { out } = run('messenger', connected, 'ERROR NAME-INVALID names are 1-32 characters, with no spaces or commas');
    expect(exits(out)).toEqual([{ kind: 'exit', code: 1, error: 'cannot log in as alice: names are 1-32 characters, with no spaces or commas' }]);
  });

  it('after the login, an error is only shown: the client goes on', () => {
    const { state, out } = run('messenger', connected, welcome, 'ERROR NAME-TAKEN bob is already taken');
    expect(state.phase).toBe('chatting');
    expect(shown(out).at(-1)).toBe('! bob is already taken');
    expect(exits(out)).toEqual([]);
  });

  it('follows its own rename: whispers and the prompt use the new name', () => {
    const { state, out } = run('messenger', connected, welcome, 'RENAMED alice alicia', 'WHISPER bob alicia psst');
    expect(state.me).toBe('alicia');
    expect(promptOf(state)).toBe('alicia> ');
    expect(shown(out).slice(-2)).toEqual(['[alice] is now [alicia]', '[whisper from bob] psst']);
  });

  it('someone else renaming does not change our name', () => {
    expect(run('messenger', connected, welcome, 'RENAMED bob robert').state.me).toBe('alice');
  });

  it('/quit says QUIT, shows BYE, and exits 0 once the server closes', () => {
    const { state, out } = run('messenger', connected, welcome, input('/quit'), 'BYE Goodbye, alice.', closed);
    expect(sent(out)).toEqual(['NAME alice', 'QUIT']);
    expect(shown(out).at(-1)).toBe('Goodbye, alice.');
    expect(exits(out)).toEqual([{ kind: 'exit', code: 0 }]);
    expect(state.phase).toBe('done');
  });

  it('Ctrl-C or Ctrl-D says QUIT too; a second one stops waiting for the server', () => {
    const once = run('messenger', connected, welcome, leave);
    expect(sent(once.out).at(-1)).toBe('QUIT');
    expect(once.state.phase).toBe('quitting');
    expect(exits(run('messenger', connected, welcome, leave, leave).out)).toEqual([{ kind: 'exit', code: 0 }]);
  });

  it('a connection lost while chatting exits 1 and says so', () => {
    expect(exits(run('messenger', connected, welcome, closed).out)).toEqual([{ kind: 'exit', code: 1, error: 'lost the connection to localhost:5378' }]);
  });

  it('a connection closed before the server said a word is called a refusal at the door, exit 1', () => {
    expect(exits(run('messenger', connected, closed).out)).toEqual([{ kind: 'exit', code: 1,
      error: 'cannot log in: localhost:5378 closed the connection without a word — it is probably refusing connections: too many are open (its CHAT_MAX_CONNECTIONS), or too many from your address (its CHAT_MAX_PER_ADDRESS); try again later' }]);
    expect(exits(run('channels', connected, closed).out)[0]).toMatchObject({ code: 1, error: expect.stringContaining('without a word') });
  });

  it('a connection closed without a login after a while is blamed on the login timeout, not on a full server', () => {
    const late: ClientEvent = { kind: 'closed', afterMs: 3200 };
    const error = "localhost:5378 closed the connection: no login within 3 s — the server's login timeout? (its CHAT_LOGIN_TIMEOUT)";
    // channels: the person was still reading the help, never logged in
    expect(exits(run('channels', connected, input('/help'), late).out)).toEqual([{ kind: 'exit', code: 1, error }]);
    expect(exits(run('direct', connected, late).out)).toEqual([{ kind: 'exit', code: 1, error }]);
    // at once, it is still a refusal at the door; after a login, a lost connection
    expect(exits(run('channels', connected, { kind: 'closed', afterMs: 5 }).out)[0]).toMatchObject({ error: expect.stringContaining('without a word') });
    expect(exits(run('channels', connected, input('/login bob pw'), 'RESULT LOGIN 1', late).out)[0]).toMatchObject({ error: 'lost the connection to localhost:5378' });
  });

  it('a connection closed after a line but before the login finished says so, exit 1', () => {
    expect(exits(run('messenger', connected, 'NOTICE hello', closed).out)).toEqual([{ kind: 'exit', code: 1, error: 'cannot log in: localhost:5378 closed the connection before the login finished' }]);
  });

  it('a full server is its own refusal, with the server\'s words', () => {
    expect(exits(run('messenger', connected, 'ERROR SERVER-FULL the server is full, try again later').out)).toEqual([{ kind: 'exit', code: 1, error: 'cannot log in as alice: the server is full, try again later' }]);
    expect(exits(run('direct', connected, 'BUSY').out)).toEqual([{ kind: 'exit', code: 1, error: 'cannot log in as alice: the server is full, try again later' }]);
  });

  it('nothing happens after the end', () => {
    expect(run('messenger', connected, welcome, closed, 'BROADCAST bob late', input('hi'), closed).out.slice(-1)).toEqual([{ kind: 'exit', code: 1, error: 'lost the connection to localhost:5378' }]);
  });

  it('escape sequences from the server are defused before they are shown', () => {
    expect(shown(run('messenger', connected, welcome, 'BROADCAST bob \u001b[2Jgotcha').out).at(-1)).toBe('<bob> \uFFFD[2Jgotcha');
  });
});

describe('channels session', () => {
  it('goes straight to the prompt on connect, sends nothing, and says how to log in', () => {
    const { state, out } = run('channels', connected);
    expect(state.phase).toBe('chatting');
    expect(sent(out)).toEqual([]);
    expect(shown(out).join('\n')).toMatch(/\/register, then log in with \/login \(as alice.*asks for the password without showing it/s);
    expect(shown(out).join('\n')).toContain('/say channel text');
    expect(promptOf(state)).toBe('> ');
  });

  it('a successful login makes the logged-in name ours, even when another name was used', () => {
    const { state, out } = run('channels', connected, input('/login bob pw'), 'RESULT LOGIN 1');
    expect(state).toMatchObject({ me: 'bob', loggedIn: true, pendingLogins: [] });
    expect(shown(out).at(-1)).toBe('Logged in as bob');
    expect(promptOf(state)).toBe('bob> ');
  });

  it('a failed login keeps the default name and stays logged out', () => {
    const { state, out } = run('channels', connected, input('/login pw'), 'RESULT LOGIN 0');
    expect(state).toMatchObject({ me: 'alice', loggedIn: false, pendingLogins: [] });
    expect(shown(out).at(-1)).toMatch(/^! login failed/);
    expect(exits(out)).toEqual([]);
  });

  it('a joined channel becomes where plain text goes, and shows in the prompt', () => {
    const { state, out } = run('channels', connected, input('/login'), input('pw'), 'RESULT LOGIN 1', input('/join general'), 'RESULT JOIN general 1', input('hi all'));
    expect(state.target).toBe('general');
    expect(promptOf(state)).toBe('alice #general> ');
    expect(sent(out).at(-1)).toBe('SAY general hi all');
  });

  it('a refused join does not change where plain text goes', () => {
    expect(run('channels', connected, 'RESULT JOIN general 0').state.target).toBeUndefined();
  });

  it('/quit hangs up and exits 0 when the connection closes', () => {
    const { out } = run('channels', connected, input('/quit'), closed);
    expect(out.filter((o) => o.kind === 'hangup' || o.kind === 'exit')).toEqual([{ kind: 'hangup' }, { kind: 'exit', code: 0 }]);
  });
});

describe('direct session', () => {
  it('logs in with HELLO-FROM, then shows who it is and the commands', () => {
    const { state, out } = run('direct', connected, 'HELLO alice');
    expect(sent(out)).toEqual(['HELLO-FROM alice']);
    expect(state.phase).toBe('chatting');
    expect(shown(out)[0]).toBe('Logged in as alice on localhost:5378 (direct protocol).');
    expect(shown(out).join('\n')).toContain('/send user text');
  });

  it.each([
    ['IN-USE', 'cannot log in as alice: the name is already in use — pick another name'],
    ['BUSY', 'cannot log in as alice: the server is full, try again later'],
    ['BAD-RQST-BODY', 'cannot log in as alice: not a valid name (no spaces, commas or control characters)'],
  ])('%s refuses the login: exit 1 with a reason', (reply, error) => {
    expect(exits(run('direct', connected, reply).out)).toEqual([{ kind: 'exit', code: 1, error }]);
  });

  it('SEND-OK and BAD-DEST-USER answer the sends in order', () => {
    const { state, out } = run('direct', connected, 'HELLO alice', input('/send bob hi'), input('/send nobody hey'), 'DELIVERY bob hi back', 'SEND-OK', 'BAD-DEST-USER');
    expect(shown(out).slice(-3)).toEqual(['[whisper from bob] hi back', '[whisper to bob] hi', '! nobody is not online']);
    expect(state.pendingSends).toEqual([]);
  });

  it('the prompt shows who plain text goes to', () => {
    expect(promptOf(run('direct', connected, 'HELLO alice', input('/send bob hi')).state)).toBe('alice → bob> ');
  });
});
