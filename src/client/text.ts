// Small string helpers shared by the client's parsers and renderers.

/** `'WHISPER bob hi  there'` → `['WHISPER', 'bob hi  there']`: the first word and everything after one space. */
export function splitVerb(line: string): readonly [string, string] {
  const space = line.indexOf(' ');
  return space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)];
}

/**
 * Splits a server line the way the protocols do: `count` fields, each ended by one space, then the rest
 * exactly as sent. `fields('alice bob  hi', 2)` → `{ words: ['alice', 'bob'], rest: ' hi' }`.
 */
export function fields(line: string, count: number): { readonly words: readonly string[]; readonly rest: string } {
  const words: string[] = [];
  let rest = line;
  while (words.length < count && rest !== '') {
    const [word, after] = splitVerb(rest);
    words.push(word);
    rest = after;
  }
  return { words, rest };
}

/**
 * Takes `count` whitespace-separated words off the front of what a person typed and returns them with the
 * rest (inner spacing kept). `takeWords('bob   hi  there', 1)` → `{ words: ['bob'], rest: 'hi  there' }`.
 */
export function takeWords(typed: string, count: number): { readonly words: readonly string[]; readonly rest: string } {
  const words: string[] = [];
  let rest = typed.trimStart();
  while (words.length < count && rest !== '') {
    const match = /^(\S+)\s*/u.exec(rest)!;
    words.push(match[1]!);
    rest = rest.slice(match[0].length);
  }
  return { words, rest: rest.trimEnd() };
}

// A server could send escape sequences that move the cursor or recolour the terminal; show them as U+FFFD.
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/gu, '\uFFFD');
}

/** `alice, bob` from `['alice', 'bob']`, or a word for none. */
export function listOf(names: readonly string[], none = 'nobody'): string {
  return names.length === 0 ? none : names.join(', ');
}
