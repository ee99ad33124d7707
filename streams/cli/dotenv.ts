// Reads ./.env if there is one.
import { readFileSync } from 'node:fs';
import { parseDotenv } from '../../src/config/dotenv.js';

export interface Dotenv {
  readonly values: Record<string, string>;
  /** Each name's line, for an error about its value. */
  readonly lines: Record<string, number>;
}

/** The file's variables; throws with the file and line when it cannot be read or has a line that is not NAME=value. */
export function readDotenv(path = '.env'): Dotenv {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { values: {}, lines: {} };
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed = parseDotenv(text);
  if ('error' in parsed) throw new Error(`${path} ${parsed.error}`);
  return { values: { ...parsed.values }, lines: { ...parsed.lines } };
}
