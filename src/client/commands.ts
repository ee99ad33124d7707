// What every dialect's client offers: a table of slash commands, plain text, and a reader of server lines.
// The generic part (/help, /quit, unknown commands, usage hints) lives here, once.
import { takeWords } from './text.js';
import { show, type ClientState, type Step } from './types.js';

export interface Command {
  readonly name: string;
  readonly aliases?: readonly string[];
  /** Words before the free text, e.g. 1 for `/whisper user text`. */
  readonly words: number;
  /** Whether free text after the words is required (true) or must be absent (false). */
  readonly text: boolean;
  /** How many of the words may be left out (channels: `/login pass` uses the default name). */
  readonly optionalWords?: number;
  readonly usage: string;
  /** A sentence for /help; a function when it mentions the state (the default account name). */
  readonly help: string | ((state: ClientState) => string);
  readonly run: (state: ClientState, words: readonly string[], text: string) => Step;
}

export interface DialectClient {
  /** What to do once the TCP connection is open: log in, or go straight to the prompt. */
  readonly connected: (state: ClientState) => Step;
  /** Turns one line from the server into state changes and text for the screen. */
  readonly receive: (state: ClientState, line: string) => Step;
  readonly commands: readonly Command[];
  /** What plain text (no leading `/`) does. */
  readonly plainText: (state: ClientState, text: string) => Step;
  /** One line of /help describing plain text. */
  readonly plainHelp: (state: ClientState) => string;
  /** The line that says goodbye before closing, when the dialect has one. */
  readonly goodbye?: string;
  readonly prompt: (state: ClientState) => string;
}

export const same = (state: ClientState): Step => ({ state, out: [] });
export const note = (state: ClientState, ...lines: string[]): Step => ({ state, out: lines.map(show) });

const USAGE_WIDTH = 28;

export function helpLines(rules: DialectClient, state: ClientState): string[] {
  const row = (usage: string, help: string) => `  ${usage.padEnd(USAGE_WIDTH)}${help}`;
  return [
    'Commands:',
    row('text', rules.plainHelp(state)),
    ...rules.commands.map((c) => row(c.usage, (typeof c.help === 'string' ? c.help : c.help(state)) + (c.aliases?.length ? ` (also ${c.aliases.map((a) => '/' + a).join(', ')})` : ''))),
    row('/help', 'show this list'),
    row('/quit', 'leave (Ctrl-C and Ctrl-D too)'),
  ];
}

export type Typed =
  | { readonly kind: 'empty' }
  | { readonly kind: 'plain'; readonly text: string }
  | { readonly kind: 'command'; readonly name: string; readonly args: string };

/** Sorts out what a person typed. `//text` is plain text that starts with `/`. */
export function classify(typed: string): Typed {
  if (typed.trim() === '') return { kind: 'empty' };
  if (typed.startsWith('//')) return { kind: 'plain', text: typed.slice(1) };
  if (!typed.startsWith('/')) return { kind: 'plain', text: typed };
  const { words, rest } = takeWords(typed.slice(1), 1);
  return { kind: 'command', name: (words[0] ?? '').toLowerCase(), args: rest };
}

export function findCommand(rules: DialectClient, name: string): Command | undefined {
  return rules.commands.find((c) => c.name === name || c.aliases?.includes(name));
}

/** Runs a dialect command, or answers with its usage when the arguments do not fit. */
export function runCommand(command: Command, state: ClientState, args: string): Step {
  const { words, rest } = takeWords(args, command.words);
  const missing = command.words - words.length;
  const fits = missing <= (command.optionalWords ?? 0) && (command.text ? rest !== '' : rest === '');
  return fits ? command.run(state, words, rest) : note(state, `usage: ${command.usage}`);
}
