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
  /** --cluster redis://host:port: this server is one node of a cluster, with Redis as the backplane (and the store). */
  readonly cluster?: string;
  /** --workers N: nodes to run on this machine, sharing the port (each a process; needs --cluster when above 1). */
  readonly workers: number;
}

export type ConfigResult = { readonly config: Config } | { readonly help: true } | { readonly error: string };

type Env = Readonly<Record<string, string | undefined>>;

const PROTOCOLS: readonly ListenerMode[] = ['auto', 'channels', 'direct', 'messenger'];
const LOG_LEVELS = Object.keys(LEVEL_VALUES);

/** Variables that may be left empty (`CHAT_PEERS=`) to mean "none"; for every other one an empty value is an error. */
const MAY_BE_EMPTY: ReadonlySet<string> = new Set(['CHAT_PEERS', 'CHAT_LINK_KEY', 'CHAT_NAME', 'CHAT_WEB_ORIGINS', 'CHAT_WEB_HOSTS', 'CHAT_RECORD', 'CHAT_METRICS_PORT', 'CHAT_TLS_CERT', 'CHAT_TLS_KEY', 'CHAT_CLUSTER']);

/** Every variable the server and the client read (all of them are in .env.example). */
export const KNOWN_VARIABLES: readonly string[] = [
  'CHAT_ADDRESS', 'CHAT_PORT', 'CHAT_WEB_PORT', 'CHAT_WEB_ORIGINS', 'CHAT_WEB_HOSTS', 'CHAT_PROTOCOL', 'CHAT_DB', 'CHAT_LOG', 'CHAT_MAX_USERS', 'CHAT_PEERS', 'CHAT_NAME',
  'CHAT_RECORD', 'CHAT_METRICS_PORT', 'CHAT_METRICS_ADDRESS', 'CHAT_TLS_CERT', 'CHAT_TLS_KEY', 'CHAT_TLS_PORT', 'CHAT_CLUSTER', 'CHAT_WORKERS', 'CHAT_LINK_KEY', 'CHAT_BCRYPT_COST', 'LOG_LEVEL', ...Object.values(LIMIT_VARS),
  'CHAT_CLIENT_TIMEOUT_MS',
];

function integer(text: string, name: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(text.trim())) return `${name} must be a whole number, got ${JSON.stringify(text)}`;
  const value = Number(text.trim());
  return value < min || value > max ? `${name} must be between ${min} and ${max}, got ${value}` : value;
}

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

export function parseConfig(argv: readonly string[], env: Env, dotenv: Env = {}): ConfigResult {
  try {
    return parse(argv, env, dotenv);
  } catch (error) {
    if (error instanceof ConfigError) return { error: error.message };
    throw error;
  }
}

