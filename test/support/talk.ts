// Deprecated: these helpers moved to test/support/process.ts. Import from there; these names stay so that
// tests written against the old place keep working.
import type { LineClient } from './client.js';
import { channelsUser as channelsUserOf } from './process.js';

export { ask, until } from './process.js';

/**
 * @deprecated Use `channelsUser(port, name, { host, register })` from test/support/process.ts, which the
 * harness's `cleanup()` closes.
 */
export async function channelsUser(port: number, host: string, name: string, clients: LineClient[], register = true): Promise<LineClient> {
  const c = await channelsUserOf(port, name, { host, register });
  clients.push(c);
  return c;
}
