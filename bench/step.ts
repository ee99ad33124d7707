// `npm run bench -- step`: what one command costs the pure core (step plus resolving and encoding its
// outbound messages, no sockets) with 1k, 10k and 100k connections. Each command is applied to the same
// base state (it is persistent), so the size under test does not drift while it is measured.
import { DIALECTS, initialState, step } from '../src/server-step.js';
import { forEachDelivery } from '../src/core/audience.js';
import type { State } from '../src/core/state.js';
import type { Command } from '../src/core/types.js';

const at = 0;
const remote = { address: '127.0.0.1', port: 1 };

function apply(state: State, commands: Iterable<Command>): State {
  for (const command of commands) state = step(state, command).state;
  return state;
}

/** Runs a command and delivers what it sends: the work the server does for it, minus the socket writes. */
function handle(state: State, command: Command): number {
  const t = step(state, command);
  let lines = 0;
  for (const sent of t.out) lines += forEachDelivery(DIALECTS, sent, () => {});
  return lines;
}

function* connects(from: number, count: number): Generator<Command> {
  for (let i = from; i < from + count; i++) yield { kind: 'connected', conn: `c${i}`, remote, listener: 'auto', at };
}

function* lines(from: number, count: number, text: (i: number) => string): Generator<Command> {
  for (let i = from; i < from + count; i++) yield { kind: 'line', conn: `c${i}`, text: text(i), at };
}

/** N users of one dialect, all online; channels users are also members of one channel, `room`. */
function populated(n: number, dialect: 'direct' | 'messenger' | 'channels'): State {
  const accounts = dialect === 'channels' ? Array.from({ length: n + 1 }, (_, i) => [`u${i}`, 'hash'] as const) : [];
  let state = initialState({ maxUsers: n + 10_000, maxQueued: 1000, maxLineLength: 8192 }, { accounts, channels: ['room'] });
  state = apply(state, connects(0, n));
  if (dialect === 'direct') return apply(state, lines(0, n, (i) => `HELLO-FROM u${i}`));
  if (dialect === 'messenger') return apply(state, lines(0, n, (i) => `NAME u${i}`));
  for (let i = 0; i < n; i++) {
    state = apply(state, [
      { kind: 'line', conn: `c${i}`, text: `LOGIN u${i} pw`, at },
      { kind: 'passwordChecked', conn: `c${i}`, user: `u${i}`, ok: true, at },
      { kind: 'line', conn: `c${i}`, text: 'JOIN room', at },
    ]);
  }
  return state;
}

/** Microseconds per call of `run(i)`: the best of three rounds of `count` calls, after a warm-up round (JIT and GC noise only
 * ever add). `i` runs on across rounds (0 … 4·count − 1), so a case can give each call its own input. */
function timePerCall(count: number, run: (i: number) => void): number {
  for (let i = 0; i < count; i++) run(i);
  let best = Infinity;
  for (let round = 1; round <= 3; round++) {
    const started = process.hrtime.bigint();
    for (let i = round * count; i < (round + 1) * count; i++) run(i);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1000 / count);
  }
  return best;
}

interface Row { readonly name: string; readonly unit: string; readonly costs: number[] }

export function stepBench({ quick }: { quick: boolean }): void {
  const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const calls = quick ? 500 : 2_000;
  const rows: Row[] = [
    'connect', 'login (direct HELLO-FROM)', 'SEND (direct, to one user)', 'rename (messenger NAME)', 'LIST, list unchanged',
    'LIST, just after a login', 'disconnect (logged-in user)', 'BROADCAST, per recipient', 'SAY, per channel member', 'RENAMED notice, per recipient',
  ].map((name) => ({ name, unit: name.includes('per ') ? 'µs/recipient' : 'µs/command', costs: [] }));
  const cost = (name: string, value: number) => rows.find((r) => r.name === name)!.costs.push(value);

  for (const n of sizes) {
    const direct = populated(n, 'direct');
    const waiting = apply(direct, connects(n, 1));
    cost('connect', timePerCall(calls, (i) => handle(direct, { kind: 'connected', conn: `x${i}`, remote, listener: 'auto', at })));
    cost('login (direct HELLO-FROM)', timePerCall(calls, (i) => handle(waiting, { kind: 'line', conn: `c${n}`, text: `HELLO-FROM new${i}`, at })));
    cost('SEND (direct, to one user)', timePerCall(calls, (i) => handle(direct, { kind: 'line', conn: 'c0', text: `SEND u${1 + (i % (n - 1))} hello there`, at })));
    cost('LIST, list unchanged', timePerCall(calls, () => handle(direct, { kind: 'line', conn: 'c0', text: 'LIST', at })));
    // the first LIST after a change builds the list again: O(n) by nature, since the answer names everyone
    const colds = Math.max(5, Math.floor(calls / 10));
    const afterLogins = Array.from({ length: 4 * colds }, (_, i) => apply(waiting, [{ kind: 'line', conn: `c${n}`, text: `HELLO-FROM late${i}`, at }]));
    cost('LIST, just after a login', timePerCall(colds, (i) => handle(afterLogins[i], { kind: 'line', conn: 'c0', text: 'LIST', at })));
    cost('disconnect (logged-in user)', timePerCall(calls, (i) => handle(direct, { kind: 'closed', conn: `c${i % n}`, cause: 'ended', at })));

    const messenger = populated(n, 'messenger');
    // a rename tells every messenger user; its own cost is the state change, its notices are counted per recipient below
    cost('rename (messenger NAME)', timePerCall(calls, (i) => step(messenger, { kind: 'line', conn: `c${i % n}`, text: `NAME renamed${i}`, at })));
    const broadcasts = Math.max(5, Math.floor(calls * 1000 / n / 10));
    cost('BROADCAST, per recipient', timePerCall(broadcasts, (i) => handle(messenger, { kind: 'line', conn: `c${i % n}`, text: 'BROADCAST hello everyone', at })) / n);

    cost('RENAMED notice, per recipient', timePerCall(broadcasts, (i) => handle(messenger, { kind: 'line', conn: `c${i % n}`, text: `NAME renamed${i}`, at })) / n);

    const channels = populated(n, 'channels');
    cost('SAY, per channel member', timePerCall(broadcasts, (i) => handle(channels, { kind: 'line', conn: `c${i % n}`, text: 'SAY room hello everyone', at })) / n);
  }

  const head = ['step cost (in-process)'.padEnd(32), ...sizes.map((n) => `N=${n.toLocaleString('en')}`.padStart(11)), 'growth'.padStart(9), '  unit'];
  console.log(head.join(''));
  for (const row of rows) {
    const growth = row.costs[row.costs.length - 1] / row.costs[0];
    console.log([`  ${row.name}`.padEnd(32), ...row.costs.map((c) => c.toFixed(c < 10 ? 2 : 1).padStart(11)), `${growth.toFixed(2)}×`.padStart(9), `  ${row.unit}`].join(''));
  }
  console.log(`  (growth: cost at N=${sizes[sizes.length - 1].toLocaleString('en')} over cost at N=${sizes[0].toLocaleString('en')}; the target is ≤ 2×)`);
}

if (import.meta.url === `file://${process.argv[1]}`) stepBench({ quick: process.argv.includes('--quick') });
