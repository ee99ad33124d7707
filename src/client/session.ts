// The client as one pure function: update(state, event) → {state, out}. The I/O driver (streams/cli/client.ts)
// feeds it socket lines, typed lines and signals, and carries out what comes back.
import { answerSecret, channels } from './channels.js';
import { classify, findCommand, helpLines, note, runCommand, same, type DialectClient } from './commands.js';
import { direct } from './direct.js';
import { messenger } from './messenger.js';
import { printable } from './text.js';
import { exit, send, show, type ClientDialect, type ClientEvent, type ClientState, type Step } from './types.js';

const RULES: Readonly<Record<ClientDialect, DialectClient>> = { messenger, channels, direct };

export function update(state: ClientState, event: ClientEvent): Step {
  const rules = RULES[state.dialect];
  if (state.phase === 'done') return same(state);
  switch (event.kind) {
    case 'connected':
      return withHelpOnceLive(state, rules.connected(state), rules);
    case 'line':
      return withHelpOnceLive(state, rules.receive(state.heard ? state : { ...state, heard: true }, printable(event.text)), rules);
    case 'input':
      if (state.phase !== 'chatting') return same(state);
      return state.asking ? answerSecret(state, event.text) : typed(rules, state, event.text);
    case 'leave':
      return leave(rules, state);
    case 'closed':
      return closed(state, event.afterMs);
  }
}

export function promptOf(state: ClientState): string {
  return RULES[state.dialect].prompt(state);
}

// the welcome is followed by the command list, whichever line made the client go live
function withHelpOnceLive(before: ClientState, step: Step, rules: DialectClient): Step {
  if (before.phase !== 'connecting' || step.state.phase !== 'chatting') return step;
  return { state: step.state, out: [...step.out, ...helpLines(rules, step.state).map(show)] };
}

function typed(rules: DialectClient, state: ClientState, text: string): Step {
  const what = classify(text);
  switch (what.kind) {
    case 'empty':
      return same(state);
    case 'plain':
      return rules.plainText(state, what.text);
    case 'command': {
      if (what.name === 'help') return note(state, ...helpLines(rules, state));
      if (what.name === 'quit') return leave(rules, state);
      const command = findCommand(rules, what.name);
      return command ? runCommand(command, state, what.args) : note(state, `unknown command /${what.name}; type /help for the list`);
    }
  }
}

// messenger says QUIT and waits for the server to close (after BYE); the others just hang up
function leave(rules: DialectClient, state: ClientState): Step {
  if (state.phase === 'connecting') return { state: { ...state, phase: 'done' }, out: [exit(0)] };
  // a second Ctrl-C while waiting for the server: stop waiting
  if (state.phase === 'quitting') return { state: { ...state, phase: 'done' }, out: [exit(0)] };
  const quitting = { ...state, phase: 'quitting' as const };
  return rules.goodbye ? { state: quitting, out: [send(rules.goodbye)] } : { state: quitting, out: [{ kind: 'hangup' }] };
}

/** A typed line as it may stay on the screen: the password of `/login user password` hidden. */
export function shownAs(typed: string): string {
  const match = /^(\s*\/(?:login|register)\s+\S+\s+)(\S+)(\s*)$/iu.exec(typed);
  return match ? `${match[1]}${'*'.repeat(8)}${match[3]}` : typed;
}

/** What a connection that ends before the login is finished (or before the server said anything) most likely means. */
export function refusal(state: ClientState): string {
  if (!state.heard) {
    return `${state.server} closed the connection without a word — it is probably refusing connections: too many are open `
      + '(its CHAT_MAX_CONNECTIONS), or too many from your address (its CHAT_MAX_PER_ADDRESS); try again later';
  }
  return `${state.server} closed the connection before the login finished`;
}

/** A connection limit closes a connection at once; one closed without a login after this long was most likely timed out. */
const LOGIN_TIMEOUT_GUESS_MS = 1000;

function closed(state: ClientState, afterMs: number | undefined): Step {
  const done = { ...state, phase: 'done' as const };
  if (state.phase === 'quitting') return { state: done, out: [exit(0)] };
  // channels chats before it logs in; the others log in before they chat
  const notLoggedIn = state.phase === 'connecting' || (state.dialect === 'channels' && !state.loggedIn);
  if (notLoggedIn && afterMs !== undefined && afterMs >= LOGIN_TIMEOUT_GUESS_MS) {
    const seconds = Math.round(afterMs / 1000);
    return { state: done, out: [exit(1, `${state.server} closed the connection: no login within ${seconds} s — the server's login timeout? (its CHAT_LOGIN_TIMEOUT)`)] };
  }
  if (state.phase === 'connecting' || !state.heard) return { state: done, out: [exit(1, `cannot log in: ${refusal(state)}`)] };
  return { state: done, out: [exit(1, `lost the connection to ${state.server}`)] };
}
