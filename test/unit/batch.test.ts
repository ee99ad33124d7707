// A socket read reaches the core as one `lines` command: handling it must be exactly handling its lines one by
// one at the same time (rate limits, the queue, pause, QUIT in the middle, effects that make a connection wait).
// Two cores run side by side, one fed batches and one fed single lines, on random and on recorded input.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { isImmutable, isKeyed, isOrdered } from 'immutable';
import { describe, expect, it } from 'vitest';
import { forEachDelivery } from '../../src/core/audience.js';
import type { Step } from '../../src/core/steps.js';
import { SortedMap } from '../../src/core/sorted.js';
import type { CoreLimits, State } from '../../src/core/state.js';
import type { Command, Effect } from '../../src/core/types.js';
import { parseRecording } from '../../src/recording/parse.js';
import { DIALECTS, initialState, step } from '../../src/server-step.js';
import { TIGHT_LIMITS } from '../support/core.js';
import { LineFramer, TOO_LONG, type Framed } from '../../streams/net/framer.js';

const LIMITS: CoreLimits = { ...TIGHT_LIMITS, maxUsers: 4, maxQueued: 3, maxLineLength: 40 };
const CONNS = ['c1', 'c2', 'c3'];

/** What a step shows the world: each delivery as `conn: line`, its effects, its log events. */
function seen(t: Step): { deliveries: string[]; effects: readonly Effect[]; log: Step['log'] } {
  const deliveries: string[] = [];
  for (const sent of t.out) forEachDelivery(DIALECTS, sent, (conn, line) => deliveries.push(`${conn}: ${line}`));
  return { deliveries, effects: t.effects, log: t.log };
}

/** A state's content as plain data, whatever its collections cache inside (hashes, built lists). */
function plain(value: unknown): unknown {
  if (typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (isImmutable(value)) {
    if (isKeyed(value)) return [...(value as Iterable<[unknown, unknown]>)].map(([k, v]) => [plain(k), plain(v)]).sort(byJson);
    return isOrdered(value) ? [...(value as Iterable<unknown>)].map(plain) : [...(value as Iterable<unknown>)].map(plain).sort(byJson);
  }
  if (value instanceof SortedMap) {
    const entries: unknown[] = [];
    value.forEach((k, v) => entries.push([plain(k), plain(v)]));
    return entries;
  }
  if (value instanceof Map) return [...value].map(([k, v]) => [plain(k), plain(v)]).sort(byJson);
  if (value instanceof Set) return [...value].map(plain).sort(byJson);
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.keys(value).filter((k) => !k.startsWith('_')).sort().map((k) => [k, plain((value as Record<string, unknown>)[k])]));
}

