// `chat-server tail`: its arguments and which server.log records it shows. Pure: the clock comes in as `now`.
import { readArgs } from '../config/args.js';
import { LEVEL_VALUES } from './format.js';

export const TAIL_USAGE = `Usage: chat-server tail [FILE] [options]

Prints server.log (FILE, else CHAT_LOG, else ./server.log) human-readably and follows it as it grows,
also when it is truncated or logrotate moves it away and a new one starts.

  --user NAME      only records about this user (logins, their messages, messages to them, renames)
  --channel NAME   only records about this channel
  --level LEVEL    only this level and above: trace debug info warn error fatal
  --since WHEN     only records from then on: 30s, 10m, 2h, 1d ago, or a date and time (2026-05-01T12:00)
  --json           print the raw JSON lines instead of readable ones
  --no-follow      print what is there and stop
  -h, --help       show this help
`;

export interface TailFilter {
  readonly user?: string;
  readonly channel?: string;
  readonly minLevel?: number;
  /** Milliseconds since the epoch. */
  readonly since?: number;
}

export interface TailOptions {
  readonly file: string;
  readonly filter: TailFilter;
  readonly json: boolean;
  readonly follow: boolean;
}

export type TailArgs = { readonly options: TailOptions } | { readonly help: true } | { readonly error: string };

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10m` → ten minutes before `now`; a date and time → that moment; undefined when it is neither. */
export function parseSince(text: string, now: number): number | undefined {
  const ago = /^(\d+)([smhd])$/.exec(text.trim());
  if (ago) return now - Number(ago[1]) * UNITS[ago[2]];
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}

export function parseTailArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, now: number): TailArgs {
  const parsed = readArgs(argv, {
        user: { type: 'string' }, channel: { type: 'string' }, level: { type: 'string' }, since: { type: 'string' },
        json: { type: 'boolean' }, 'no-follow': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      });
  if ('error' in parsed) return { error: `${parsed.error} (see tail --help)` };
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length > 1) return { error: `one log file at a time, got ${positionals.join(' ')} (see tail --help)` };
  let minLevel: number | undefined;
  if (values.level !== undefined) {
    minLevel = LEVEL_VALUES[values.level];
    if (minLevel === undefined || values.level === 'silent') return { error: `--level must be one of trace, debug, info, warn, error, fatal; got ${JSON.stringify(values.level)}` };
  }
  let since: number | undefined;
  if (values.since !== undefined) {
    since = parseSince(values.since, now);
    if (since === undefined) return { error: `--since takes 30s, 10m, 2h, 1d or a date and time, got ${JSON.stringify(values.since)}` };
  }
  const filter: TailFilter = {
    ...(values.user !== undefined ? { user: values.user } : {}),
    ...(values.channel !== undefined ? { channel: values.channel } : {}),
    ...(minLevel !== undefined ? { minLevel } : {}),
    ...(since !== undefined ? { since } : {}),
  };
  return { options: { file: positionals[0] ?? (env.CHAT_LOG || './server.log'), filter, json: values.json ?? false, follow: !values['no-follow'] } };
}

const filtering = (filter: TailFilter) => Object.keys(filter).length > 0;

/** Whether a line of server.log passes the filter. A line that is not a JSON record passes only when nothing is filtered. */
export function shows(line: string, filter: TailFilter): boolean {
  if (!filtering(filter)) return true;
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (!parsed || typeof parsed !== 'object') return false;
    record = parsed as Record<string, unknown>;
  } catch {
    return false;
  }
  if (filter.user !== undefined && ![record.user, record.to, record.from].includes(filter.user)) return false;
  if (filter.channel !== undefined && record.channel !== filter.channel) return false;
  if (filter.minLevel !== undefined && !(typeof record.level === 'number' && record.level >= filter.minLevel)) return false;
  if (filter.since !== undefined && !(typeof record.time === 'string' && Date.parse(record.time) >= filter.since)) return false;
  return true;
}
