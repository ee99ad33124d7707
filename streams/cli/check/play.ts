// Plays one case against a transport, keeping the exchange so a failure can show it.
import type { RecordedEvent, Recording } from '../../../src/recording/parse.js';
import { difference } from '../../../src/check/match.js';
import type { Filler } from '../../../src/check/plan.js';
import type { ReplayConnection, Transport } from '../replay/transport.js';

export interface Played {
  readonly ok: boolean;
  readonly exchange: readonly string[];
  readonly expected?: string;
  readonly got?: string;
  readonly difference?: string;
}

const decoder = new TextDecoder();
/** A send as the report shows it: `a > line` for one whole line, else `a >> bytes` with `\r \n \t \xNN` escapes. */
function sent(conn: string, bytes: Uint8Array): string {
  const text = decoder.decode(bytes);
  const body = text.slice(0, -1);
  if (text.endsWith('\n') && !/[\x00-\x1f\x7f]/.test(body)) return `${conn} > ${body}`;
  const escaped = text.replace(/[\x00-\x1f\x7f\\]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' })[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `${conn} >> ${escaped}`;
}

/** A received line with its control characters made visible, so a foreign server's bytes cannot upset the terminal. */
const visible = (line: string) => line.replace(/[\x00-\x08\x0a-\x1f\x7f\x80-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** Log `count` filler users in first (on connections the case does not name), for a case about a full server. */
function fillerEvents(count: number, filler: Filler | undefined, tag: string): RecordedEvent[] {
  if (!filler || count === 0) return [];
  const encoder = new TextEncoder();
  return Array.from({ length: count }, (_, i) => {
    const conn = `filler${i + 1}`;
    const name = `fill${i + 1}${tag}`;
    return [
      { op: 'send', conn, bytes: encoder.encode(filler.line(name) + '\n'), line: 0 },
      { op: 'expect', conn, text: filler.answer(name), line: 0 },
    ] as RecordedEvent[];
  }).flat();
}

export interface PlayOptions {
  readonly waitMs: number;
  readonly fillers?: { readonly count: number; readonly filler: Filler | undefined; readonly tag: string };
}

export async function play(recording: Recording, transport: Transport, { waitMs, fillers }: PlayOptions): Promise<Played> {
  const exchange: string[] = [];
  const conns = new Map<string, ReplayConnection>();
  const quiet = new Set<string>(); // fillers: what else they are sent is not this rule's business
  const connection = async (name: string, from?: string) => {
    let conn = conns.get(name);
    if (!conn) {
      conn = await transport.open(name, from);
      conns.set(name, conn);
    }
    return conn;
  };
  const fail = (where: string, expected: string, got: string, why: string): Played =>
    ({ ok: false, exchange, expected, got, difference: `${where}: ${why}` });
  const events = [...fillerEvents(fillers?.count ?? 0, fillers?.filler, fillers?.tag ?? ''), ...recording.events];
  for (const event of events) {
    const where = event.line ? `line ${event.line}` : `logging in ${event.conn}`;
    if (event.line === 0) quiet.add(event.conn);
    try {
      const conn = await connection(event.conn, event.op === 'open' ? event.from : undefined);
      switch (event.op) {
        case 'open': exchange.push(`${event.conn} ~`); break;
        case 'send': exchange.push(sent(event.conn, event.bytes)); conn.write(event.bytes); break;
        case 'close': exchange.push(`${event.conn} !`); conn.end(); break;
        case 'breakWrites':
          if (!conn.breakWrites) return fail(where, 'a socket the checker can break', 'a real socket', 'this rule breaks a socket, which only the in-process server can stage');
          conn.breakWrites();
          break;
        case 'expect': {
          let got: string;
          try {
            got = await conn.next(waitMs);
          } catch (error) {
            return fail(where, JSON.stringify(event.text), (error as Error).message, `${event.conn} expected ${JSON.stringify(event.text)}, but ${(error as Error).message}`);
          }
          exchange.push(`${event.conn} < ${visible(got)}`);
          const differs = difference(event.text, got);
          if (differs) return fail(where, JSON.stringify(event.text), JSON.stringify(got), `${event.conn} ${differs}`);
          break;
        }
        case 'expectClose':
          try {
            await conn.closed(waitMs);
          } catch (error) {
            return fail(where, 'the server to close the connection', (error as Error).message, `${event.conn} expected the server to close the connection, but ${(error as Error).message}`);
          }
          exchange.push(`${event.conn} <!`);
          await transport.settle(); // the server logs the user out just after it closed the socket
          break;
      }
    } catch (error) {
      return fail(where, 'a connection', (error as Error).message, (error as Error).message);
    }
  }
  // nothing may arrive that the case did not expect
  await transport.settle();
  for (const [name, conn] of conns) {
    const extra = conn.unread();
    if (extra.length && !quiet.has(name)) {
      exchange.push(...extra.map((line) => `${name} < ${visible(line)}`));
      return fail('after the last line', 'nothing more', JSON.stringify(extra[0]), `${name} also got ${JSON.stringify(extra)}, which the rule does not expect`);
    }
  }
  return { ok: true, exchange };
}
