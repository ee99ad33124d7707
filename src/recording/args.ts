// `chat-server replay`'s command line. Pure: argv in, options out.
import { readArgs } from '../config/args.js';

export const REPLAY_USAGE = `Usage: chat-server replay FILE... [options]

Plays recordings (test/recordings/*.rec) and checks every line the server sends back. One line per file:
✓ passed, ✗ failed (with the first difference, its line number, what was expected and what came), or
- skipped (with the reason). Exits 1 if any file failed.

Without --port each file runs in this process, through the real pipeline with a new database, with the
file's @ settings. With --port it runs against a live server, which keeps its own settings: a file that
needs @ settings is skipped with the reason, unless --assume-settings says the server was started to match.
A conformance suite (conformance/*.rec, cases under @clause lines) plays each case on its own, with its
own fresh names; chat-server check runs the same suites against any server (check --help).

  --port P             replay against the live server on this port
  --host H             its host (127.0.0.1); needs --port
  --timeout MS         how long each expected line may take (3000)
  --assume-settings    the live server already runs with the files' @ settings
  -h, --help           show this help
`;

export interface ReplayOptions {
  readonly files: readonly string[];
  readonly live?: { readonly host: string; readonly port: number };
  readonly timeoutMs: number;
  readonly assumeSettings: boolean;
}

export type ReplayArgs = { readonly options: ReplayOptions } | { readonly help: true } | { readonly error: string };

export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  const parsed = readArgs(argv, {
        host: { type: 'string' }, port: { type: 'string' }, timeout: { type: 'string' },
        'assume-settings': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      });
  if ('error' in parsed) return { error: `${parsed.error} (see replay --help)` };
  const { values, positionals: files } = parsed;
  if (values.help) return { help: true };
  if (files.length === 0) return { error: 'name at least one recording to play (see replay --help)' };
  if (values.host !== undefined && values.port === undefined) return { error: '--host needs --port: without a port the files run in this process' };
  const timeoutMs = Number(values.timeout ?? '3000');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) return { error: `--timeout must be a whole number of milliseconds, got ${JSON.stringify(values.timeout)}` };
  let live: ReplayOptions['live'];
  if (values.port !== undefined) {
    const port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN;
    if (!(port >= 1 && port <= 65535)) return { error: `--port must be a number from 1 to 65535, got ${JSON.stringify(values.port)}` };
    live = { host: values.host ?? '127.0.0.1', port };
  }
  return { options: { files, ...(live ? { live } : {}), timeoutMs, assumeSettings: values['assume-settings'] ?? false } };
}
