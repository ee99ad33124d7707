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

/** `/login pass` logs in with the default name; `/login user pass` with another. */
const account = (words: readonly string[], state: ClientState) =>
  (words.length === 1 ? { user: state.me, password: words[0]! } : { user: words[0]!, password: words[1]! });

export const channels: DialectClient = {
  connected: (state) => note({ ...state, phase: 'chatting' },
    `Connected to ${state.server} (channels protocol).`,
    `Create an account with /register password, then log in with /login password (as ${state.me}; name another user before the password to change that).`),
  receive,
  plainText: (state, text) =>
    (state.target === undefined ? note(state, 'join a channel first (/join channel), or use /say channel text') : { state, out: [send(`SAY ${state.target} ${text}`)] }),
  plainHelp: () => 'say text in the channel you joined last',
  prompt: (state) => `${state.loggedIn ? state.me : ''}${state.target ? ` #${state.target}` : ''}> `.trimStart(),
  commands: [
    {
      name: 'register', words: 2, optionalWords: 1, text: false, usage: '/register [user] password', help: (state) => `create an account (user: ${state.me} if left out)`,
      run: (state, words) => { const { user, password } = account(words, state); return { state, out: [send(`REGISTER ${user} ${password}`)] }; },
    },
    {
      name: 'login', words: 2, optionalWords: 1, text: false, usage: '/login [user] password', help: (state) => `log in (user: ${state.me} if left out)`,
      run: (state, words) => {
        const { user, password } = account(words, state);
        return { state: { ...state, pendingLogins: [...state.pendingLogins, user] }, out: [send(`LOGIN ${user} ${password}`)] };
      },
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
