// Which rules a run checks, and how: a case's @ settings against what the tester told the checker.
import type { Recording } from '../recording/parse.js';
import { selects } from './args.js';
import type { Case, CheckDialect } from './suite.js';

export interface PlanOptions {
  readonly only: readonly string[];
  readonly skip: readonly string[];
  readonly maxUsers?: number;
  readonly maxLine?: number;
  /** The server's federation name (`--name`), for `{name}` in the federation suite. */
  readonly serverName?: string;
  /** `--with federation`: the tester listed the checker's peer address (127.0.0.2) in the server's peers file. */
  readonly federation?: boolean;
}

/** Sends and expects that log a filler user in, so a case written for a user limit of 2 runs against 16. */
export interface Filler {
  readonly line: (name: string) => string;
  /** What the server answers a filler's login with (match syntax, see match.ts). */
  readonly answer: (name: string) => string;
}

export const FILLERS: Readonly<Record<CheckDialect, Filler | undefined>> = {
  direct: { line: (n) => `HELLO-FROM ${n}`, answer: (n) => `HELLO ${n}` },
  messenger: { line: (n) => `NAME ${n}`, answer: (n) => `WELCOME ${n} …` },
  channels: undefined, // channels has no user limit
};

export type Planned =
  | { readonly run: true; readonly fillers: number; readonly maxLine?: number; readonly serverName?: string }
  | { readonly run: false; readonly reason: string; /** The flag that would let it run, if any. */ readonly flag?: string };

export function selected(c: Case, options: PlanOptions): boolean {
  return (options.only.length === 0 || selects(options.only, c.id)) && !selects(options.skip, c.id);
}

/** How a case runs against a live server, or why it cannot. */
export function plan({ settings, events }: Recording, options: PlanOptions): Planned {
  if (events.some((e) => e.op === 'breakWrites')) return { run: false, reason: 'it breaks a socket (`!w`), which only the in-process server can stage' };
  let fillers = 0;
  let maxLine: number | undefined;
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'max-users') {
      const wanted = Number(value);
      if (options.maxUsers === undefined) return { run: false, reason: `it needs the server's user limit: pass --max-users N`, flag: '--max-users N' };
      if (options.maxUsers < wanted) return { run: false, reason: `it needs a user limit of at least ${wanted}` };
      fillers = options.maxUsers - wanted;
    } else if (key === 'max-line') {
      if (options.maxLine === undefined) return { run: false, reason: `it needs the server's line limit: pass --max-line N`, flag: '--max-line N' };
      maxLine = options.maxLine;
    } else if (key === 'name') {
      if (options.serverName === undefined) return { run: false, reason: "it needs the server's federation name: pass --name NAME", flag: '--name NAME' };
    } else if (key === 'peers') {
      if (!options.federation) return { run: false, reason: 'it plays a peer server: pass --with federation', flag: '--with federation' };
    } else if (key !== 'protocol') {
      return { run: false, reason: `it needs @${key}${value ? ' ' + value : ''}, which a server cannot be told from here` };
    }
  }
  return { run: true, fillers, ...(maxLine !== undefined ? { maxLine } : {}), ...(settings.name !== undefined && options.serverName !== undefined ? { serverName: options.serverName } : {}) };
}
