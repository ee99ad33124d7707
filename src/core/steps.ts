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

export function none(state: State): Step {
  return { state, out: [], effects: [], log: [] };
}

export function send(state: State, to: Audience, msg: Msg, ack?: ConnId): Step {
  const out: Sent = ack ? { to, msg, ack, state } : { to, msg, state };
  return { state, out: [out], effects: [], log: [] };
}

/** A line of the connection's own dialect, for that connection only. */
export function reply(state: State, conn: ConnId, line: string): Step {
  return send(state, { kind: 'conn', conn }, { kind: 'reply', line });
}

export function effect(state: State, e: Effect): Step {
  return { state, out: [], effects: [e], log: [] };
}

export function note(state: State, level: LogLevel, event: string, msg: string, fields: Record<string, unknown> = {}): Step {
  return { state, out: [], effects: [], log: [{ level, event, msg, ...fields }] };
}

/** (Not named `then`: a module exporting `then` is a thenable, and `await import()` would call it.)
 * Runs `next` on the state `first` left, and joins what both produced, in order. */
export function andThen(first: Step, next: (state: State) => Step): Step {
  return join([first, next(first.state)]);
}

/** Chains steps left to right, each starting from the state the previous one left. */
export function chain(state: State, ...parts: ReadonlyArray<(state: State) => Step>): Step {
  const steps: Step[] = [];
  let current = state;
  for (const part of parts) {
    const next = part(current);
    steps.push(next);
    current = next.state;
  }
  return join(steps, current);
}

/** Joins steps taken one after the other into one: the last state, everything produced in order. Linear in the total. */
export function join(steps: readonly Step[], state: State = steps[steps.length - 1].state): Step {
  const out: Sent[] = [];
  const effects: Effect[] = [];
  const log: LogEvent[] = [];
  for (const s of steps) {
    for (const o of s.out) out.push(o);
    for (const e of s.effects) effects.push(e);
    for (const l of s.log) log.push(l);
  }
  return { state, out, effects, log };
}
