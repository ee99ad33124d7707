// The bundled suites: conformance/<dialect>.rec in the package, found from this file wherever it was built to.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSuite, type Case, type CheckDialect, type Extension } from '../../../src/check/suite.js';

/** The package's root: the nearest folder above this file with a conformance/ folder (source or dist/ build). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'conformance')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the conformance/ folder of this package');
}

export function suiteFile(dialect: CheckDialect | Extension): string {
  return join(packageRoot(), 'conformance', `${dialect}.rec`);
}

export function loadSuite(dialect: CheckDialect | Extension): readonly Case[] {
  const file = suiteFile(dialect);
  const parsed = parseSuite(readFileSync(file, 'utf8'), relative(packageRoot(), file));
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.cases;
}
