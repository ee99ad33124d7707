// On an `auto` listener the first line's verb picks the dialect for the life of the connection.
import type { Dialect } from '../core/types.js';

const FIRST_VERBS: ReadonlyMap<string, Dialect> = new Map([
  ['HELLO-FROM', 'direct'],
  ...['LOGIN', 'REGISTER', 'JOIN', 'CREATE', 'SAY', 'CHANNELS'].map((verb) => [verb, 'channels'] as const),
  ...['NAME', 'BROADCAST', 'WHISPER', 'USERS', 'QUIT'].map((verb) => [verb, 'messenger'] as const),
]);

/** The dialect a first line belongs to; undefined when no dialect knows its verb. */
export function detectDialect(line: string): Dialect | undefined {
  const space = line.indexOf(' ');
  return FIRST_VERBS.get(space < 0 ? line : line.slice(0, space));
}
