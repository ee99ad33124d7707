// Redis as the backplane sees it: two connections (commands, and pub/sub events), each failing at start with one
// line and retried with a growing wait afterwards, and the Lua scripts run by name.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { LogEvent } from '../../src/core/types.js';
import { StartupError } from '../ops/startup-error.js';
import { CLAIM, DIALLER, PUT_ACCOUNT, PUT_CHANNEL, REAP_DEAD, REASSERT, RELEASE, RENEW } from './scripts.js';

export type Script = 'chatClaim' | 'chatRelease' | 'chatRenew' | 'chatReap' | 'chatReassert' | 'chatPutAccount' | 'chatPutChannel' | 'chatDialler';
const SCRIPTS: Record<Script, string> = {
  chatClaim: CLAIM, chatRelease: RELEASE, chatRenew: RENEW, chatReap: REAP_DEAD, chatReassert: REASSERT, chatPutAccount: PUT_ACCOUNT, chatPutChannel: PUT_CHANNEL, chatDialler: DIALLER,
};

const COMMAND_TIMEOUT_MS = 5000;
const MAX_RETRY_MS = 2000;

/** A name for this node: host, process and a random part, unique for the life of the process. */
export function nodeName(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The URL as it may be shown: without a password. */
export function shownUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/u, '//');
}

/** Connects, or fails with one line saying why (start-up: a backplane out of reach is not waited for). */
export async function connect(url: string, name: string, log: (event: LogEvent) => void): Promise<Redis> {
  const shown = shownUrl(url);
  let lastError: Error | undefined;
  const options: RedisOptions = {
    lazyConnect: true,
    enableAutoPipelining: true,
    // publishes are joined by the publisher already; a pipeline object each would only add to their cost
    autoPipeliningIgnoredCommands: ['publish'],
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    connectionName: name,
    retryStrategy: () => null,
  };
  const client = new Redis(url, options);
  client.on('error', (error: Error) => { lastError = error; });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new StartupError(`cannot reach the cluster backplane at ${shown}: ${(lastError ?? error as Error).message} — is redis-server running? (--cluster, CHAT_CLUSTER)`);
  }
  // from now on a lost connection is retried, with a growing wait, for as long as the server runs
  client.options.retryStrategy = (times: number) => Math.min(MAX_RETRY_MS, 50 * 2 ** Math.min(times, 10)) * (0.5 + Math.random() / 2);
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log({ level: 'warn', event: 'backplaneLost', msg: `lost the cluster backplane at ${shown} (${name}): ${error.message}; reconnecting`, url: shown });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log({ level: 'info', event: 'backplaneBack', msg: `reconnected to the cluster backplane at ${shown} (${name})`, url: shown });
  });
  return client;
}

/** Runs one of the scripts, every key under `prefix`. */
export type ScriptRunner = (script: Script, ...args: Array<string | number>) => Promise<unknown>;

export function scriptRunner(cmd: Redis, prefix: string): ScriptRunner {
  for (const [name, lua] of Object.entries(SCRIPTS)) cmd.defineCommand(name, { numberOfKeys: 1, lua });
  // defineCommand adds a method per script, which ioredis' types cannot know
  const scripts = cmd as unknown as Record<Script, (...args: Array<string | number>) => Promise<unknown>>;
  return (script, ...args) => within(COMMAND_TIMEOUT_MS, scripts[script](prefix, ...args), script);
}

/**
 * The answer, or a rejection after `ms`. ioredis' own command timeout does not cover every path (a command
 * queued while Redis is away, an auto-pipelined batch), and a login must never wait on Redis for ever. The
 * command may still run later: callers undo what matters (see `claim` in backplane.ts).
 */
function within<T>(ms: number, answer: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: Redis did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}
