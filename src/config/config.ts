// Configuration from flags, env vars, a .env file and defaults, in that order of precedence. Pure: the
// caller reads the environment and the .env file and hands them in.
import { readArgs } from './args.js';
import type { ListenerMode } from '../core/types.js';
import { LEVEL_VALUES } from '../log/format.js';
import { DEFAULT_LIMITS, LIMIT_VARS, ZERO_MEANS_OFF, type Limits } from './limits.js';
import { parseHosts } from './hosts.js';
import { parseOrigins } from './origins.js';
import { closest } from './suggest.js';

export interface Config {
  readonly address: string;
  readonly port: number;
  /** Where the web page and its WebSocket endpoint listen (same address as the chat port), or off. */
  readonly webPort: number | 'off';
  /** Origins of other sites' pages allowed to open a WebSocket (normalised; `*` for any). */
  readonly webOrigins: readonly string[];
  /** Names besides its listen address that the web port answers WebSocket upgrades for (CHAT_WEB_HOSTS, lower case). */
  readonly webHosts: readonly string[];
  readonly protocol: ListenerMode;
  readonly db: string;
  readonly log: string;
  readonly maxUsers: number;
  readonly peers?: string;
  /** CHAT_LINK_KEY: the key of every peers-file line that names none (env only, so it never shows in a process list). */
  readonly linkKey?: string;
  /** This server's name towards its federation peers: --name, or its listen address. */
  readonly name: string;
  readonly bcryptCost: number;
  readonly logLevel: string;
  readonly limits: Limits;
  /** --record: where to write the server's traffic in the recording format. */
  readonly record?: string;
  /** --metrics-port: where Prometheus scrapes /metrics (0: any free port); unset, no endpoint. */
  readonly metricsPort?: number;
  /** --metrics-address: where /metrics listens; this machine only unless told otherwise. */
  readonly metricsAddress: string;
  /** --tls-cert and --tls-key (PEM files): a second listener, on tls.port, speaks every dialect over TLS. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly port: number };
  /** The web port serves HTTPS and WSS with these PEM files: --web-tls-cert/--web-tls-key, else the --tls-cert pair. */
  readonly webTls?: { readonly cert: string; readonly key: string };
  /** --pid-file: this process's id is written there while it runs (for `kill -HUP "$(cat FILE)"`). */
  readonly pidFile?: string;
  /** --cluster redis://host:port: this server is one node of a cluster, with Redis as the backplane (and the store). */
  readonly cluster?: string;
  /** --workers N: nodes to run on this machine, sharing the port (each a process; needs --cluster when above 1). */
  readonly workers: number;
  /** Where each variable that was given came from (`--peers`, `CHAT_PEERS in the environment`, `.env line 4`), so a
   * value that fails later (a peers file that is missing) can say where to fix it. Keyed by variable name. */
  readonly from?: Readonly<Record<string, string>>;
}

export type ConfigResult = { readonly config: Config } | { readonly help: true } | { readonly version: true } | { readonly error: string };

type Env = Readonly<Record<string, string | undefined>>;

const PROTOCOLS: readonly ListenerMode[] = ['auto', 'channels', 'direct', 'messenger'];
const LOG_LEVELS = Object.keys(LEVEL_VALUES);

/** Variables that may be left empty (`CHAT_PEERS=`) to mean "none"; for every other one an empty value is an error. */
const MAY_BE_EMPTY: ReadonlySet<string> = new Set(['CHAT_PEERS', 'CHAT_LINK_KEY', 'CHAT_NAME', 'CHAT_WEB_ORIGINS', 'CHAT_WEB_HOSTS', 'CHAT_RECORD', 'CHAT_METRICS_PORT', 'CHAT_TLS_CERT', 'CHAT_TLS_KEY',
  'CHAT_WEB_TLS_CERT', 'CHAT_WEB_TLS_KEY', 'CHAT_CLUSTER', 'CHAT_PID_FILE']);

