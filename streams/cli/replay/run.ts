// Plays a recording against a transport and reports the first difference.
import { difference } from '../../../src/check/match.js';
import type { Recording } from '../../../src/recording/parse.js';
import type { ReplayConnection, Transport } from './transport.js';

export interface ReplayResult {
  readonly ok: boolean;
  /** Where and how the server's behaviour differed from the recording. */
  readonly failure?: string;
}

/** How long each expectation waits for the server by default. */
export const WAIT_MS = 3000;

export async function replay(recording: Recording, transport: Transport, waitMs = WAIT_MS): Promise<ReplayResult> {
  const conns = new Map<string, ReplayConnection>();
  const connection = async (name: string, from?: string) => {
    let conn = conns.get(name);
    if (!conn) {
      conn = await transport.open(name, from);
      conns.set(name, conn);
    }
    return conn;
  };
  for (const event of recording.events) {
    const where = `line ${event.line} (${event.conn})`;
    try {
      const conn = await connection(event.conn, event.op === 'open' ? event.from : undefined);
      switch (event.op) {
        case 'open': break;
        case 'send': conn.write(event.bytes); break;
        case 'close': conn.end(); break;
        case 'breakWrites':
          if (!conn.breakWrites) return { ok: false, failure: `${where}: this transport cannot break writes` };
          conn.breakWrites();
          break;
        case 'expect': {
          const got = await conn.next(waitMs);
          // exact, or one of the forms a conformance case uses (`…`, `⊇`; src/check/match.ts)
          if (difference(event.text, got) !== undefined) return { ok: false, failure: `${where}: expected ${JSON.stringify(event.text)}, got ${JSON.stringify(got)}` };
          break;
        }
        case 'expectClose':
          await conn.closed(waitMs);
          await transport.settle(); // the server logs the user out just after it closed the socket
          break;
      }
    } catch (error) {
      return { ok: false, failure: `${where}: ${(error as Error).message}` };
    }
  }
  // nothing may arrive that the recording did not expect
  await transport.settle();
  for (const [name, conn] of conns) {
    const extra = conn.unread();
    if (extra.length) return { ok: false, failure: `after the last line, ${name} also got ${JSON.stringify(extra)}` };
  }
  return { ok: true };
}
