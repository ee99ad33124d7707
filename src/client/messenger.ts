// The client side of the messenger dialect: NAME to log in, plain text broadcasts, /whisper, /rename, /users.
import { note, same, type DialectClient } from './commands.js';
import { fields, listOf, splitVerb } from './text.js';
import { exit, send, show, type ClientState, type Step } from './types.js';

/** What a messenger line looks like on screen for the user called `me`; undefined shows nothing. */
export function renderMessenger(line: string, me: string): string | undefined {
  const [verb, rest] = splitVerb(line);
  switch (verb) {
    case 'BROADCAST': {
      const { words: [from], rest: text } = fields(rest, 1);
      return `<${from}> ${text}`;
    }
    case 'WHISPER': {
      const { words: [from, to], rest: text } = fields(rest, 2);
      if (to === me) return `[whisper from ${from}] ${text}`;
      if (from === me) return `[whisper to ${to}] ${text}`;
      return `*whisper* <${from} → ${to}> ${text}`;
    }
    case 'JOINED':
      return `[${rest}] has joined`;
    case 'LEFT': {
      const { words: [who, how] } = fields(rest, 2);
      return how === 'lost' ? `[${who}] has left (connection lost)` : `[${who}] has left`;
    }
    case 'RENAMED': {
      const { words: [from, to] } = fields(rest, 2);
      return `[${from}] is now [${to}]`;
    }
    case 'USERS':
      return `Online: ${listOf(rest === '' ? [] : rest.split(', '))}`;
    case 'WELCOME':
      return fields(rest, 1).rest;
    case 'BYE':
      return rest;
    case 'ERROR':
      return `! ${fields(rest, 1).rest}`;
    default:
      return line === '' ? undefined : line;
  }
}

// messenger: until WELCOME, an ERROR means the name was refused; the client cannot go on without one
function loggingIn(state: ClientState, line: string): Step {
  const [verb, rest] = splitVerb(line);
  if (verb === 'WELCOME') {
    const { words: [name], rest: greeting } = fields(rest, 1);
    return { state: { ...state, me: name ?? state.me, phase: 'chatting' }, out: [show(greeting)] };
  }
  if (verb === 'ERROR') {
    const { words: [code], rest: text } = fields(rest, 1);
    const hint = code === 'NAME-TAKEN' ? ' — pick another name' : '';
    return { state: { ...state, phase: 'done' }, out: [exit(1, `cannot log in as ${state.me}: ${text}${hint}`)] };
  }
  return same(state);
}

function chatting(state: ClientState, line: string): Step {
  const [verb, rest] = splitVerb(line);
  // messenger: RENAMED goes to the renamer too, so it is how we learn our new name
  const renamed = verb === 'RENAMED' ? fields(rest, 2).words : [];
  const next = renamed[0] === state.me && renamed[1] ? { ...state, me: renamed[1] } : state;
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
