// Reads ./.env if there is one. Node's own parser: the format is the common KEY=value one.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

export function readDotenv(path = '.env'): Record<string, string> {
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}
