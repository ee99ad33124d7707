// A conformance suite: a recording split into cases by `@clause` headers, one case per rule of a spec.
//
//   @clause channels/JOIN-twice  JOIN of a channel you are in answers 0
//   a > REGISTER alice$ pw
//   …
//
// A clause id is `dialect/VERB-words`: the dialect, then the verb (or a topic such as NAMES) in upper case,
// then a few lower-case words; the same id stands in brackets in the spec, `[channels/JOIN-twice]`. Each case
// runs on its own connections with its own fresh tag for `$` names, so one failure never hides another.
import { parseRecording, type Recording } from '../recording/parse.js';

export const DIALECTS = ['channels', 'direct', 'messenger'] as const;
export type CheckDialect = (typeof DIALECTS)[number];
/** Suites of extensions a plain implementation need not have, run with `--with`. */
export const EXTENSIONS = ['federation', 'cross-dialect'] as const;
export type Extension = (typeof EXTENSIONS)[number];
export type SuiteName = CheckDialect | Extension;

export interface Case {
  readonly id: string;
  readonly title: string;
  /** The verb (or topic) the id names: the report groups by it. */
  readonly verb: string;
  readonly file: string;
  /** The line of its `@clause` header. */
  readonly line: number;
  /** The file's text with every line outside this case blanked, so a recording's line numbers are the file's. */
  readonly body: string;
}

const CLAUSE = /^@clause\s+(\S+)\s*(.*)$/;
/** A clause id: dialect, slash, an upper-case verb or topic (dashes allowed), then lower-case words. */
export const CLAUSE_ID = /^(channels|direct|messenger|federation|cross-dialect)\/([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)(?:-[a-z0-9][A-Za-z0-9]*)*$/;
/** How a spec names a clause in its text: the id in square brackets. */
export const SPEC_CLAUSE = /\[((?:channels|direct|messenger|federation|cross-dialect)\/[A-Za-z0-9-]+)\]/g;

export function verbOf(id: string): string {
  return CLAUSE_ID.exec(id)?.[2] ?? id;
}

/** The suite a clause id belongs to: the part before the slash (`cross-dialect/LIST-everyone` → cross-dialect). */
export function suiteOf(id: string): SuiteName | undefined {
  const name = CLAUSE_ID.exec(id)?.[1];
  return name as SuiteName | undefined;
}

/** Every clause id a spec's text names, in order of first mention. */
export function clausesOfSpec(text: string): string[] {
  return [...new Set([...text.matchAll(SPEC_CLAUSE)].map((m) => m[1]))];
}

export function parseSuite(text: string, file: string): { readonly cases: readonly Case[] } | { readonly error: string } {
  const lines = text.split('\n');
  const starts: { id: string; title: string; line: number }[] = [];
  for (const [index, raw] of lines.entries()) {
    const match = CLAUSE.exec(raw.trimEnd());
    if (!match) continue;
    if (!CLAUSE_ID.test(match[1])) return { error: `${file}:${index + 1}: ${JSON.stringify(match[1])} is not a clause id (dialect/VERB-words, e.g. channels/JOIN-twice)` };
    if (starts.some((s) => s.id === match[1])) return { error: `${file}:${index + 1}: clause ${match[1]} has a case already` };
    starts.push({ id: match[1], title: match[2].trim(), line: index + 1 });
  }
  const before = lines.slice(0, starts[0]?.line ?? lines.length - 1).find((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('@clause'));
  if (before !== undefined) return { error: `${file}: ${JSON.stringify(before)} comes before the first @clause` };
  const cases = starts.map((start, i) => {
    const end = starts[i + 1]?.line ?? lines.length + 1;
    const body = lines.map((l, index) => (index >= start.line && index < end - 1 ? l : '')).join('\n');
    return { id: start.id, title: start.title, verb: verbOf(start.id), file, line: start.line, body };
  });
  for (const c of cases) {
    const parsed = parseRecording(c.body);
    if ('error' in parsed) return { error: `${file}: ${parsed.error}` };
  }
  return { cases };
}

/** What the checker fills into a case's lines: `{overlong}` becomes text that makes the line longer than the limit,
 * `{name}` the server's federation name. */
export interface Fill {
  readonly tag: string;
  readonly maxLine?: number;
  readonly serverName?: string;
}

/** The case as one run plays it: its `$` names made fresh, its placeholders filled. */
export function instantiate(c: Case, { tag, maxLine, serverName }: Fill): Recording {
  let body = maxLine === undefined ? c.body : c.body.replaceAll('{overlong}', 'x'.repeat(maxLine + 1));
  if (serverName !== undefined) body = body.replaceAll('{name}', serverName);
  const parsed = parseRecording(body, { tag });
  if ('error' in parsed) throw new Error(parsed.error); // parseSuite checked every case
  return parsed;
}
