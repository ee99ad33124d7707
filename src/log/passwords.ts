// Lines that carry a password (channels: `REGISTER name password`, `LOGIN name password`), found however they are
// spaced or cased, so neither a log nor a recording ever holds the password.

/** The verb, any whitespace, the name, any whitespace, then the rest: the password (and anything after it). */
const PASSWORD_LINE = /^(\s*(?:register|login)\s+)(\S+)(\s+)([\s\S]+)$/i;

export interface PasswordLine {
  /** Everything up to and including the whitespace after the name. */
  readonly head: string;
  readonly name: string;
  /** The password and whatever follows, split into words and the whitespace between them (odd indexes). */
  readonly rest: readonly string[];
}

/** The parts of a REGISTER or LOGIN line with a password in it; undefined for any other line. */
export function passwordLine(line: string): PasswordLine | undefined {
  const match = PASSWORD_LINE.exec(line);
  if (!match) return undefined;
  const [, verb, name, space, rest] = match;
  return { head: verb + name + space, name, rest: rest.split(/(\s+)/) };
}

/** The line with each word after the name replaced by `replace(word)`, the whitespace kept as it was. */
export function replacePasswords(line: string, replace: (name: string, word: string) => string): string {
  const found = passwordLine(line);
  if (!found) return line;
  return found.head + found.rest.map((part, i) => (i % 2 === 1 || part === '' ? part : replace(found.name, part))).join('');
}
