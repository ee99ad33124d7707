// Plays a recording against a transport and reports the first difference.
import { difference } from '../../../src/check/match.js';
import type { Recording } from '../../../src/recording/parse.js';
import type { ReplayConnection, Transport } from './transport.js';

export interface ReplayResult {
  readonly ok: boolean;
  /** Where and how the server's behaviour differed from the recording. */
  readonly failure?: string;
  /** The same, for a report: what was expected there, what came, and the first difference in words. */
  readonly expected?: string;
  readonly got?: string;
  readonly difference?: string;
}

export interface ReplayWatch {
  /** Collects the exchange as it happens: `a > line`, `a >> bytes`, `a < line`, `a <!`, `a !`. */
  readonly exchange?: string[];
  /** Connections whose unexpected lines at the end do not count (the checker's filler users). */
  readonly quiet?: ReadonlySet<string>;
}

/** How long each expectation waits for the server by default. */
export const WAIT_MS = 3000;

const decoder = new TextDecoder();
/** A send as a report shows it: `a > line` for one whole line, else `a >> bytes` with `\r \n \t \xNN` escapes. */
export function shownSend(conn: string, bytes: Uint8Array): string {
  const text = decoder.decode(bytes);
  const body = text.slice(0, -1);
  if (text.endsWith('\n') && !/[\x00-\x1f\x7f]/.test(body)) return `${conn} > ${body}`;
  const escaped = text.replace(/[\x00-\x1f\x7f\\]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' })[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `${conn} >> ${escaped}`;
}

/** A received line with its control characters made visible, so a foreign server's bytes cannot upset a terminal. */
const visible = (line: string) => line.replace(/[\x00-\x08\x0a-\x1f\x7f\x80-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

export async function replay(recording: Recording, transport: Transport, waitMs = WAIT_MS, watch: ReplayWatch = {}): Promise<ReplayResult> {
  const conns = new Map<string, ReplayConnection>();
  const log = (line: string) => watch.exchange?.push(line);
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
        case 'open': log(`${event.conn} ~`); break;
        case 'send': log(shownSend(event.conn, event.bytes)); conn.write(event.bytes); break;
        case 'close': log(`${event.conn} !`); conn.end(); break;
        case 'breakWrites':
          if (!conn.breakWrites) return { ok: false, failure: `${where}: this transport cannot break writes` };
          conn.breakWrites();
          break;
        case 'expect': {
          let got: string;
          try {
            got = await conn.next(waitMs);
          } catch (error) {
            const why = (error as Error).message;
            return { ok: false, failure: `${where}: ${why}`, expected: JSON.stringify(event.text), got: why, difference: `${where}: expected ${JSON.stringify(event.text)}, but ${why}` };
          }
          log(`${event.conn} < ${visible(got)}`);
          // exact, or one of the forms a conformance case uses (`…`, `⊇`; src/check/match.ts)
          const differs = difference(event.text, got);
          if (differs !== undefined) {
            return { ok: false, failure: `${where}: expected ${JSON.stringify(event.text)}, got ${JSON.stringify(got)}`, expected: JSON.stringify(event.text), got: JSON.stringify(got), difference: `${where}: ${differs}` };
          }
          break;
        }
        case 'expectClose':
          await conn.closed(waitMs);
          log(`${event.conn} <!`);
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
    if (extra.length && !watch.quiet?.has(name)) {
      extra.forEach((line) => log(`${name} < ${visible(line)}`));
      return { ok: false, failure: `after the last line, ${name} also got ${JSON.stringify(extra)}` };
    }
  }
  return { ok: true };
}