function byJson(a: unknown, b: unknown): number {
  const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The result an edge would bring back for an effect, or nothing for the edge's own effects. */
function resultOf(e: Effect, at: number): Command | undefined {
  switch (e.kind) {
    case 'close': return { kind: 'closed', conn: e.conn, cause: 'ended', at };
    case 'hashPassword': return { kind: 'passwordHashed', conn: e.conn, user: e.user, hash: `h:${e.password}`, at };
    case 'checkPassword': return { kind: 'passwordChecked', conn: e.conn, user: e.user, ok: e.hash === `h:${e.password}`, at };
    case 'storeAccount': return { kind: 'accountStored', conn: e.conn, user: e.user, hash: e.hash, ok: true, at };
    case 'storeChannel': return { kind: 'channelStored', conn: e.conn, channel: e.channel, ...(e.owner !== undefined ? { owner: e.owner } : {}), ok: true, at };
    default: return undefined;
  }
}

/** Two cores in lockstep: `batched` gets each read as one `lines` command, `single` as one `line` per line. */
class Twins {
  batched: State;
  single: State;
  /** Effect results owed to the cores (the same for both, as their effects are checked to be the same). */
  pending: Command[] = [];
  timers = new Map<string, number>();
  /** Every line the cores sent, as `conn: line`. */
  readonly deliveries: string[] = [];
  steps = 0;
  /** Reads of more than one line: where a batch could differ from its lines. */
  multiLineReads = 0;

  constructor(limits: CoreLimits) {
    this.batched = initialState(limits, { accounts: [['alice', 'h:pw']], channels: ['lobby'] });
    this.single = this.batched;
  }

  /** Both cores take the same command (anything but a read). */
  both(command: Command): void {
    this.compare(this.stepBatched([command]), this.stepSingle([command]));
  }

  /** One read: its lines (and over-long ones) as the edge hands them on, runs of lines as one command each. */
  read(conn: string, framed: readonly Framed[], at: number): void {
    const batches: Command[] = [];
    const singles: Command[] = [];
    let run: string[] = [];
    const endRun = () => {
      if (run.length) batches.push({ kind: 'lines', conn, texts: run, at });
      run = [];
    };
    for (const item of framed) {
      if (item === TOO_LONG) {
        endRun();
        batches.push({ kind: 'tooLong', conn, at });
        singles.push({ kind: 'tooLong', conn, at });
      } else {
        run.push(item);
        singles.push({ kind: 'line', conn, text: item, at });
      }
    }
    endRun();
    if (batches.some((c) => c.kind === 'lines' && c.texts.length > 1)) this.multiLineReads++;
    this.compare(this.stepBatched(batches), this.stepSingle(singles));
  }

  private stepBatched(commands: readonly Command[]): ReturnType<typeof seen>[] {
    return commands.map((command) => {
      const t = step(this.batched, command);
      this.batched = t.state;
      return seen(t);
    });
  }

  private stepSingle(commands: readonly Command[]): ReturnType<typeof seen>[] {
    return commands.map((command) => {
      const t = step(this.single, command);
      this.single = t.state;
      return seen(t);
    });
  }

  private compare(batched: ReturnType<typeof seen>[], single: ReturnType<typeof seen>[]): void {
    const flat = (all: ReturnType<typeof seen>[]) => ({
      deliveries: all.flatMap((s) => s.deliveries), effects: all.flatMap((s) => s.effects), log: all.flatMap((s) => s.log),
    });
    const b = flat(batched);
    expect(b).toEqual(flat(single));
    this.deliveries.push(...b.deliveries);
    this.steps++;
    const at = 0;
    for (const e of b.effects) {
      if (e.kind === 'timer') this.timers.set(e.conn, e.at);
      const result = resultOf(e, at);
      if (result) this.pending.push(result);
    }
  }

  /** The states are the same too, not only what they showed. */
  same(): void {
    expect(plain(this.batched)).toEqual(plain(this.single));
  }
}

const names = fc.constantFrom('alice', 'bob', 'carol', 'room', 'lobby');
const lineText = fc.oneof(
  fc.tuple(fc.constantFrom('NAME', 'HELLO-FROM', 'REGISTER', 'LOGIN', 'CREATE', 'JOIN', 'LEAVE'), names, fc.constantFrom('', ' pw', ' wrong')).map(([v, n, p]) => `${v} ${n}${p}`),
  fc.tuple(fc.constantFrom('SEND', 'WHISPER', 'SAY'), names, fc.constantFrom('hi', 'x'.repeat(45), '')).map(([v, n, t]) => `${v} ${n} ${t}`),
  fc.constantFrom('BROADCAST hello', 'QUIT', 'QUIT bye', 'LIST', 'USERS', 'CHANNELS', '', 'nonsense'),
);
type Action =
  | { t: 'open'; i: number }
  | { t: 'read'; i: number; lines: Array<string | null> }
  | { t: 'end'; i: number }
  | { t: 'close'; i: number }
  | { t: 'result'; k: number }
  | { t: 'tick'; ms: number };
const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('open' as const), i: fc.nat(2) }), weight: 2 },
  // null: a line over the limit, as the edge reports it
  { arbitrary: fc.record({ t: fc.constant('read' as const), i: fc.nat(2), lines: fc.array(fc.option(lineText, { freq: 12 }), { minLength: 1, maxLength: 20 }) }), weight: 10 },
  { arbitrary: fc.record({ t: fc.constant('end' as const), i: fc.nat(2) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('close' as const), i: fc.nat(2) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('result' as const), k: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ t: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 1500 }) }), weight: 3 },
);

