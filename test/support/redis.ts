// A real redis-server for the cluster tests: a child process on a free port of 127.0.0.1, in a temp folder of
// its own, with an append-only file fsynced on every write (so a restart keeps everything it acknowledged).
// Debian's redis-server package provides it (.ci/run installs it); without it the cluster tests are skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort, tempDir } from './server.js';

export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

/** Whether redis-server runs here (`redis-server --version` succeeds). */
export const HAS_REDIS = spawnSync(REDIS_SERVER, ['--version']).status === 0;

/** The name of a describe block that skips without redis-server, saying why. */
export function redisSuite(name: string): string {
  return HAS_REDIS ? name : `${name} — SKIPPED: redis-server is not installed (\`${REDIS_SERVER} --version\` failed; .ci/run installs Debian's redis-server)`;
}

export interface RedisProcess {
  readonly port: number;
  /** redis://127.0.0.1:port */
  readonly url: string;
  readonly dir: string;
  /** Everything redis-server printed so far. */
  output(): string;
  /** Stops it (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits for it to exit, at most 10 s. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered, as when Redis stalls. */
  pause(): void;
  /** Lets a paused Redis go on (SIGCONT): it answers what it was sent meanwhile, in order. */
  resume(): void;
  /** Starts it again on the same port, from the same folder and append-only file. */
  start(): Promise<void>;
  /** Runs one command (inline form, plain words) and resolves with the raw reply. */
  command(...words: string[]): Promise<string>;
}

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 5;

function spawnRedis(port: number, dir: string): ChildProcess {
  return spawn(REDIS_SERVER, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always',
    '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'notice',
  ], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves once the child says it is ready; rejects if it exits first or takes too long. */
function ready(child: ChildProcess, log: { text: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`redis-server did not start in ${START_TIMEOUT_MS} ms:\n${log.text}`)); }, START_TIMEOUT_MS);
    const look = () => {
      if (!/Ready to accept connections/.test(log.text)) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve();
    };
    child.stdout!.on('data', look);
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`redis-server exited (${signal ?? code}) before it was ready:\n${log.text}`)); });
    look();
  });
}

/** One inline command over a plain socket: no client library between the test and what Redis holds. */
function rawCommand(port: number, words: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`redis did not answer ${words.join(' ')} in time`)); }, 3000);
    socket.setEncoding('utf8');
    socket.once('error', (error) => { clearTimeout(timer); reject(error); });
    socket.once('connect', () => {
      // RESP array of bulk strings: any word is safe, spaces included
      socket.write(`*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join('')}`);
    });
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (complete(reply)) {
        clearTimeout(timer);
        socket.end();
        resolve(reply);
      }
    });
  });
}

/** Whether `text` holds one whole RESP reply. */
function complete(text: string): boolean {
  const end = parse(text, 0);
  return end !== undefined;
}

function parse(text: string, at: number): number | undefined {
  const eol = text.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const head = text[at];
  const value = text.slice(at + 1, eol);
  if (head === '+' || head === '-' || head === ':') return eol + 2;
  if (head === '$') {
    const length = Number(value);
    if (length < 0) return eol + 2;
    // lengths are in bytes; the tests' values are ASCII
    return text.length >= eol + 2 + length + 2 ? eol + 2 + length + 2 : undefined;
  }
  if (head === '*') {
    let next: number | undefined = eol + 2;
    for (let i = 0; i < Number(value) && next !== undefined; i++) next = parse(text, next);
    return next;
  }
  return undefined;
}

const running = new Set<RedisProcess>();

/** Starts redis-server on a free port of 127.0.0.1 in a fresh temp folder. */
export async function startRedis(): Promise<RedisProcess> {
  const dir = tempDir();
  let lastError: unknown;
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    const log = { text: '' };
    let child = spawnRedis(port, dir);
    const capture = (c: ChildProcess) => {
      c.stdout!.setEncoding('utf8').on('data', (chunk: string) => { log.text += chunk; });
      c.stderr!.setEncoding('utf8').on('data', (chunk: string) => { log.text += chunk; });
    };
    capture(child);
    try {
      await ready(child, log);
    } catch (error) {
      // someone took the port between the probe and the bind: try another
      lastError = error;
      continue;
    }
    const redis: RedisProcess = {
      port,
      url: `redis://127.0.0.1:${port}`,
      dir,
      output: () => log.text,
      async stop(signal = 'SIGTERM') {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((done) => child.once('exit', () => done()));
        child.kill(signal);
        // a paused Redis would not act on SIGTERM until it runs again
        child.kill('SIGCONT');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      },
      pause: () => { child.kill('SIGSTOP'); },
      resume: () => { child.kill('SIGCONT'); },
      async start() {
        if (child.exitCode === null && child.signalCode === null) throw new Error('redis-server is running already');
        child = spawnRedis(port, dir);
        capture(child);
        await ready(child, log);
      },
      command: (...words) => rawCommand(port, words),
    };
    running.add(redis);
    return redis;
  }
  throw new Error(`redis-server did not start after ${PORT_ATTEMPTS} tries: ${String(lastError)}`);
}

/** For afterAll: stops every redis-server these helpers started. */
export async function stopAllRedis(): Promise<void> {
  await Promise.all([...running].map((redis) => redis.stop('SIGKILL')));
  running.clear();
}