/** Every variable the server and the client read (all of them are in .env.example). */
export const KNOWN_VARIABLES: readonly string[] = [
  'CHAT_ADDRESS', 'CHAT_PORT', 'CHAT_WEB_PORT', 'CHAT_WEB_ORIGINS', 'CHAT_WEB_HOSTS', 'CHAT_PROTOCOL', 'CHAT_DB', 'CHAT_LOG', 'CHAT_MAX_USERS', 'CHAT_PEERS', 'CHAT_NAME',
  'CHAT_RECORD', 'CHAT_METRICS_PORT', 'CHAT_METRICS_ADDRESS', 'CHAT_TLS_CERT', 'CHAT_TLS_KEY', 'CHAT_TLS_PORT', 'CHAT_WEB_TLS_CERT', 'CHAT_WEB_TLS_KEY', 'CHAT_CLUSTER', 'CHAT_WORKERS',
  'CHAT_PID_FILE', 'CHAT_LINK_KEY', 'CHAT_BCRYPT_COST', 'LOG_LEVEL', ...Object.values(LIMIT_VARS),
  'CHAT_CLIENT_TIMEOUT_MS',
];

/** A value that cannot be used; parseConfig turns it into its error result. */
class ConfigError extends Error {}

/** Warnings for CHAT_* variables the server does not know (a misspelt name would otherwise be ignored without a word). */
export function unknownVariables(env: Env, dotenv: Env = {}, dotenvName = '.env'): string[] {
  const warnings: string[] = [];
  for (const [values, where] of [[env, 'the environment'], [dotenv, dotenvName]] as const) {
    for (const name of Object.keys(values)) {
      if (!name.startsWith('CHAT_') || KNOWN_VARIABLES.includes(name)) continue;
      const near = closest(name, KNOWN_VARIABLES);
      warnings.push(`${name} (in ${where}) is not a setting and is ignored — ${near ? `did you mean ${near}?` : 'see .env.example for the settings'}`);
    }
  }
  return warnings;
}

/** Where a setting's value came from, for its error: `(from --port)`, `(from CHAT_PORT in the environment)`, `(from .env line 7)`. */
export function describeSource(from: string | undefined): string {
  return from === undefined ? '' : ` (from ${from})`;
}

/**
 * `dotenvLines` maps each name in `dotenv` to its line in the file, so an error can say `.env line 7`.
 */
export function parseConfig(argv: readonly string[], env: Env, dotenv: Env = {}, dotenvLines: Readonly<Record<string, number>> = {}): ConfigResult {
  try {
    return parse(argv, env, dotenv, dotenvLines);
  } catch (error) {
    if (error instanceof ConfigError) return { error: error.message };
    throw error;
  }
}

/** A value and where it came from. */
interface Given {
  readonly text: string;
  readonly from: string;
}

/** Where each setting is read: a flag, then the environment, then .env; `from` remembers where each came from. */
function sourcesOf(env: Env, dotenv: Env, dotenvLines: Readonly<Record<string, number>>) {
  const from: Record<string, string> = {};
  // flags, then env, then .env; an empty value means "none" where .env.example says so, else it is an error
  const given = (variable: string, flag?: string, flagName?: string): Given | undefined => {
    const found = ((): Given | undefined => {
      if (flag !== undefined) return { text: flag, from: flagName ?? variable };
      const line = dotenvLines[variable];
      for (const [values, where, source] of [
        [env, 'the environment', `${variable} in the environment`],
        [dotenv, line === undefined ? '.env' : `.env line ${line}`, line === undefined ? `${variable} in .env` : `.env line ${line}`],
      ] as const) {
        const value = values[variable];
        if (value === undefined) continue;
        if (value !== '' || MAY_BE_EMPTY.has(variable)) return value === '' ? undefined : { text: value, from: source };
        throw new ConfigError(`${variable} is empty (in ${where}) — give it a value or remove it; .env.example shows the default`);
      }
      return undefined;
    })();
    if (found) from[variable] = found.from;
    return found;
  };
  const pick = (variable: string, flag?: string, flagName?: string): string | undefined => given(variable, flag, flagName)?.text;
  /** A whole number in [min, max], or the default; a bad one ends the parse naming where it came from. */
  const integer = (variable: string, what: string, fallback: number, min: number, max: number, flag?: string, flagName?: string, also = ''): number => {
    const value = given(variable, flag, flagName);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value.text.trim())) throw new ConfigError(`${what} must be a whole number${also}, got ${JSON.stringify(value.text)}${describeSource(value.from)}`);
    const number = Number(value.text.trim());
    if (number < min || number > max) throw new ConfigError(`${what} must be between ${min} and ${max}, got ${number}${describeSource(value.from)}`);
    return number;
  };
  return { from, given, pick, integer };
}

