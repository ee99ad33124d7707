// Property-based fuzzing of the pure core (fast-check): thousands of random and mutated protocol lines, closes,
// half-closes, effect results in any order and timers, against the invariants the server must keep whatever a
// client sends. The driver behaves like the edges: it honours pause (the rest of a read already handed on still arrives),
// runs every effect once, closes what the core closes, and fires timers when their time comes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIALECTS, initialState, step } from '../../src/server-step.js';
import { TIGHT_LIMITS } from '../support/core.js';
import { forEachDelivery } from '../../src/core/audience.js';
import type { CoreLimits, State } from '../../src/core/state.js';
import type { Command, Effect } from '../../src/core/types.js';
import { is } from 'immutable';
import { lookalikesOf, skeleton } from '../../src/core/name-policy.js';

/** Every command but the cluster's (this fuzzes one node): each is about one connection. */
type ConnCommand = Exclude<Command, { kind: 'cluster' | 'clusterBatch' }>;

const LIMITS: CoreLimits = TIGHT_LIMITS;
const CONNS = ['c1', 'c2', 'c3', 'c4'];
const ADDRESSES = ['10.0.0.1', '10.0.0.2'];
/** Lines a paused connection may still deliver: the rest of the read the edge handed on at once (at most 16 a turn). */
const AFTER_PAUSE = 15;

const names = fc.constantFrom('alice', 'bob', 'al\u200bice', 'jose\u0301', 'jos\u00e9', 'a,b', 'x@y', 'c:d', '', ' ', '😀', 'n\u0000', '\u202eevil',
  // look-alikes of alice and bob (Cyrillic а and о, capital I for l, a variation selector), control characters, long names
  '\u0430lice', 'aIice', 'b\u043eb', 'bob\ufe0f', 'a\u001bb', 'a\u007fb', 'a\u0007b', 'x'.repeat(64), 'x'.repeat(65), '名'.repeat(65), 'room1', 'room2', 'room3', 'room4');
const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('hi', '  ', '\t', 'a\rb', '\x1b[2J', 'x\u009by'));
const wellFormed = fc.oneof(
  fc.tuple(fc.constantFrom('HELLO-FROM', 'NAME', 'REGISTER', 'LOGIN', 'CREATE', 'JOIN'), names, fc.constantFrom('', ' pw', ' wrong', ` ${'p'.repeat(73)}`, ` ${'é'.repeat(36)}`)).map(([v, n, p]) => `${v} ${n}${p}`),
  fc.tuple(fc.constantFrom('SEND', 'WHISPER', 'SAY'), names, text).map(([v, n, t]) => `${v} ${n} ${t}`),
  fc.tuple(fc.constantFrom('BROADCAST', 'QUIT'), text).map(([v, t]) => `${v} ${t}`),
  fc.constantFrom('LIST', 'USERS', 'CHANNELS', 'QUIT', '', 'toString', '__proto__', 'constructor x'),
);
/** A well-formed line with a few characters inserted, deleted or replaced. */
const mutated = fc.tuple(wellFormed, fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ unit: 'binary', maxLength: 2 })), { maxLength: 3 }))
  .map(([line, edits]) => edits.reduce((l, [at, cut, put]) => l.slice(0, at % (l.length + 1)) + put + l.slice((at % (l.length + 1)) + cut), line));
const lineText = fc.oneof(wellFormed, mutated, fc.string({ unit: 'binary', maxLength: 40 }));
/** The lines that log a connection in, in each dialect, so that the runs get past logging in often. */
const logins = fc.tuple(fc.constantFrom('alice', 'bob', 'carol', 'jose\u0301', '名前', '\u0430lice', 'b\u043eb', 'x'.repeat(64)), fc.constantFrom('NAME %', 'HELLO-FROM %', 'REGISTER % pw', 'LOGIN % pw', 'CREATE room%'))
  .map(([name, form]) => form.replace('%', name));

