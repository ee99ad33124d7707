// Small steps of a conversation with a server, shared by the end-to-end tests.
import { expect } from 'vitest';
import { connectClient, type LineClient } from './client.js';

/** Waits until `check` holds, trying every 50 ms for up to `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Sends a line and returns the next line the server sends. */
export async function ask(c: LineClient, line: string): Promise<string> {
  c.send(line);
  return c.next();
}

/** A channels user logged in on host:port (registered first unless `register` is false); kept in `clients` to close later. */
export async function channelsUser(port: number, host: string, name: string, clients: LineClient[], register = true): Promise<LineClient> {
  const c = await connectClient(port, host);
  clients.push(c);
  if (register) expect(await ask(c, `REGISTER ${name} pw`)).toBe('RESULT REGISTER 1');
  expect(await ask(c, `LOGIN ${name} pw`)).toBe('RESULT LOGIN 1');
  return c;
}
