// The client side of the channels dialect: accounts (/register, /login) and channels (/create, /join, /say).
// The username from the command line is only the default account name for /register and /login.
import { note, same, type DialectClient } from './commands.js';
import { readChannels } from './read.js';
import { listOf } from './text.js';
import { send, show, type ClientState, type Step } from './types.js';

/** What a channels line looks like on screen; undefined shows nothing. */
export function renderChannels(line: string): string | undefined {
  const event = readChannels(line);
  if (event.kind === 'said') return `#${event.channel} <${event.from}> ${event.text}`;
  if (event.kind === 'channels') return `Channels: ${listOf(event.names, 'none yet')}`;
  if (event.kind !== 'result') return line === '' ? undefined : line;
  const { ok, subject } = event;
  switch (event.what) {
    case 'REGISTER':
      return ok ? 'Account created; now /login' : '! could not register: the name is taken or not valid';
    case 'LOGIN':
      return ok ? 'Logged in' : '! login failed: wrong name or password, or already logged in';
    case 'CREATE':
      return ok ? `Created #${subject}; /join it to talk there` : `! could not create #${subject}: log in first; it may exist already or be an invalid name`;
    case 'JOIN':
      return ok ? `Joined #${subject}; plain text now goes there` : `! could not join #${subject}: log in first; it may not exist, or you are in it already`;
    case 'SAY':
      return '! not delivered: log in and join the channel first';
    default:
      return line;
  }
}

function receive(state: ClientState, line: string): Step {
  const event = readChannels(line);
  let next = state;
  const loggedIn = event.kind === 'result' && event.what === 'LOGIN' && event.ok;
  if (event.kind === 'result' && event.what === 'LOGIN') {
    const [name, ...waiting] = state.pendingLogins;
    next = { ...state, pendingLogins: waiting };
    if (loggedIn && name !== undefined) next = { ...next, me: name, loggedIn: true };
  }
  if (event.kind === 'result' && event.what === 'JOIN' && event.ok && event.subject !== undefined) next = { ...next, target: event.subject };
  const text = loggedIn ? `Logged in as ${next.me}` : renderChannels(line);
  return text === undefined ? same(next) : { state: next, out: [show(text)] };
}

/**
 * `/login` and `/register` (as the default name) or `/login user` ask for the password, which is then
 * typed without being shown; `/login user password` sends at once.
 */
function account(verb: 'REGISTER' | 'LOGIN', state: ClientState, words: readonly string[]): Step {
  const user = words[0] ?? state.me;
  if (words.length === 2) return withAccount(verb, state, user, words[1]!);
  return { state: { ...state, asking: { verb, user } }, out: [{ kind: 'askSecret', prompt: `password for ${user} (not shown): ` }] };
}

function withAccount(verb: 'REGISTER' | 'LOGIN', state: ClientState, user: string, password: string): Step {
  const next = verb === 'LOGIN' ? { ...state, pendingLogins: [...state.pendingLogins, user] } : state;
  return { state: next, out: [send(`${verb} ${user} ${password}`)] };
}

/** The password typed after `/login` or `/register` asked for it. */
export function answerSecret(state: ClientState, typed: string): Step {
  const { asking, ...rest } = state;
  if (!asking) return same(state);
  if (typed === '' || /\s/u.test(typed)) return note(rest, '! a password is one word; try again');
  return withAccount(asking.verb, rest, asking.user, typed);
}

export const channels: DialectClient = {
  connected: (state) => note({ ...state, phase: 'chatting' },
    `Connected to ${state.server} (channels protocol).`,
    `Create an account with /register, then log in with /login (as ${state.me}; add another name to change that); each asks for the password without showing it.`),
  receive,
  plainText: (state, text) =>
    (state.target === undefined ? note(state, 'join a channel first (/join channel), or use /say channel text') : { state, out: [send(`SAY ${state.target} ${text}`)] }),
  plainHelp: () => 'say text in the channel you joined last',
  prompt: (state) => `${state.loggedIn ? state.me : ''}${state.target ? ` #${state.target}` : ''}> `.trimStart(),
  commands: [
    {
      name: 'register', words: 2, optionalWords: 2, text: false, usage: '/register [user]', help: (state) => `create an account (user: ${state.me} if left out); asks for the password`,
      run: (state, words) => account('REGISTER', state, words),
    },
    {
      name: 'login', words: 2, optionalWords: 2, text: false, usage: '/login [user]', help: (state) => `log in (user: ${state.me} if left out); asks for the password`,
      run: (state, words) => account('LOGIN', state, words),
    },
    {
      name: 'channels', words: 0, text: false, usage: '/channels', help: 'list every channel',
      run: (state) => ({ state, out: [send('CHANNELS')] }),
    },
    {
      name: 'create', words: 1, text: false, usage: '/create channel', help: 'create a channel',
      run: (state, [channel]) => ({ state, out: [send(`CREATE ${channel}`)] }),
    },
    {
      name: 'join', words: 1, text: false, usage: '/join channel', help: 'join a channel (channel:host for a federated one)',
      run: (state, [channel]) => ({ state, out: [send(`JOIN ${channel}`)] }),
    },
    {
      name: 'say', words: 1, text: true, usage: '/say channel text', help: 'say text in a channel you joined',
      run: (state, [channel], text) => ({ state, out: [send(`SAY ${channel} ${text}`)] }),
    },
  ],
};