function parse(argv: readonly string[], env: Env, dotenv: Env, dotenvLines: Readonly<Record<string, number>>): ConfigResult {
  const parsed = readArgs(argv, {
        address: { type: 'string' }, port: { type: 'string' }, 'web-port': { type: 'string' }, protocol: { type: 'string' }, db: { type: 'string' },
        log: { type: 'string' }, 'max-users': { type: 'string' }, peers: { type: 'string' }, name: { type: 'string' },
        record: { type: 'string' }, 'metrics-port': { type: 'string' }, 'metrics-address': { type: 'string' },
        'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, 'tls-port': { type: 'string' },
        'web-tls-cert': { type: 'string' }, 'web-tls-key': { type: 'string' },
        cluster: { type: 'string' }, workers: { type: 'string' }, 'pid-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' },
      });
  if ('error' in parsed) return { error: `${parsed.error}\nsee chat-server --help` };
  const { values, positionals } = parsed;
  // `chat-server help` is a person asking, not a port
  if (values.help || positionals[0] === 'help') return { help: true };
  if (values.version) return { version: true };
  if (positionals.length > 2) return { error: `too many arguments: ${positionals.slice(2).join(' ')} (see --help)` };

  const { from, given, pick, integer } = sourcesOf(env, dotenv, dotenvLines);
  const portFlag = values.port !== undefined ? '--port' : 'the first argument (the port)';
  const port = integer('CHAT_PORT', 'port', 5378, 0, 65535, values.port ?? positionals[0], portFlag);
  const webPortGiven = given('CHAT_WEB_PORT', values['web-port'], '--web-port');
  const webPort = webPortGiven?.text.trim() === 'off' ? 'off' : integer('CHAT_WEB_PORT', 'web port', 5380, 0, 65535, values['web-port'], '--web-port', ', or off for no web page');
  const webOrigins = parseOrigins(pick('CHAT_WEB_ORIGINS') ?? '');
  if ('error' in webOrigins) return { error: `${webOrigins.error}${describeSource(from.CHAT_WEB_ORIGINS)}` };
  const webHosts = parseHosts(pick('CHAT_WEB_HOSTS') ?? '');
  if ('error' in webHosts) return { error: `${webHosts.error}${describeSource(from.CHAT_WEB_HOSTS)}` };
  const maxUsers = integer('CHAT_MAX_USERS', 'max users', 16, 1, 100000, values['max-users'], '--max-users');
  const bcryptCost = integer('CHAT_BCRYPT_COST', 'CHAT_BCRYPT_COST', 10, 4, 31);
  const protocol = pick('CHAT_PROTOCOL', values.protocol, '--protocol') ?? 'auto';
  if (!PROTOCOLS.includes(protocol as ListenerMode)) return { error: `protocol must be one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(protocol)}${describeSource(from.CHAT_PROTOCOL)}` };
  const logLevel = pick('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) return { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}${describeSource(from.LOG_LEVEL)}` };

  const limits: Record<string, number> = {};
  for (const [key, variable] of Object.entries(LIMIT_VARS)) {
    limits[key] = integer(variable, variable, DEFAULT_LIMITS[key as keyof Limits], ZERO_MEANS_OFF.has(key as keyof Limits) ? 0 : 1, 2 ** 31);
  }
  if (limits.preLoginShare! > 100) return { error: `CHAT_PRE_LOGIN_SHARE is a percentage of CHAT_MAX_CONNECTIONS, between 1 and 100, got ${limits.preLoginShare}${describeSource(from.CHAT_PRE_LOGIN_SHARE)}` };

  const peers = pick('CHAT_PEERS', values.peers ?? positionals[1], values.peers !== undefined ? '--peers' : 'the second argument (the peers file)');
  const linkKey = pick('CHAT_LINK_KEY');
  if (linkKey !== undefined && /\s/u.test(linkKey)) return { error: `CHAT_LINK_KEY may not hold spaces${describeSource(from.CHAT_LINK_KEY)}` };
  const record = pick('CHAT_RECORD', values.record, '--record');
  const metricsPort = pick('CHAT_METRICS_PORT', values['metrics-port'], '--metrics-port') === undefined
    ? undefined
    : integer('CHAT_METRICS_PORT', 'metrics port', 0, 0, 65535, values['metrics-port'], '--metrics-port');
  const tlsCert = pick('CHAT_TLS_CERT', values['tls-cert'], '--tls-cert');
  const tlsKey = pick('CHAT_TLS_KEY', values['tls-key'], '--tls-key');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) return { error: `TLS needs both a certificate and its key, got only the ${tlsCert === undefined ? `key${describeSource(from.CHAT_TLS_KEY)}` : `certificate${describeSource(from.CHAT_TLS_CERT)}`} — pass --tls-cert and --tls-key, or set CHAT_TLS_CERT and CHAT_TLS_KEY` };
  const tlsPort = integer('CHAT_TLS_PORT', 'TLS port', 5379, 0, 65535, values['tls-port'], '--tls-port');
  // the web port serves HTTPS with its own pair when given, else with the chat port's
  const webTlsCert = pick('CHAT_WEB_TLS_CERT', values['web-tls-cert'], '--web-tls-cert');
  const webTlsKey = pick('CHAT_WEB_TLS_KEY', values['web-tls-key'], '--web-tls-key');
  if ((webTlsCert === undefined) !== (webTlsKey === undefined)) return { error: `HTTPS for the page needs both a certificate and its key, got only the ${webTlsCert === undefined ? `key${describeSource(from.CHAT_WEB_TLS_KEY)}` : `certificate${describeSource(from.CHAT_WEB_TLS_CERT)}`} — pass --web-tls-cert and --web-tls-key, or neither to use --tls-cert and --tls-key` };
  const cluster = pick('CHAT_CLUSTER', values.cluster, '--cluster');
  if (cluster !== undefined && !/^rediss?:\/\/[^\s/]+(\/\d+)?\/?$/u.test(cluster)) return { error: `the cluster backplane must be redis://host:port, got ${JSON.stringify(cluster)}${describeSource(from.CHAT_CLUSTER)}` };
  const workers = integer('CHAT_WORKERS', 'workers', 1, 1, 256, values.workers, '--workers');
  if (workers > 1 && cluster === undefined) return { error: `${workers} workers${describeSource(from.CHAT_WORKERS)} share users and channels through a cluster backplane — pass --cluster redis://host:port or set CHAT_CLUSTER` };
  if (workers > 1 && record !== undefined) return { error: `a recording is of one process: --record cannot go with --workers above 1${describeSource(from.CHAT_RECORD)}` };
  const address = pick('CHAT_ADDRESS', values.address, '--address') ?? '127.0.0.1';
  // federation: a server is known to its peers by its name, its listen address unless told otherwise
  const name = pick('CHAT_NAME', values.name, '--name') ?? address;
  if (/[\s,@]/u.test(name)) return { error: `the server name may not hold spaces, commas or @, got ${JSON.stringify(name)}${describeSource(from.CHAT_NAME ?? from.CHAT_ADDRESS)}` };
  const pidFile = pick('CHAT_PID_FILE', values['pid-file'], '--pid-file');
  const tls = tlsCert && tlsKey ? { cert: tlsCert, key: tlsKey } : undefined;
  const webTls = webTlsCert && webTlsKey ? { cert: webTlsCert, key: webTlsKey } : tls;
  return {
    config: {
      address,
      name,
      port,
      webPort,
      webOrigins: webOrigins.origins,
      webHosts: webHosts.hosts,
      protocol: protocol as ListenerMode,
      db: pick('CHAT_DB', values.db, '--db') ?? './data/chat.db',
      log: pick('CHAT_LOG', values.log, '--log') ?? './server.log',
      maxUsers,
      bcryptCost,
      logLevel,
      limits: limits as unknown as Limits,
      ...(peers ? { peers } : {}),
      ...(linkKey ? { linkKey } : {}),
      ...(record ? { record } : {}),
      ...(metricsPort !== undefined ? { metricsPort } : {}),
      metricsAddress: pick('CHAT_METRICS_ADDRESS', values['metrics-address'], '--metrics-address') ?? '127.0.0.1',
      ...(tls ? { tls: { ...tls, port: tlsPort } } : {}),
      ...(webTls && webPort !== 'off' ? { webTls } : {}),
      ...(cluster !== undefined ? { cluster } : {}),
      ...(pidFile !== undefined ? { pidFile } : {}),
      workers,
      from,
    },
  };
}