type Action =
  | { t: 'open'; i: number; a: number }
  | { t: 'line'; i: number; text: string }
  | { t: 'long'; i: number }
  | { t: 'end'; i: number }
  | { t: 'close'; i: number; error: boolean }
  | { t: 'result'; k: number; ok: boolean }
  | { t: 'tick'; ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('open' as const), i: fc.nat(3), a: fc.nat(1) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('line' as const), i: fc.nat(3), text: lineText }), weight: 12 },
  { arbitrary: fc.record({ t: fc.constant('line' as const), i: fc.nat(3), text: logins }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('long' as const), i: fc.nat(3) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('end' as const), i: fc.nat(3) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('close' as const), i: fc.nat(3), error: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('result' as const), k: fc.nat(), ok: fc.boolean() }), weight: 5 },
  { arbitrary: fc.record({ t: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 3000 }) }), weight: 3 },
);

const seen = { commands: 0, lines: 0, replies: 0 };

/** Plays actions against the core like the edges would, checking the invariants after every step. */
function play(actions: readonly Action[]): void {
  let state: State = initialState(LIMITS, { accounts: [['alice', 'h:pw']], channels: ['lobby'] });
  let now = 0;
  const open = new Set<string>();
  const paused = new Map<string, number>(); // conn → lines still allowed in after its pause
  const timers = new Map<string, number>();
  let pending: ConnCommand[] = []; // effect results (and closes) the edges owe the core
  let opened = 0;

  const apply = (command: ConnCommand) => {
    const before = state.conns.get(command.conn);
    const t = step(state, command);
    state = t.state;
    seen.commands++;
    if (command.kind === 'line') seen.lines++;
    const after = state.conns.get(command.conn);
    const replies = new Map<string, number>();
    for (const sent of t.out) {
      forEachDelivery(DIALECTS, sent, (conn, line) => {
        // messages never carry control characters other than tab
        expect(line).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
        if (sent.msg.kind === 'reply') replies.set(conn, (replies.get(conn) ?? 0) + 1);
        seen.replies++;
      });
      if (sent.ack !== undefined) pending.push({ kind: 'delivered', conn: sent.ack, ok: forEachDelivery(DIALECTS, sent, () => {}) > 0, at: now });
    }
    // at most one reply per line handled in this step, plus one for the step's own event (a result, a timer, a kick)
    if (before && after) {
      const arrived = command.kind === 'line' || command.kind === 'tooLong' ? 1 : 0;
      const handled = before.queue.size + arrived - after.queue.size;
      expect(replies.get(command.conn) ?? 0).toBeLessThanOrEqual(Math.max(0, handled) + 1);
    }
    for (const [conn, count] of replies) if (conn !== command.conn) expect(count).toBeLessThanOrEqual(1);
    for (const e of t.effects) run(e);
    checkInvariants();
  };

  const run = (e: Effect) => {
    switch (e.kind) {
      case 'pause': paused.set(e.conn, AFTER_PAUSE); return;
      case 'resume': paused.delete(e.conn); return;
      case 'timer': timers.set(e.conn, e.at); return;
      case 'close': pending.push({ kind: 'closed', conn: e.conn, cause: 'ended', at: now }); return;
      case 'hashPassword': pending.push({ kind: 'passwordHashed', conn: e.conn, user: e.user, hash: `h:${e.password}`, at: now }); return;
      case 'checkPassword': pending.push({ kind: 'passwordChecked', conn: e.conn, user: e.user, ok: e.hash === `h:${e.password}`, at: now }); return;
      case 'storeAccount': pending.push({ kind: 'accountStored', conn: e.conn, user: e.user, hash: e.hash, ok: true, at: now }); return;
      case 'storeChannel': pending.push({ kind: 'channelStored', conn: e.conn, channel: e.channel, ...(e.owner !== undefined ? { owner: e.owner } : {}), ok: true, at: now }); return;
    }
  };

  const checkInvariants = () => {
    // a user is online iff a live connection holds it
    for (const [user, conn] of state.online) expect(state.conns.get(conn)?.user).toBe(user);
    for (const conn of state.conns.values()) if (conn.user !== undefined) expect(state.online.get(conn.user)).toBe(conn.id);
    expect(state.names.size).toBe(state.online.size);
    expect(state.loginOrder.size).toBe(state.online.size);
    expect(state.online.size).toBeLessThanOrEqual(LIMITS.maxUsers);
    // bounded: no connection the edges have closed, queues within the limit plus one chunk's rest, small side tables
    for (const conn of state.conns.keys()) expect(open.has(conn)).toBe(true);
    for (const conn of state.conns.values()) expect(conn.queue.size).toBeLessThanOrEqual(LIMITS.maxQueued + AFTER_PAUSE + 1);
    expect(state.loginFailures.size).toBeLessThanOrEqual(state.accounts.size + ADDRESSES.length);
    // names being registered or channels being created: one per effect still under way
    expect(state.registering.size + state.creating.size).toBeLessThanOrEqual(pending.length);
    // names and quotas: no two users online look alike; an account's name is online only through a password login;
    // the channel quotas hold
    const online = [...state.online.keys()];
    expect(new Set(online.map(skeleton)).size).toBe(online.length);
    for (const [user, conn] of state.online) if (state.accounts.has(user)) expect(state.conns.get(conn)?.dialect).toBe('channels');
    expect(state.channels.size).toBeLessThanOrEqual(LIMITS.quotas!.channels);
    for (const count of state.quotas.channelsBy.values()) expect(count).toBeLessThanOrEqual(LIMITS.quotas!.channelsPerUser);
  };

  // as at the edge, a connection id is never used twice: a slot opened again is a new connection, so a result
  // still under way for the one closed there cannot reach it
  const idOf = new Map<number, string>();
  for (const a of actions) {
    let conn = 'i' in a ? idOf.get(a.i) ?? CONNS[a.i] : '';
    switch (a.t) {
      case 'open':
        if (open.has(conn) || opened > 40) break;
        opened++;
        conn = `${CONNS[a.i]}.${opened}`;
        idOf.set(a.i, conn);
        open.add(conn);
        apply({ kind: 'connected', conn, remote: { address: ADDRESSES[a.a], port: 1000 + opened }, listener: 'auto', at: now });
        break;
      case 'line':
      case 'long': {
        if (!open.has(conn)) break;
        const left = paused.get(conn);
        if (left !== undefined) {
          if (left === 0) break; // TCP pushes back: the client cannot send more
          paused.set(conn, left - 1);
        }
        apply(a.t === 'line' ? { kind: 'line', conn, text: a.text, at: now } : { kind: 'tooLong', conn, at: now });
        break;
      }
      case 'end':
        if (open.has(conn)) apply({ kind: 'inputEnded', conn, at: now });
        break;
      case 'close':
        if (!open.has(conn)) break;
        apply({ kind: 'closed', conn, cause: a.error ? 'error' : 'ended', at: now });
        open.delete(conn);
        paused.delete(conn);
        timers.delete(conn);
        break;
      case 'result': {
        if (!pending.length) break;
        let [next] = pending.splice(a.k % pending.length, 1);
        // the hasher may refuse (an address's share full, a wait too long): the result comes back busy at once
        if (!a.ok && next.kind === 'passwordHashed') next = { ...next, hash: null, busy: true };
        if (!a.ok && next.kind === 'passwordChecked') next = { ...next, ok: false, busy: true };
        if (next.kind === 'closed') {
          if (!open.has(next.conn)) break;
          open.delete(next.conn);
          paused.delete(next.conn);
          timers.delete(next.conn);
        } else if (!open.has(next.conn) && next.kind === 'delivered') break;
        apply({ ...next, at: now } as ConnCommand);
        break;
      }
      case 'tick':
        now += a.ms;
        for (const [c, at] of [...timers]) {
          if (at > now || !open.has(c)) continue;
          timers.delete(c);
          apply({ kind: 'timer', conn: c, at: now });
        }
        break;
    }
  }
  // the look-alike index is what a rebuild from scratch gives (checked once a run: a rebuild every step doubles its time)
  expect(is(state.lookalikes, lookalikesOf(new Set([...state.online.keys(), ...state.accounts.keys(), ...state.registering])))).toBe(true);
  pending = [];
}

describe('the core under random input', () => {
  it('keeps its invariants over thousands of random and mutated lines, in every dialect, with effects in any order', () => {
    fc.assert(fc.property(fc.array(action, { minLength: 50, maxLength: 300, size: 'max' }), (actions) => { play(actions); }), { numRuns: 600 });
    // the runs did reach the handlers: many lines, many answers
    expect(seen.lines).toBeGreaterThan(8000);
    expect(seen.replies).toBeGreaterThan(3000);
    console.log(`[figures] fuzz: ${seen.commands} commands, ${seen.lines} lines, ${seen.replies} lines delivered`);
    // some 15 s on a quiet machine; a shared one may take twice that
  }, 60_000);
});
