// The client's command line: `chat-client [--protocol P] username host port`. Pure: argv in, options out.
import { readArgs } from '../config/args.js';
import type { ClientDialect } from './types.js';

export interface ClientOptions {
  readonly username: string;
  readonly host: string;
  readonly port: number;
  readonly dialect: ClientDialect;
}

/** `option`: an unknown or malformed option (one line and a pointer to --help); other errors are followed by the usage. */
export type ArgsResult = { readonly options: ClientOptions } | { readonly help: true } | { readonly version: true } | { readonly error: string; readonly option?: true };

const DIALECTS: readonly ClientDialect[] = ['messenger', 'channels', 'direct'];

export const USAGE = `Usage: chat-client [--protocol messenger|channels|direct] username host port

Connects to a chat server and opens a prompt. Type /help once connected for the commands.

  --protocol P   the dialect to speak (default messenger). In channels the username is only the
                 default account for /register and /login.
  -v, --version  print the version
  -h, --help     show this help
`;

export function parseClientArgs(argv: readonly string[]): ArgsResult {
  const parsed = readArgs(argv, { protocol: { type: 'string', short: 'p' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } });
  if ('error' in parsed) return { error: parsed.error, option: true };
  const { values, positionals } = parsed;
  if (values.help || (positionals.length === 1 && positionals[0] === 'help')) return { help: true };
  if (values.version) return { version: true };
  if (positionals.length !== 3) return { error: positionals.length < 3 ? 'missing arguments' : `too many arguments: ${positionals.slice(3).join(' ')}` };
  const [username, host, portText] = positionals as [string, string, string];
  // a newline in the name would smuggle a second command onto the wire
  if (username === '' || /[\u0000-\u001f\u007f]/u.test(username)) return { error: `username must be non-empty text without control characters, got ${JSON.stringify(username)}` };
  if (host === '') return { error: 'host must not be empty' };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) return { error: `port must be a number from 1 to 65535, got ${JSON.stringify(portText)}` };
  const dialect = values.protocol ?? 'messenger';
  if (!DIALECTS.includes(dialect as ClientDialect)) return { error: `--protocol must be one of ${DIALECTS.join(', ')}, got ${JSON.stringify(dialect)}` };
  return { options: { username, host, port, dialect: dialect as ClientDialect } };
}

/** A connection failure in words a person can act on, from Node's error code. */
export function describeConnectError(code: string | undefined, host: string, port: number): string {
  const where = `${host}:${port}`;
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${where}: connection refused — is the server running, and is ${port} the right port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${where}: unknown host ${host} — check the host name`;
    case 'ETIMEDOUT':
      return `cannot connect to ${where}: no answer — check the host and port, or a firewall`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot connect to ${where}: the host cannot be reached from here`;
    case 'ECONNRESET':
      return `cannot connect to ${where}: the server reset the connection`;
    default:
      return `cannot connect to ${where}: ${code ?? 'unknown error'}`;
  }
}
