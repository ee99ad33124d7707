// Starts the real server (the built dist/ entry point) as a child process in its own temp folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

export const SERVER_ENTRY = resolve(import.meta.dirname, '../../dist/streams/cli/server.js');

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** The web page's port, when the server serves one (tests default to CHAT_WEB_PORT=0, any free port). */
  readonly webPort?: number;
  readonly dir: string;
  /** Everything the process printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout has shown a line matching `pattern` (at most `timeoutMs`). */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /**
   * Sends `signal` (SIGTERM: the graceful stop, after which the process writes its coverage), then waits for
   * the exit, killing the process if it takes longer than STOP_GRACE_MS; resolves with the exit code.
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Reuse a folder (and so its database and log) from an earlier run. */
  readonly dir?: string;
  /** Prepend `--port 0` (default true); false to test the positional and env forms of the port. */
  readonly portFlag?: boolean;
}

/**
 * How long a server may take to print `Server is on`: about 0.3 s on an idle machine, but several seconds when
 * a few start at once on a loaded one (and writing coverage slows them further); more than 30 s has been seen
 * with three test files at once on two cores busy with other work. A bound, not a wait.
 */
const START_TIMEOUT_MS = 60_000;
/** How long stop() waits before it kills: longer than the server's own forced exit (FORCED_EXIT_MS, 5 s). */
const STOP_GRACE_MS = 8000;

const tempDirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chat-test-'));
  tempDirs.push(dir);
  return dir;
}

/** A folder this process may not create files in: a read-only temp folder, or /sys where the tests run as root (root writes anywhere else). */
export function unwritableDir(): string {
  const dir = tempDir();
  chmodSync(dir, 0o555);
  try {
    accessSync(dir, constants.W_OK);
    return '/sys';
  } catch {
    return dir;
  }
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Starts the server on a free port (port 0) and resolves once it printed `Server is on`. */
export function startServerProcess(options: StartOptions = {}): Promise<ServerProcess> {
  const dir = options.dir ?? tempDir();
  const child = spawn(process.execPath, [SERVER_ENTRY, ...(options.portFlag === false ? [] : ['--port', '0']), ...(options.args ?? [])], {
    cwd: dir,
    env: { ...process.env, CHAT_DB: join(dir, 'chat.db'), CHAT_LOG: join(dir, 'server.log'), CHAT_BCRYPT_COST: '4', CHAT_WEB_PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  // 'close', not 'exit': by then everything the process printed has been read
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start in ${START_TIMEOUT_MS} ms:\n${out}\n${err}`)); }, START_TIMEOUT_MS);
    const check = () => {
      const port = /listening on [^\s]+:(\d+)/.exec(out)?.[1];
      if (port && /^Server is on$/m.test(out)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        const webPort = /^web page on https?:\/\/[^/]+:(\d+)\/$/m.exec(out)?.[1];
        resolveStart({
          child, port: Number(port), dir,
          ...(webPort ? { webPort: Number(webPort) } : {}),
          stdout: () => out,
          stderr: () => err,
          waitForStdout: (pattern, timeoutMs = 5000) => new Promise<void>((found, fail) => {
            const timer = setTimeout(() => { child.stdout!.off('data', look); fail(new Error(`no ${String(pattern)} on stdout within ${timeoutMs} ms:\n${out}`)); }, timeoutMs);
            const look = () => {
              if (!pattern.test(out)) return;
              clearTimeout(timer);
              child.stdout!.off('data', look);
              found();
            };
            child.stdout!.on('data', look);
            look();
          }),
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            // a server that does not finish its graceful stop in time is killed (it exits by itself after 5 s)
            const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
            return exited.finally(() => clearTimeout(killer));
          },
        });
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited with ${code} before it started:\n${out}\n${err}`)); });
  });
}

/** A port nothing listens on right now (bound to 127.0.0.1:0, then released). */
/** A port free on every one of `hosts` (loopback addresses), probed; nothing hard-coded. */
export async function portFreeOn(hosts: readonly string[]): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const candidate = await freePort(hosts[0]);
    const free = await Promise.all(hosts.slice(1).map((host) => new Promise<boolean>((done) => {
      const probe = createServer().once('error', () => done(false)).listen(candidate, host, () => probe.close(() => done(true)));
    })));
    if (free.every(Boolean)) return candidate;
  }
  throw new Error(`no port is free on all of ${hosts.join(', ')}`);
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

/** Runs the server entry to completion (for bad-configuration cases) and returns what it printed. */
export function runServerToExit(args: readonly string[], env: Readonly<Record<string, string>> = {}, cwd = tempDir()) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [SERVER_ENTRY, ...args], { cwd, env: { ...process.env, CHAT_WEB_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
    child.once('close', (code) => { clearTimeout(timer); done({ code, stdout, stderr }); });
  });
}