function play(actions: readonly Action[]): Twins {
  const twins = new Twins(LIMITS);
  const open = new Set<string>();
  let now = 0;
  for (const a of actions) {
    const conn = 'i' in a ? CONNS[a.i] : '';
    switch (a.t) {
      case 'open':
        if (open.has(conn)) break;
        open.add(conn);
        twins.both({ kind: 'connected', conn, remote: { address: '10.0.0.1', port: 1000 + a.i }, listener: 'auto', at: now });
        break;
      case 'read':
        if (open.has(conn)) twins.read(conn, a.lines.map((l) => l ?? TOO_LONG), now);
        break;
      case 'end':
        if (open.has(conn)) twins.both({ kind: 'inputEnded', conn, at: now });
        break;
      case 'close':
        if (!open.has(conn)) break;
        open.delete(conn);
        twins.both({ kind: 'closed', conn, cause: 'ended', at: now });
        break;
      case 'result': {
        if (!twins.pending.length) break;
        const [next] = twins.pending.splice(a.k % twins.pending.length, 1);
        if (!('conn' in next) || !open.has(next.conn)) break;
        if (next.kind === 'closed') open.delete(next.conn);
        twins.both({ ...next, at: now } as Command);
        break;
      }
      case 'tick':
        now += a.ms;
        for (const [c, at] of [...twins.timers]) {
          if (at > now || !open.has(c)) continue;
          twins.timers.delete(c);
          twins.both({ kind: 'timer', conn: c, at: now });
        }
        break;
    }
  }
  twins.same();
  return twins;
}

describe('a read handed to the core at once', () => {
  it('is handled exactly as its lines one by one, on random input (rate limit, queue, pause, QUIT mid-read, waiting on effects)', () => {
    let reads = 0;
    fc.assert(fc.property(fc.array(action, { minLength: 5, maxLength: 80 }), (actions) => {
      reads += play([{ t: 'open', i: 0 }, { t: 'open', i: 1 }, { t: 'open', i: 2 }, ...actions]).multiLineReads;
    }), { numRuns: 300 });
    expect(reads).toBeGreaterThan(600);
  });

  it('a QUIT in the middle of a read: the lines after it are not handled', () => {
    const twins = play([
      { t: 'open', i: 0 }, { t: 'open', i: 1 },
      { t: 'read', i: 1, lines: ['NAME bob'] },
      { t: 'read', i: 0, lines: ['NAME carol', 'BROADCAST one', 'QUIT', 'BROADCAST two'] },
    ]);
    const toBob = twins.deliveries.filter((d) => d.startsWith('c2: '));
    expect(toBob.some((d) => d.includes('one'))).toBe(true);
    expect(toBob.some((d) => d.includes('two'))).toBe(false);
    expect(twins.batched.online.has('carol')).toBe(false);
  });

  it('is handled exactly as its lines one by one, on every recording (its sends grouped into reads)', () => {
    const dir = join(import.meta.dirname, '../recordings');
    const files = readdirSync(dir).filter((f) => f.endsWith('.rec'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const recording = parseRecording(readFileSync(join(dir, file), 'utf8'), { tag: 't' });
      if ('error' in recording) throw new Error(`${file}: ${recording.error}`);
      const maxLine = Number(recording.settings['max-line'] ?? 8192);
      const twins = new Twins({ ...LIMITS, maxUsers: 16, maxQueued: 1000, maxLineLength: maxLine, rate: undefined, loginTimeoutMs: undefined });
      const framers = new Map<string, LineFramer>();
      const open = new Set<string>();
      const ensureOpen = (conn: string) => {
        if (open.has(conn)) return;
        open.add(conn);
        framers.set(conn, new LineFramer(maxLine));
        twins.both({ kind: 'connected', conn, remote: { address: '127.0.0.1', port: 1000 + open.size }, listener: (recording.settings.protocol ?? 'auto'), at: 0 });
      };
      // consecutive sends of one connection arrive as one read
      let reading: { conn: string; framed: Framed[] } | undefined;
      const endRead = () => {
        if (reading) twins.read(reading.conn, reading.framed, 0);
        reading = undefined;
        // what the effects owe comes back before the next read (the in-process edges answer at once)
        for (let i = 0; i < 100 && twins.pending.length; i++) {
          const next = twins.pending.shift()!;
          if ('conn' in next && open.has(next.conn)) twins.both(next);
        }
      };
      for (const event of recording.events) {
        if (event.op === 'send') {
          ensureOpen(event.conn);
          if (reading && reading.conn !== event.conn) endRead();
          reading ??= { conn: event.conn, framed: [] };
          framers.get(event.conn)!.push(Buffer.from(event.bytes), reading.framed);
          continue;
        }
        endRead();
        if (event.op === 'open') ensureOpen(event.conn);
        if (event.op === 'close' && open.has(event.conn)) twins.both({ kind: 'inputEnded', conn: event.conn, at: 0 });
      }
      endRead();
      twins.same();
    }
  });
});