function parse(argv: readonly string[], env: Env, dotenv: Env): ConfigResult {
  const parsed = readArgs(argv, {
        address: { type: 'string' }, port: { type: 'string' }, 'web-port': { type: 'string' }, protocol: { type: 'string' }, db: { type: 'string' },
        log: { type: 'string' }, 'max-users': { type: 'string' }, peers: { type: 'string' }, name: { type: 'string' },
        record: { type: 'string' }, 'metrics-port': { type: 'string' }, 'metrics-address': { type: 'string' },
        'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, 'tls-port': { type: 'string' },
        cluster: { type: 'string' }, workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      });
  if ('error' in parsed) return { error: `${parsed.error} (see --help)` };
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length > 2) return { error: `too many arguments: ${positionals.slice(2).join(' ')} (see --help)` };

  // flags, then env, then .env; an empty value means "none" where .env.example says so, else it is an error
  const pick = (flag: string | undefined, variable: string): string | undefined => {
    if (flag !== undefined) return flag;
    for (const [values, where] of [[env, 'the environment'], [dotenv, '.env']] as const) {
      const value = values[variable];
      if (value === undefined) continue;
      if (value !== '' || MAY_BE_EMPTY.has(variable)) return value === '' ? undefined : value;
      throw new ConfigError(`${variable} is empty (in ${where}) — give it a value or remove it; .env.example shows the default`);
    }
    return undefined;
  };

  const port = integer(pick(values.port ?? positionals[0], 'CHAT_PORT') ?? '5378', 'port', 0, 65535);
  if (typeof port === 'string') return { error: `${port} — pass --port or set CHAT_PORT` };
  const webPortText = pick(values['web-port'], 'CHAT_WEB_PORT') ?? '5380';
  const webPort = webPortText.trim() === 'off' ? 'off' : integer(webPortText, 'web port', 0, 65535);
  if (typeof webPort === 'string' && webPort !== 'off') return { error: `${webPort}, or off for no web page — pass --web-port or set CHAT_WEB_PORT` };
  const webOrigins = parseOrigins(pick(undefined, 'CHAT_WEB_ORIGINS') ?? '');
  if ('error' in webOrigins) return webOrigins;
  const webHosts = parseHosts(pick(undefined, 'CHAT_WEB_HOSTS') ?? '');
  if ('error' in webHosts) return webHosts;
  const maxUsers = integer(pick(values['max-users'], 'CHAT_MAX_USERS') ?? '16', 'max users', 1, 100000);
  if (typeof maxUsers === 'string') return { error: `${maxUsers} — pass --max-users or set CHAT_MAX_USERS` };
  const bcryptCost = integer(pick(undefined, 'CHAT_BCRYPT_COST') ?? '10', 'CHAT_BCRYPT_COST', 4, 31);
  if (typeof bcryptCost === 'string') return { error: bcryptCost };
  const protocol = pick(values.protocol, 'CHAT_PROTOCOL') ?? 'auto';
  if (!PROTOCOLS.includes(protocol as ListenerMode)) return { error: `protocol must be one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(protocol)}` };
  const logLevel = pick(undefined, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) return { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}` };

  const limits: Record<string, number> = {};
  for (const [key, variable] of Object.entries(LIMIT_VARS)) {
    const value = integer(pick(undefined, variable) ?? String(DEFAULT_LIMITS[key as keyof Limits]), variable, ZERO_MEANS_OFF.has(key as keyof Limits) ? 0 : 1, 2 ** 31);
    if (typeof value === 'string') return { error: value };
    limits[key] = value;
  }
  if (limits.preLoginShare! > 100) return { error: `CHAT_PRE_LOGIN_SHARE is a percentage of CHAT_MAX_CONNECTIONS, between 1 and 100, got ${limits.preLoginShare}` };

  const peers = pick(values.peers ?? positionals[1], 'CHAT_PEERS');
  const linkKey = pick(undefined, 'CHAT_LINK_KEY');
  if (linkKey !== undefined && /\s/u.test(linkKey)) return { error: 'CHAT_LINK_KEY may not hold spaces' };
  const record = pick(values.record, 'CHAT_RECORD');
  const metricsText = pick(values['metrics-port'], 'CHAT_METRICS_PORT');
  const metricsPort = metricsText === undefined ? undefined : integer(metricsText, 'metrics port', 0, 65535);
  if (typeof metricsPort === 'string') return { error: `${metricsPort} — pass --metrics-port or set CHAT_METRICS_PORT` };
  const tlsCert = pick(values['tls-cert'], 'CHAT_TLS_CERT');
  const tlsKey = pick(values['tls-key'], 'CHAT_TLS_KEY');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) return { error: 'TLS needs both a certificate and its key — pass --tls-cert and --tls-key, or set CHAT_TLS_CERT and CHAT_TLS_KEY' };
  const tlsPort = integer(pick(values['tls-port'], 'CHAT_TLS_PORT') ?? '5379', 'TLS port', 0, 65535);
  if (typeof tlsPort === 'string') return { error: `${tlsPort} — pass --tls-port or set CHAT_TLS_PORT` };
  const cluster = pick(values.cluster, 'CHAT_CLUSTER');
  if (cluster !== undefined && !/^rediss?:\/\/[^\s/]+(\/\d+)?\/?$/u.test(cluster)) return { error: `the cluster backplane must be redis://host:port, got ${JSON.stringify(cluster)} — pass --cluster or set CHAT_CLUSTER` };
  const workers = integer(pick(values.workers, 'CHAT_WORKERS') ?? '1', 'workers', 1, 256);
  if (typeof workers === 'string') return { error: `${workers} — pass --workers or set CHAT_WORKERS` };
  if (workers > 1 && cluster === undefined) return { error: `${workers} workers share users and channels through a cluster backplane — pass --cluster redis://host:port or set CHAT_CLUSTER` };
  if (workers > 1 && record !== undefined) return { error: 'a recording is of one process: --record cannot go with --workers above 1' };
  const address = pick(values.address, 'CHAT_ADDRESS') ?? '127.0.0.1';
  // federation: a server is known to its peers by its name, its listen address unless told otherwise
  const name = pick(values.name, 'CHAT_NAME') ?? address;
  if (/[\s,@]/u.test(name)) return { error: `the server name may not hold spaces, commas or @, got ${JSON.stringify(name)} — pass --name or set CHAT_NAME` };
  return {
    config: {
      address,
      name,
      port,
      webPort,
      webOrigins: webOrigins.origins,
      webHosts: webHosts.hosts,
      protocol: protocol as ListenerMode,
      db: pick(values.db, 'CHAT_DB') ?? './data/chat.db',
      log: pick(values.log, 'CHAT_LOG') ?? './server.log',
      maxUsers,
      bcryptCost,
      logLevel,
      limits: limits as unknown as Limits,
      ...(peers ? { peers } : {}),
      ...(linkKey ? { linkKey } : {}),
      ...(record ? { record } : {}),
      ...(metricsPort !== undefined ? { metricsPort } : {}),
      metricsAddress: pick(values['metrics-address'], 'CHAT_METRICS_ADDRESS') ?? '127.0.0.1',
      ...(tlsCert && tlsKey ? { tls: { cert: tlsCert, key: tlsKey, port: tlsPort } } : {}),
      ...(cluster !== undefined ? { cluster } : {}),
      workers,
    },
  };
}
