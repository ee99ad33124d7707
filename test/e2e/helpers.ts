// Shared pieces of the end-to-end tests: servers and clients that are always cleaned up, and logins per dialect.
import { expect } from 'vitest';
import { connectClient, type LineClient } from '../support/client.js';
import { removeTempDirs, startServerProcess, type ServerProcess, type StartOptions } from '../support/server.js';

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

/** Opens a client that `cleanup()` closes. */
export async function client(port: number, localAddress?: string): Promise<LineClient> {
  const opened = await connectClient(port, '127.0.0.1', localAddress);
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

/** A channels-dialect user: registered, then logged in. */
export async function channelsUser(port: number, name: string, password = 'pw'): Promise<LineClient> {
  const c = await client(port);
  c.send(`REGISTER ${name} ${password}`);
  expect(await c.next()).toBe('RESULT REGISTER 1');
  c.send(`LOGIN ${name} ${password}`);
  expect(await c.next()).toBe('RESULT LOGIN 1');
  return c;
}

/** Sends `line` and returns the reply. */
export async function ask(c: LineClient, line: string): Promise<string> {
  c.send(line);
  return c.next();
}

/**
 * Repeats a round trip to the server until `check` holds, at most `tries` times. Each try waits for a
 * reply, so the server gets to handle what happened meanwhile (a socket closing elsewhere).
 */
export async function eventually(check: () => Promise<boolean>, what: string, tries = 50): Promise<void> {
  for (let i = 0; i < tries; i++) if (await check()) return;
  throw new Error(`still not true after ${tries} tries: ${what}`);
}
