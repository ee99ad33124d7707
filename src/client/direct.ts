// The client side of the direct dialect: HELLO-FROM at connect, /send and /list; plain text goes to the
// user written to last. The server answers SEND with a bare SEND-OK, so sends wait in a queue to be shown.
import { note, same, type DialectClient } from './commands.js';
import { fields, listOf, splitVerb } from './text.js';
import { exit, send, type ClientState, type Step } from './types.js';

/** What a direct line looks like on screen, for lines that do not answer one of our sends. */
export function renderDirect(line: string): string | undefined {
  const [verb, rest] = splitVerb(line);
  switch (verb) {
    case 'DELIVERY': {
      const { words: [from], rest: text } = fields(rest, 1);
      return `[whisper from ${from}] ${text}`;
    }
    // direct: joined by `,` with no spaces
    case 'LIST-OK':
      return `Online: ${listOf(rest === '' ? [] : rest.split(','))}`;
    case 'BAD-RQST-HDR':
      return '! the server did not understand that command';
    default:
      return line === '' ? undefined : line;
  }
}

// direct: IN-USE, BUSY and BAD-RQST-BODY refuse the login and the server closes
const REFUSALS: Readonly<Record<string, (name: string) => string>> = {
  'IN-USE': (name) => `cannot log in as ${name}: the name is already in use — pick another name`,
  BUSY: (name) => `cannot log in as ${name}: the server is full, try again later`,
  'BAD-RQST-BODY': (name) => `cannot log in as ${name}: not a valid name (no spaces, commas or control characters)`,
  'BAD-RQST-HDR': (name) => `cannot log in as ${name}: the server did not understand the login`,
};

function loggingIn(state: ClientState, line: string): Step {
  const [verb, name] = splitVerb(line);
  if (verb === 'HELLO') {
    const me = name || state.me;
    return note({ ...state, me, phase: 'chatting' }, `Logged in as ${me} on ${state.server} (direct protocol).`);
  }
  const refusal = REFUSALS[line];
  return refusal ? { state: { ...state, phase: 'done' }, out: [exit(1, refusal(state.me))] } : same(state);
}

// direct: the server answers each SEND in order, so the oldest waiting send is the one answered
function answered(state: ClientState, line: string): Step | undefined {
  const [oldest, ...waiting] = state.pendingSends;
  if (!oldest) return undefined;
  const next = { ...state, pendingSends: waiting };
  if (line === 'SEND-OK') return note(next, `[whisper to ${oldest.to}] ${oldest.text}`);
  // a failed send does not leave plain text going to nobody: the prompt goes back to whom it was before
  const back: ClientState = next.target === oldest.to ? withTarget(next, oldest.before) : next;
  if (line === 'BAD-DEST-USER') return note(back, `! ${oldest.to} is not online`);
  if (line === 'BAD-RQST-BODY') return note(back, '! the server refused that message');
  return undefined;
}

function withTarget(state: ClientState, target: string | undefined): ClientState {
  const { target: _, ...rest } = state;
  return target === undefined ? rest : { ...rest, target };
}

function chatting(state: ClientState, line: string): Step {
  const answer = answered(state, line);
  if (answer) return answer;
  const text = renderDirect(line);
  return text === undefined ? same(state) : note(state, text);
}

function sendTo(state: ClientState, to: string, text: string): Step {
  const sent = state.target === undefined || state.target === to ? { to, text } : { to, text, before: state.target };
  const next = { ...state, target: to, pendingSends: [...state.pendingSends, sent] };
  return { state: next, out: [send(`SEND ${to} ${text}`)] };
}

export const direct: DialectClient = {
  connected: (state) => ({ state, out: [send(`HELLO-FROM ${state.me}`)] }),
  receive: (state, line) => (state.phase === 'connecting' ? loggingIn(state, line) : chatting(state, line)),
  plainText: (state, text) => (state.target === undefined ? note(state, 'use /send user text first; plain text then goes to that user') : sendTo(state, state.target, text)),
  plainHelp: () => 'send text to the user you wrote to last',
  prompt: (state) => `${state.me}${state.target ? ` → ${state.target}` : ''}> `,
  commands: [
    {
      name: 'send', aliases: ['whisper', 'w'], words: 1, text: true, usage: '/send user text', help: 'send text to one user',
      run: (state, [to], text) => sendTo(state, to!, text),
    },
    {
      name: 'list', aliases: ['users'], words: 0, text: false, usage: '/list', help: 'list who is online',
      run: (state) => ({ state, out: [send('LIST')] }),
    },
  ],
};
