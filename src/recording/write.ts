// Turning a server's traffic into the recording format (see parse.ts): one event a line, passwords replaced
// by placeholders, controls escaped. Pure: the recorder in streams/ hands in what it saw and writes what comes back.
import { escapeControls, hasUnsafe } from '../log/escape.js';
import { replacePasswords } from '../log/passwords.js';

/**
 * Gives each account's distinct passwords placeholders, `$pw-alice-1`, `$pw-alice-2`…, the same one every time
 * that password comes back for that account; two accounts sharing a password never share a placeholder.
 */
export class Placeholders {
  private readonly names = new Map<string, string>();
  /** Placeholders given out per label (a name with other characters than letters, digits and _ is labelled `_`s). */
  private readonly counts = new Map<string, number>();

  of(account: string, password: string): string {
    const key = `${account}\u0000${password}`;
    let name = this.names.get(key);
    if (name === undefined) {
      const label = account.replace(/[^\p{L}\p{M}\p{N}_]/gu, '_');
      const count = (this.counts.get(label) ?? 0) + 1;
      this.counts.set(label, count);
      name = `$pw-${label}-${count}`;
      this.names.set(key, name);
    }
    return name;
  }
}

/** Verbs whose first argument brings a name into being: a user (NAME, HELLO-FROM), an account (REGISTER), a channel (CREATE). */
const NAMING_VERBS: ReadonlySet<string> = new Set(['NAME', 'HELLO-FROM', 'REGISTER', 'CREATE']);
/** Characters that continue a word: a name is marked only where none stands right before or after it (so
 * `alice,bob`, `bob@host`, `room:host`, `Welcome, alice!` are found, `malice` and `alice2` are not). A `.`
 * before counts too, so a name never matches the end of an address. */
const AFTER_NAME = String.raw`[\p{L}\p{M}\p{N}_$\-]`;
const BEFORE_NAME = String.raw`[\p{L}\p{M}\p{N}_$\-.]`;

/**
 * Names made during the recording, written as fresh names (`alice$`, see parse.ts) wherever they appear, in
 * what clients sent and in what the server answered alike, so the recording replays against the server
 * that made it (where `alice` is now taken) as well as against a new one. A name that does not end in a
 * letter or a digit cannot carry the `$` and stays as it is. A name that is also a word the server says
 * itself (a user named `here`) is marked in the server's own text too, and that recording will not replay.
 */
export class FreshNames {
  private readonly names = new Set<string>();
  private pattern: RegExp | undefined;

  /** Notes the name a sent line creates, if it creates one. */
  learn(line: string): void {
    const [verb, name] = line.split(' ');
    if (!NAMING_VERBS.has(verb!) || !name || name.includes('$') || !/[\p{L}\p{M}\p{N}_]$/u.test(name) || this.names.has(name)) return;
    this.names.add(name);
    this.pattern = undefined;
  }

  /** The line with every name made so far marked fresh. */
  mark(line: string): string {
    if (this.names.size === 0) return line;
    const alternatives = [...this.names].sort((a, b) => b.length - a.length).map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern ??= new RegExp(`(?<!${BEFORE_NAME})(${alternatives.join('|')})(?!${AFTER_NAME})`, 'gu');
    return line.replace(this.pattern, '$1$$');
  }
}

/** A line a client sent, its passwords replaced by placeholders: REGISTER or LOGIN in any case and spacing. */
export function withoutPasswords(line: string, placeholders: Placeholders): string {
  return replacePasswords(line, (account, password) => placeholders.of(account, password));
}

/** `c1 > text`, or `c1 >> text\n` with escapes when the line holds anything a plain line would not keep. */
export function sentLine(conn: string, text: string): string {
  const plain = !hasUnsafe(text, true) && !/\s$/.test(text);
  return plain ? `${conn} > ${text}` : `${conn} >> ${escapeControls(text, { backslashes: true })}\\n`;
}

/** `c1 < text`, or `c1 << text` with escapes when it holds a control (a client's text the server passed on). */
export function expectedLine(conn: string, text: string): string {
  return hasUnsafe(text, true) || /\s$/.test(text) ? `${conn} << ${escapeControls(text, { backslashes: true })}` : `${conn} < ${text}`;
}

export interface RecordedServer {
  readonly protocol: string;
  readonly maxUsers: number;
  readonly maxLineLength: number;
  readonly defaultMaxLineLength: number;
  /** Set when the server federates: its name and peers (`host:port`). */
  readonly federation?: { readonly name: string; readonly peers: readonly string[] };
}

/** The first lines of a recording: when it was made, and the @ settings an in-process replay needs to match the server. */
export function recordingHeader(server: RecordedServer, startedAt: string): string[] {
  return [
    `# recorded by chat-server --record, ${startedAt}; passwords are $pw-name-1, $pw-name-2… (replay fills them in)`,
    ...(server.protocol !== 'auto' ? [`@protocol ${server.protocol}`] : []),
    ...(server.maxUsers !== 16 ? [`@max-users ${server.maxUsers}`] : []),
    ...(server.maxLineLength !== server.defaultMaxLineLength ? [`@max-line ${server.maxLineLength}`] : []),
    ...(server.federation ? [`@name ${server.federation.name}`, `@peers ${server.federation.peers.join(' ')}`] : []),
  ];
}
