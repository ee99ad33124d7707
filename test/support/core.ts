// The harness of the pure-core tests: commands built in one line each, and a run of them through `step` that
// gathers what came out (the lines each connection got, the outbound messages, effects and log events).
// No I/O and no clock: every command says when it happened (`at`, 0 unless a test cares).
import { forEachDelivery } from '../../src/core/audience.js';
import type { Registry } from '../../src/core/dialect.js';
import type { StepFn } from '../../src/core/step.js';
import type { Sent } from '../../src/core/steps.js';
import type { CoreLimits, State } from '../../src/core/state.js';
import type { CloseCause, Command, Effect, ListenerMode, LogEvent } from '../../src/core/types.js';
import { DIALECTS, initialState, step } from '../../src/server-step.js';

/** Limits roomy enough that a test meets one only when it sets it lower. */
export const LIMITS: CoreLimits = { maxUsers: 16, maxQueued: 1000, maxLineLength: 8192 };
/** Limits small enough that random input runs into every one of them (the fuzz and batch tests). */
export const TIGHT_LIMITS: CoreLimits = {
  maxUsers: 3,
  maxQueued: 5,
  maxLineLength: 8192,
  rate: { perSecond: 5, burst: 3, floodMs: 2000 },
  loginTimeoutMs: 5000,
  loginThrottle: { freePerAccount: 1, freePerAddress: 2, delayMs: 100, maxDelayMs: 1000 },
  quotas: { channelsPerUser: 2, channels: 3, registerPerHour: 3 },
};
/** The address every test connection comes from. */
export const REMOTE = { address: '127.0.0.1', port: 1 };

export interface Run {
  readonly state: State;
  /** Lines written to each connection, in order. */
  readonly lines: Record<string, string[]>;
  readonly out: Sent[];
  readonly effects: Effect[];
  readonly log: LogEvent[];
}

/** Runs `commands` through step, from `state` (a fresh server with LIMITS by default). */
export function run(commands: readonly Command[], state: State = initialState(LIMITS)): Run {
  return runThrough(step, DIALECTS, commands, state);
}

/** The same run through another step function, over the registry whose dialects encode its output (a test-built one). */
export function runThrough(stepFn: StepFn, registry: Registry, commands: readonly Command[], state: State): Run {
  const lines: Record<string, string[]> = {};
  const out: Sent[] = [];
  const effects: Effect[] = [];
  const log: LogEvent[] = [];
  for (const command of commands) {
    const t = stepFn(state, command);
    state = t.state;
    for (const sent of t.out) forEachDelivery(registry, sent, (conn, text) => (lines[conn] ??= []).push(text));
    out.push(...t.out);
    effects.push(...t.effects);
    log.push(...t.log);
  }
  return { state, lines, out, effects, log };
}

/**
 * A server that keeps its state between calls: `s.run(...)` steps more commands, and `s.lines`, `s.effects`,
 * `s.log` grow with everything they produced.
 */
export function coreServer(limits: Partial<CoreLimits> = {}) {
  let state: State = initialState({ ...LIMITS, ...limits });
  const lines: Record<string, string[]> = {};
  const effects: Effect[] = [];
  const log: LogEvent[] = [];
  return {
    run(...commands: Command[]) {
      const r = run(commands, state);
      state = r.state;
      for (const [conn, got] of Object.entries(r.lines)) (lines[conn] ??= []).push(...got);
      effects.push(...r.effects);
      log.push(...r.log);
    },
    lines, effects, log,
    get state() { return state; },
  };
}

export const open = (conn: string, listener: ListenerMode = 'auto', at = 0): Command => ({ kind: 'connected', conn, remote: REMOTE, listener, at });
export const line = (conn: string, text: string, at = 0): Command => ({ kind: 'line', conn, text, at });
export const closed = (conn: string, cause: CloseCause = 'ended', at = 0): Command => ({ kind: 'closed', conn, cause, at });
export const timer = (conn: string, at: number): Command => ({ kind: 'timer', conn, at });
