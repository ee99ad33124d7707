// Reads ./.env if there is one.
import { readFileSync } from 'node:fs';
import { parseDotenv } from '../../src/config/dotenv.js';

/** The file's variables; throws with the file and line when it cannot be read or has a line that is not NAME=value. */
export function readDotenv(path = '.env'): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed = parseDotenv(text);
  if ('error' in parsed) throw new Error(`${path} ${parsed.error}`);
  return { ...parsed.values };
}
