// A Step is what handling one command produces. Helpers here build and chain them.
import type { Msg } from './messages.js';
import type { State } from './state.js';
import type { Audience, ConnId, Effect, LogEvent, LogLevel, Outbound } from './types.js';

/** An outbound message and the state it was sent in: its audience is resolved against that state. */
export interface Sent extends Outbound {
  readonly state: State;
}

export interface Step {
  readonly state: State;
  readonly out: readonly Sent[];
  readonly effects: readonly Effect[];
  readonly log: readonly LogEvent[];
}

// shared by every step that produced nothing of a kind (most of them): never written to, so never copied
const NO_OUT: readonly Sent[] = Object.freeze([]);
const NO_EFFECTS: readonly Effect[] = Object.freeze([]);
const NO_LOG: readonly LogEvent[] = Object.freeze([]);

export function none(state: State): Step {
  return { state, out: NO_OUT, effects: NO_EFFECTS, log: NO_LOG };
}

export function send(state: State, to: Audience, msg: Msg, ack?: ConnId): Step {
  const out: Sent = ack ? { to, msg, ack, state } : { to, msg, state };
  return { state, out: [out], effects: NO_EFFECTS, log: NO_LOG };
}

/** A line of the connection's own dialect, for that connection only. */
export function reply(state: State, conn: ConnId, line: string): Step {
  return send(state, { kind: 'conn', conn }, { kind: 'reply', line });
}

export function effect(state: State, e: Effect): Step {
  return { state, out: NO_OUT, effects: [e], log: NO_LOG };
}

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Whether an event at `level` would be logged: a handler on a per-line path asks before it builds the message. */
export function logs(state: State, level: LogLevel): boolean {
  const threshold = state.limits.logLevel;
  return threshold === undefined || LEVEL_RANK[level] >= LEVEL_RANK[threshold];
}

/** A log event; below the configured level (`limits.logLevel`) none is built, as the log would drop it. */
export function note(state: State, level: LogLevel, event: string, msg: string, fields?: Record<string, unknown>): Step {
  if (!logs(state, level)) return none(state);
  return { state, out: NO_OUT, effects: NO_EFFECTS, log: [fields ? { level, event, msg, ...fields } : { level, event, msg }] };
}

/** (Not named `then`: a module exporting `then` is a thenable, and `await import()` would call it.)
 * Runs `next` on the state `first` left, and joins what both produced, in order. */
export function andThen(first: Step, next: (state: State) => Step): Step {
  return join([first, next(first.state)]);
}

/** Chains steps left to right, each starting from the state the previous one left. */
export function chain(state: State, ...parts: ReadonlyArray<(state: State) => Step>): Step {
  return foldSteps(state, parts, applyPart);
}

const applyPart = (state: State, part: (state: State) => Step): Step => part(state);

/** Takes one step per item, in order, each from the state the previous one left: one step for all of them. */
export function foldSteps<T>(state: State, items: Iterable<T>, take: (state: State, item: T) => Step): Step {
  const steps: Step[] = [];
  let current = state;
  for (const item of items) {
    const next = take(current, item);
    steps.push(next);
    current = next.state;
  }
  return steps.length ? join(steps, current) : none(state);
}

/**
 * Joins steps taken one after the other into one: the last state, everything produced in order. Linear in the
 * total; a kind only one step produced is that step's own (read-only) array, not a copy.
 */
export function join(steps: readonly Step[], state: State = steps[steps.length - 1].state): Step {
  return { state, out: gather(steps, outOf, NO_OUT), effects: gather(steps, effectsOf, NO_EFFECTS), log: gather(steps, logOf, NO_LOG) };
}

const outOf = (s: Step) => s.out;
const effectsOf = (s: Step) => s.effects;
const logOf = (s: Step) => s.log;

function gather<T>(steps: readonly Step[], part: (s: Step) => readonly T[], empty: readonly T[]): readonly T[] {
  let all: readonly T[] = empty;
  let owned: T[] | undefined;
  for (const s of steps) {
    const items = part(s);
    if (items.length === 0) continue;
    if (all.length === 0) all = items;
    else {
      if (!owned) all = owned = all.slice();
      for (const item of items) owned.push(item);
    }
  }
  return all;
}
