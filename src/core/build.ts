// A Step is what handling one command produces. Helpers here build and chain them.
import type { Msg } from './messages.js';
import type { State } from './state.js';
import type { ConnId, Effect, LogEvent, LogLevel, Outbound } from './types.js';

export interface Step {
  readonly state: State;
  readonly out: readonly Outbound[];
  readonly effects: readonly Effect[];
  readonly log: readonly LogEvent[];
}

export function none(state: State): Step {
  return { state, out: [], effects: [], log: [] };
}

export function send(state: State, to: ConnId | readonly ConnId[], msg: Msg, ack?: ConnId): Step {
  const out: Outbound = { to: typeof to === 'string' ? [to] : to, msg, ...(ack ? { ack } : {}) };
  return { state, out: [out], effects: [], log: [] };
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
  const second = next(first.state);
  return {
    state: second.state,
    out: first.out.length ? [...first.out, ...second.out] : second.out,
    effects: first.effects.length ? [...first.effects, ...second.effects] : second.effects,
    log: first.log.length ? [...first.log, ...second.log] : second.log,
  };
}

/** Chains steps left to right, each starting from the state the previous one left. */
export function chain(state: State, ...parts: ReadonlyArray<(state: State) => Step>): Step {
  return parts.reduce<Step>((acc, part) => andThen(acc, part), none(state));
}
