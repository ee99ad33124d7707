// Edges as drivers: the one small interface every edge has (what it feeds in, the effects it runs, how it
// closes), the registry that runs each effect through the one driver of its type, and the lifecycle: drivers
// are acquired in order and released in reverse. Modelled on Cycle.js (run/src/types.ts, run/src/run.ts).
import type { Observable } from 'rxjs';
import type { Sent } from '../src/core/steps.js';
import type { Command, ConnId, EdgeEffect, Effect, EffectResult, RemoteAck } from '../src/core/types.js';
import type { Connection } from './pipeline.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An effect's result before the pipeline stamps it with the time it came back. */
export type Untimed = DistributiveOmit<EffectResult, 'at'>;

/** Runs one effect: an edge effect at once (no result), any other to a result; a rejection becomes its failure result. */
type HandlerOf<E extends Effect> = E extends EdgeEffect ? (effect: E) => void : (effect: E) => Promise<Untimed>;
export type EffectHandlers = { readonly [T in Effect['kind']]?: HandlerOf<Extract<Effect, { kind: T }>> };

/** Sees the traffic as it passes (the --record recorder). */
export interface TrafficTap {
  /** A command a socket caused, before the server handles it. */
  command(command: Command): void;
  /** A line handed to a connection. */
  wrote(conn: ConnId, line: string): void;
  /** The server starts closing a connection. */
  closing(conn: ConnId): void;
}

/** Sends messages on to the users of other nodes (the cluster backplane), beside this server's sockets. */
export interface Relay {
  /** Undefined: the message stays here; otherwise resolves with whether it was written there. */
  forward(sent: Sent): Promise<boolean> | undefined;
  /** Tells the node a forwarded message came from whether it was written here. */
  acked(to: RemoteAck, ok: boolean): void;
}

export interface Driver {
  /** Names the edge in errors, e.g. `store` or `cluster`. */
  readonly name: string;
  /** Sockets it accepts or dials, each one a connection for the pipeline (listeners, the link dialler). */
  readonly connection$?: Observable<Connection>;
  /** Commands from outside any socket (effect-like feedback, what other nodes say); each re-enters through one scheduler hop. */
  readonly commands$?: Observable<Command>;
  /** The effect types it runs. Two drivers claiming one type is an error at start. */
  readonly effects?: EffectHandlers;
  readonly tap?: TrafficTap;
  /** At most one driver relays. */
  readonly relay?: Relay;
  /** A connection ended: drop whatever is held for it. */
  forget?(conn: ConnId): void;
  /** What it holds, for the leak counts. */
  counts?(): Readonly<Record<string, number>>;
  /** Releases what it holds; called once, after every driver acquired later was released. */
  close(): Promise<void>;
}

/** Effects with no result to come back: run at once, in order, by the subscriber of the transitions. */
const AT_ONCE: Readonly<Record<EdgeEffect['kind'], true>> = { close: true, pause: true, resume: true, timer: true, releaseName: true, announce: true };
export const runsAtOnce = (effect: Effect): effect is EdgeEffect => effect.kind in AT_ONCE;

type AnyHandler = (effect: Effect) => Promise<Untimed> | void;

/** The drivers put together once, at start: effect type → its driver, the taps, the relay. */
export interface Wiring {
  /** The handler of an effect's type; undefined when no driver runs it. */
  handler(kind: Effect['kind']): AnyHandler | undefined;
  readonly tap: TrafficTap | undefined;
  readonly relay: Relay | undefined;
  forget(conn: ConnId): void;
  counts(): Readonly<Record<string, number>>;
}

export function wire(drivers: readonly Driver[]): Wiring {
  const handlers = new Map<string, { driver: string; run: AnyHandler }>();
  for (const driver of drivers) {
    for (const [kind, run] of Object.entries(driver.effects ?? {})) {
      const taken = handlers.get(kind);
      if (taken) throw new Error(`two drivers run ${kind} effects: ${taken.driver} and ${driver.name}`);
      handlers.set(kind, { driver: driver.name, run: run as AnyHandler });
    }
  }
  const relays = drivers.filter((driver) => driver.relay);
  if (relays.length > 1) throw new Error(`two drivers relay messages: ${relays.map((driver) => driver.name).join(' and ')}`);
  const taps = drivers.flatMap((driver) => (driver.tap ? [driver.tap] : []));
  return {
    handler: (kind) => handlers.get(kind)?.run,
    tap: taps.length === 0 ? undefined : {
      command: (command) => { for (const tap of taps) tap.command(command); },
      wrote: (conn, line) => { for (const tap of taps) tap.wrote(conn, line); },
      closing: (conn) => { for (const tap of taps) tap.closing(conn); },
    },
    relay: relays[0]?.relay,
    forget: (conn) => { for (const driver of drivers) driver.forget?.(conn); },
    counts: () => Object.assign({}, ...drivers.map((driver) => driver.counts?.() ?? {})) as Record<string, number>,
  };
}

/** Drivers held, in the order acquired; released newest first, whether the server stops or a later acquisition fails. */
export class Drivers {
  private readonly held: Driver[] = [];

  async acquire<D extends Driver>(opening: D | Promise<D>): Promise<D> {
    const driver = await opening;
    this.held.push(driver);
    return driver;
  }

  get all(): readonly Driver[] {
    return this.held;
  }

  /** Closes every driver, newest first; one that fails to close does not keep the others open. */
  async release(): Promise<void> {
    let failure: unknown;
    for (const driver of this.held.splice(0).reverse()) {
      await driver.close().catch((error: unknown) => { failure ??= error; });
    }
    if (failure !== undefined) throw failure;
  }
}
