// The client side of the messenger dialect: NAME to log in, plain text broadcasts, /whisper, /rename, /users.
import { note, same, type DialectClient } from './commands.js';
import { readMessenger } from './read.js';
import { listOf } from './text.js';
import { exit, send, show, type ClientState, type Step } from './types.js';

/** What a messenger line looks like on screen for the user called `me`; undefined shows nothing. */
export function renderMessenger(line: string, me: string): string | undefined {
  const event = readMessenger(line);
  switch (event.kind) {
    case 'broadcast':
      return `<${event.from}> ${event.text}`;
    case 'whisper':
      if (event.to === me) return `[whisper from ${event.from}] ${event.text}`;
      if (event.from === me) return `[whisper to ${event.to}] ${event.text}`;
      return `*whisper* <${event.from} → ${event.to}> ${event.text}`;
    case 'joined':
      return `[${event.name}] has joined`;
    case 'left':
      return event.lost ? `[${event.name}] has left (connection lost)` : `[${event.name}] has left`;
    case 'renamed':
      return `[${event.from}] is now [${event.to}]`;
    case 'users':
      return `Online: ${listOf(event.names)}`;
    case 'welcome':
    case 'bye':
      return event.text;
    case 'error':
      return `! ${event.text}`;
    default:
      return line === '' ? undefined : line;
  }
}

/** The greeting names the protocol's HELP, for raw clients; here the command is /help. */
const forThisClient = (text: string) => text.replace(/\bType HELP for commands\.$/, 'Type /help for commands.');

// messenger: until WELCOME, an ERROR means the name was refused; the client cannot go on without one
function loggingIn(state: ClientState, line: string): Step {
  const event = readMessenger(line);
  if (event.kind === 'welcome') return { state: { ...state, me: event.name || state.me, phase: 'chatting' }, out: [show(forThisClient(event.text))] };
  if (event.kind === 'error') {
    const hint = event.code === 'NAME-TAKEN' ? ' — pick another name' : '';
    return { state: { ...state, phase: 'done' }, out: [exit(1, `cannot log in as ${state.me}: ${event.text}${hint}`)] };
  }
  return same(state);
}

function chatting(state: ClientState, line: string): Step {
  const event = readMessenger(line);
  // messenger: RENAMED goes to the renamer too, so it is how we learn our new name
  const next = event.kind === 'renamed' && event.from === state.me && event.to !== '' ? { ...state, me: event.to } : state;
  const text = renderMessenger(line, state.me);
  return text === undefined ? same(next) : { state: next, out: [show(text)] };
}

export const messenger: DialectClient = {
  connected: (state) => ({ state, out: [send(`NAME ${state.me}`)] }),
  receive: (state, line) => (state.phase === 'connecting' ? loggingIn(state, line) : chatting(state, line)),
  plainText: (state, text) => ({ state, out: [send(`BROADCAST ${text}`)] }),
  plainHelp: () => 'send text to everyone (start with // to send a leading /)',
  goodbye: 'QUIT',
  prompt: (state) => `${state.me}> `,
  commands: [
    {
      name: 'whisper', aliases: ['w'], words: 1, text: true, usage: '/whisper user text', help: 'send text to one user only',
      run: (state, [to], text) => ({ state, out: [send(`WHISPER ${to} ${text}`)] }),
    },
    {
      name: 'rename', words: 1, text: false, usage: '/rename name', help: 'change your name',
      run: (state, [name]) => (name === state.me ? note(state, `you are already called ${name}`) : { state, out: [send(`NAME ${name}`)] }),
    },
    {
      name: 'users', words: 0, text: false, usage: '/users', help: 'list who is online',
      run: (state) => ({ state, out: [send('USERS')] }),
    },
  ],
};
