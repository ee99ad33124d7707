// `chat-server check`'s command line. Pure: argv in, options out.
import { readArgs } from '../config/args.js';
import type { DialectPorts } from './ports.js';
import { DIALECTS, EXTENSIONS, type CheckDialect, type Extension, type SuiteName } from './suite.js';

export const CHECK_USAGE = `Usage: chat-server check HOST:PORT --dialect channels|direct|messenger [options]
       chat-server check HOST:PORT --with cross-dialect [options]

Runs the bundled conformance suite of one protocol against any server that speaks it, one rule at a time,
each on its own connections with fresh names, and prints one row per rule: its clause id (as it stands in
the spec), ✓ passed, ✗ failed (with the exchange and the first difference) or - not checked (with the
reason). Exits 0 only when every selected rule ran and passed; 1 when a rule failed or was not checked
(the summary says which flag checks it, or how --skip leaves it out); 2 on a bad command line.
Run it against a server nobody else is using at the time: rules that list users expect only their own.

  --dialect D          channels, direct or messenger (required, except with --with cross-dialect alone)
  --json FILE          also write the results as JSON to FILE
  --timeout MS         how long each expected line may take (3000)
  --only IDS           run only these rules: clause ids or their beginnings (direct/SEND), comma-separated
  --skip IDS           leave these rules out (same form)
  --max-users N        the server's user limit, for the rules about a full server (else not checked)
  --max-line N         the server's line limit in characters, for the over-long line rules (else not checked)
  --with federation    also run the federation suite (with --dialect channels): the checker plays a peer
                       server from 127.0.0.2, which the server's peers file must list (any port)
  --name NAME          the server's federation name (its --name), for the federation suite
  --with cross-dialect also run the cross-dialect suite: one namespace of names, messages and user lists
                       across the dialects of one server (each connection speaks the dialect its first line
                       picks, on HOST:PORT unless that dialect has a port below)
  --direct-port P, --messenger-port P, --channels-port P
                       the port that speaks that dialect, when it is not HOST:PORT (an auto listener)
  --list               print the rules of the suite without running them
  -h, --help           show this help
`;

export interface CheckOptions {
  readonly host: string;
  readonly port: number;
  /** Absent only when the cross-dialect suite runs alone. */
  readonly dialect?: CheckDialect;
  /** The suites to run, in order: the dialect's, then the extensions'. */
  readonly suites: readonly SuiteName[];
  /** Ports of dialects that are not spoken on HOST:PORT. */
  readonly ports: DialectPorts;
  readonly json?: string;
  readonly timeoutMs: number;
  readonly only: readonly string[];
  readonly skip: readonly string[];
  readonly maxUsers?: number;
  readonly maxLine?: number;
  readonly list: boolean;
  readonly with: readonly Extension[];
  readonly serverName?: string;
  readonly federation: boolean;
}

export type CheckArgs = { readonly options: CheckOptions } | { readonly help: true } | { readonly error: string };

function count(value: string | undefined, flag: string, least: number): number | undefined | { error: string } {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  return n >= least ? n : { error: `${flag} must be a whole number of at least ${least}, got ${JSON.stringify(value)}` };
}

const ids = (values: readonly string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  const parsed = readArgs(argv, {
    dialect: { type: 'string' }, json: { type: 'string' }, timeout: { type: 'string' },
    only: { type: 'string', multiple: true }, skip: { type: 'string', multiple: true },
    'max-users': { type: 'string' }, 'max-line': { type: 'string' }, list: { type: 'boolean' },
    with: { type: 'string', multiple: true }, name: { type: 'string' },
    'direct-port': { type: 'string' }, 'messenger-port': { type: 'string' }, 'channels-port': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if ('error' in parsed) return { error: `${parsed.error} (see check --help)` };
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length !== 1) return { error: 'name one server as HOST:PORT, e.g. check 127.0.0.1:5378 --dialect direct (see check --help)' };
  const target = /^(.+):(\d{1,5})$/.exec(positionals[0]);
  const port = target ? Number(target[2]) : NaN;
  if (!target || !(port >= 1 && port <= 65535)) return { error: `${JSON.stringify(positionals[0])} is not HOST:PORT with a port from 1 to 65535` };
  const dialect = values.dialect as CheckDialect | undefined;
  const extensions = ids(values.with) as Extension[];
  const unknown = extensions.find((e) => !EXTENSIONS.includes(e));
  if (unknown) return { error: `--with ${unknown}: the suites of extensions are ${EXTENSIONS.join(', ')}` };
  // the cross-dialect suite speaks every dialect, so it alone needs no --dialect
  const alone = dialect === undefined && extensions.includes('cross-dialect');
  if (!alone && (!dialect || !DIALECTS.includes(dialect))) return { error: `--dialect must be one of ${DIALECTS.join(', ')}${dialect ? `, got ${JSON.stringify(dialect)}` : ''}` };
  if (extensions.includes('federation') && dialect !== 'channels') return { error: '--with federation is an extension of the channels dialect: use it with --dialect channels' };
  const timeout = count(values.timeout ?? '3000', '--timeout', 1);
  const maxUsers = count(values['max-users'], '--max-users', 1);
  const maxLine = count(values['max-line'], '--max-line', 1);
  for (const v of [timeout, maxUsers, maxLine]) if (typeof v === 'object') return v;
  const ports: Partial<Record<CheckDialect, number>> = {};
  for (const d of DIALECTS) {
    const p = count(values[`${d}-port`], `--${d}-port`, 1);
    if (typeof p === 'object') return p;
    if (p !== undefined && p > 65535) return { error: `--${d}-port must be a port from 1 to 65535, got ${p}` };
    if (p !== undefined) ports[d] = p;
  }
  return {
    options: {
      host: target[1].replace(/^\[(.*)\]$/, '$1'), port, ...(dialect ? { dialect } : {}),
      suites: [...(dialect ? [dialect] : []), ...new Set(extensions)], ports,
      ...(values.json ? { json: values.json } : {}),
      timeoutMs: timeout as number,
      only: ids(values.only), skip: ids(values.skip),
      ...(maxUsers !== undefined ? { maxUsers: maxUsers as number } : {}),
      ...(maxLine !== undefined ? { maxLine: maxLine as number } : {}),
      list: values.list ?? false,
      with: extensions,
      ...(values.name !== undefined ? { serverName: values.name } : {}),
      federation: extensions.includes('federation'),
    },
  };
}

/** Does a rule's id fall under one of these selectors (a whole id, or its beginning up to a `-` or `/`)? */
export function selects(selectors: readonly string[], id: string): boolean {
  return selectors.some((s) => id === s || id.startsWith(s.endsWith('/') || s.endsWith('-') ? s : s + '-') || id.startsWith(s + '/'));
}
