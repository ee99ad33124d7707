// The socket edge's framing and pacing (streams/net/framer.ts, streams/net/lines.ts), over in-memory streams:
// lines are framed as split2 framed them, a read goes to the core as one command, a burst is handed on in
// slices with other sockets' lines in between, and a paused connection hands on nothing until resumed.
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import split2 from 'split2';
import { merge, type Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../src/core/types.js';
import { LineFramer, TOO_LONG, type Framed } from '../../streams/net/framer.js';
import { commandsOf, LINES_PER_TURN } from '../../streams/net/lines.js';
import { Intake } from '../../streams/net/read-control.js';

/** What the edge framed with split2 before: over-long lines reported once, the unterminated tail dropped. */
async function framedBySplit2(chunks: readonly Buffer[], maxLength: number): Promise<Framed[]> {
  let ended = false;
  const options: split2.Options & { skipOverflow: boolean } = { maxLength, skipOverflow: true };
  const splitter = split2(/\r?\n/, (line: string) => (ended ? undefined : line.length > maxLength ? TOO_LONG : line), options);
  let overflow = false;
  Object.defineProperty(splitter, 'overflow', {
    get: () => overflow,
    set: (value: boolean) => {
      if (value && !overflow) splitter.push(TOO_LONG);
      overflow = value;
    },
  });
  const out: Framed[] = [];
  splitter.on('data', (item: Framed) => out.push(item));
  for (const chunk of chunks) splitter.write(chunk);
  ended = true;
  splitter.end();
  await once(splitter, 'end');
  return out;
}

function framedByFramer(chunks: readonly Buffer[], maxLength: number): Framed[] {
  const framer = new LineFramer(maxLength);
  const out: Framed[] = [];
  for (const chunk of chunks) framer.push(chunk, out);
  return out;
}

const piece = fc.constantFrom('a', 'b', ' ', 'é', '名', '😀', '\r', '\n', '\r\n', '\n\n', 'SAY room hi\n', '\xff', '\xc3', '\x00');
const bytesOf = (p: string) => (p === '\xff' || p === '\xc3' ? Buffer.from([p.charCodeAt(0)]) : Buffer.from(p));

describe('framing', () => {
  it('frames every chunking of any bytes as split2 did (\\r\\n, invalid UTF-8, characters split across reads, over-long lines)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(piece, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 1, max: 12 }), async (pieces, cuts, maxLength) => {
      const bytes = Buffer.concat(pieces.map(bytesOf));
      const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks = [0, ...at].map((from, i) => bytes.subarray(from, i < at.length ? at[i] : bytes.length));
      expect(framedByFramer(chunks, maxLength)).toEqual(await framedBySplit2(chunks, maxLength));
    }), { numRuns: 400 });
  });
});

describe('handing lines to the core', () => {
  const subscriptions: Subscription[] = [];
  afterEach(() => { for (const s of subscriptions.splice(0)) s.unsubscribe(); });

  /** Two in-memory sockets read by the edge, and every command they cause, in order. */
  function twoSockets(react: (command: Command, intake: Intake) => void = () => {}) {
    const intake = new Intake();
    // a half-open socket, as the listeners make them: the end of its input does not close it
    const sockets = { a: new PassThrough({ autoDestroy: false }), b: new PassThrough({ autoDestroy: false }) };
    const seen: Command[] = [];
    const input = (conn: 'a' | 'b') => commandsOf({ conn, socket: sockets[conn], remote: { address: '127.0.0.1', port: 1 }, listener: 'auto', maxLineLength: 100, clock: () => 0, intake });
    subscriptions.push(merge(input('a'), input('b')).subscribe((c) => {
      seen.push(c);
      react(c, intake);
    }));
    return { intake, sockets, seen };
  }

  /** Waits (bounded) until `check` holds, one event-loop turn at a time. */
  async function until(check: () => boolean, what: string): Promise<void> {
    for (let turn = 0; turn < 1000 && !check(); turn++) await new Promise((resolve) => setImmediate(resolve));
    if (!check()) throw new Error(`timed out waiting for ${what}`);
  }

  const linesOf = (seen: readonly Command[], conn: string) => seen.flatMap((c) => (c.kind === 'lines' && c.conn === conn ? [c.texts] : []));

  it('one read of a few lines reaches the core as one command', async () => {
    const { sockets, seen } = twoSockets();
    sockets.a.write('NAME ann\nBROADCAST hi\nBROADCAST there\n');
    await until(() => linesOf(seen, 'a').length > 0, 'the lines');
    expect(linesOf(seen, 'a')).toEqual([['NAME ann', 'BROADCAST hi', 'BROADCAST there']]);
  });

  it('a burst in one read is handed on at most LINES_PER_TURN lines a turn, with another socket\'s line in between', async () => {
    const { sockets, seen } = twoSockets();
    const burst = Array.from({ length: 100 }, (_, i) => `BROADCAST ${i}`);
    sockets.a.write(burst.join('\n') + '\n');
    sockets.b.write('NAME bob\n');
    await until(() => linesOf(seen, 'a').flat().length === 100 && linesOf(seen, 'b').length === 1, 'every line');
    const slices = linesOf(seen, 'a');
    expect(slices.flat()).toEqual(burst);
    for (const slice of slices) expect(slice.length).toBeLessThanOrEqual(LINES_PER_TURN);
    const order = seen.filter((c) => c.kind === 'lines').map((c) => c.conn);
    const bAt = order.indexOf('b');
    expect(bAt).toBeGreaterThan(0);
    expect(bAt).toBeLessThan(order.lastIndexOf('a'));
  });

  it('a connection paused while the core handles its lines hands on nothing more until resumed, then the rest in order, then its end', async () => {
    // the core pauses it as it handles the first lines, as flow control does once the queue is full
    const { intake, sockets, seen } = twoSockets((c, control) => { if (c.kind === 'lines' && c.conn === 'a' && c.texts[0] === '0') control.pause('a'); });
    const burst = Array.from({ length: 40 }, (_, i) => `${i}`);
    sockets.a.write(burst.join('\n') + '\n');
    sockets.a.end();
    await until(() => linesOf(seen, 'a').length === 1, 'the first lines');
    sockets.b.write('other\n');
    await until(() => linesOf(seen, 'b').length === 1, "the other socket's line");
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(linesOf(seen, 'a').flat()).toEqual(burst.slice(0, LINES_PER_TURN));
    expect(seen.some((c) => c.kind === 'inputEnded')).toBe(false);
    intake.resume('a');
    await until(() => seen.some((c) => c.kind === 'inputEnded'), 'the end of the input');
    expect(linesOf(seen, 'a').flat()).toEqual(burst);
    const kinds = seen.filter((c) => c.kind !== 'connected' && 'conn' in c && c.conn === 'a').map((c) => c.kind);
    expect(kinds.filter((k) => k !== 'closed').pop()).toBe('inputEnded');
  });

  it('an over-long line between two others becomes a tooLong in its place', async () => {
    const { sockets, seen } = twoSockets();
    sockets.a.write(`before\n${'x'.repeat(101)}\nafter\n`);
    await until(() => linesOf(seen, 'a').flat().includes('after'), 'the last line');
    expect(seen.filter((c) => 'conn' in c && c.conn === 'a' && c.kind !== 'connected').map((c) => (c.kind === 'lines' ? c.texts.join('|') : c.kind)))
      .toEqual(['before', 'tooLong', 'after']);
  });
});
