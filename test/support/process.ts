// The harness of the process tests (test/e2e/): servers started as child processes and clients that are
// always cleaned up, logins per dialect, and the one way to wait for a condition (`until`).
// The pure-core tests have theirs in core.ts; the server process itself is started by server.ts.
import { expect } from 'vitest';
import { connectClient, type LineClient } from './client.js';
import { removeTempDirs, startServerProcess, type ServerProcess, type StartOptions } from './server.js';

const servers: ServerProcess[] = [];
const sharedServers: ServerProcess[] = [];
const clients: LineClient[] = [];

/** Starts a server for one test; `cleanup()` kills it. */
export async function server(options: StartOptions = {}): Promise<ServerProcess> {
  const started = await startServerProcess(options);
  servers.push(started);
  return started;
}

/**
 * Starts a server shared by the tests of a file (start it in beforeAll); `cleanupAll()` kills it. Tests on
 * a shared server use names of their own (`unique('alice')`) and a high user limit, so they cannot meet.
 */
export async function sharedServer(options: StartOptions = {}): Promise<ServerProcess> {
  const started = await startServerProcess({ ...options, args: ['--max-users', '1000', ...(options.args ?? [])] });
  sharedServers.push(started);
  return started;
}

let counter = 0;
/** A name no other test in this file uses. */
export function unique(base: string): string {
  return `${base}${++counter}`;
}

/** Opens a client to 127.0.0.1:port (from `localAddress` when given) that `cleanup()` closes. */
export async function client(port: number, localAddress?: string): Promise<LineClient> {
  return clientOf(port, '127.0.0.1', localAddress);
}

/** Opens a client to host:port (a server on another loopback address) that `cleanup()` closes. */
export async function clientOf(port: number, host: string, localAddress?: string): Promise<LineClient> {
  const opened = await connectClient(port, host, localAddress);
  clients.push(opened);
  return opened;
}

/** For afterEach: closes every client and kills the servers of the test. */
export async function cleanup(): Promise<void> {
  for (const c of clients.splice(0)) c.close();
  // SIGTERM, not SIGKILL: a server that stops gracefully writes its coverage
  await Promise.all(servers.splice(0).map((s) => s.stop()));
}

/** For afterAll: also kills the shared servers and removes every temp folder. */
export async function cleanupAll(): Promise<void> {
  await cleanup();
  await Promise.all(sharedServers.splice(0).map((s) => s.stop()));
  removeTempDirs();
}

/** A direct-dialect user, logged in. */
export async function directUser(port: number, name: string): Promise<LineClient> {
  const c = await client(port);
  c.send(`HELLO-FROM ${name}`);
  expect(await c.next()).toBe(`HELLO ${name}`);
  return c;
}

/** A messenger-dialect user, named. */
export async function messengerUser(port: number, name: string): Promise<LineClient> {
  const c = await client(port);
  c.send(`NAME ${name}`);
  expect(await c.next()).toMatch(new RegExp(`^WELCOME ${name} `, 'u'));
  return c;
}

export interface ChannelsUserOptions {
  /** Default 'pw'. */
  readonly password?: string;
  /** The server's address (default 127.0.0.1), for servers on other loopback addresses. */
  readonly host?: string;
  /** Register before logging in (default true); false for an account an earlier test registered. */
  readonly register?: boolean;
}

/** A channels-dialect user: registered (unless told not to), then logged in. A string is the password. */
export async function channelsUser(port: number, name: string, options: string | ChannelsUserOptions = {}): Promise<LineClient> {
  const { password = 'pw', host = '127.0.0.1', register = true } = typeof options === 'string' ? { password: options } : options;
  const c = await clientOf(port, host);
  if (register) expect(await ask(c, `REGISTER ${name} ${password}`)).toBe('RESULT REGISTER 1');
  expect(await ask(c, `LOGIN ${name} ${password}`)).toBe('RESULT LOGIN 1');
  return c;
}

/** Sends `line` and returns the reply. */
export async function ask(c: LineClient, line: string): Promise<string> {
  c.send(line);
  return c.next();
}

/**
 * Waits until `check` holds: tries it, then again every 50 ms, for at most `ms`. The check looks at the state
 * a test is about to assert (a reply, a log line, a count), so no test waits for a moment instead. The default
 * bound is generous: with three test files at once on a busy machine, a link or a log line has taken over 10 s.
 */
export async function until(check: () => boolean | Promise<boolean>, what: string | (() => string), ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Between two tries of a check: often enough not to slow a test, rarely enough not to load the machine. */
const POLL_MS = 50;
