// What a dialect is to the core: a module with its verbs, its command table, its encoder, its
// capabilities and its handlers for effect results. The core knows dialects only through this contract
// and a registry built from them; `src/dialects/index.ts` lists the modules.
import type { Step } from './steps.js';
import type { Ctx, DialectRules } from './dispatch.js';
import type { Encoder } from './messages.js';
import type { Conn, State } from './state.js';
import type { Capability, ClusterEvent, DialectName, EffectResult, EffectResultKind } from './types.js';

export type ResultHandler<K extends EffectResultKind = EffectResultKind> = (state: State, result: Extract<EffectResult, { kind: K }>) => Step;

export type ClusterHandler<T extends ClusterEvent['type'] = ClusterEvent['type']> = (state: State, event: Extract<ClusterEvent, { type: T }>) => Step;

export interface DialectModule {
  readonly name: DialectName;
  /** Its verbs, guards and failure replies. On an `auto` listener a first line using one of its verbs picks it. */
  readonly rules: DialectRules;
  /** Turns a dialect-neutral message into one of its lines, or skips it. */
  readonly encode: Encoder;
  /** What its clients can be shown besides replies. */
  readonly capabilities: ReadonlySet<Capability>;
  /** A clean close of the socket counts as quitting (a dialect without a QUIT verb); otherwise it is a lost connection. */
  readonly cleanCloseIsQuit: boolean;
  /** Handlers for the results of the effects its verbs start, by result kind. */
  readonly onResult: { readonly [K in EffectResultKind]?: ResultHandler<K> };
  /** How many characters past the client line limit its lines may run (a server-to-server dialect wraps client text). */
  readonly lineSlack?: number;
  /** A connection this server dialled in this dialect opened (the server speaks first). */
  readonly onDialled?: (ctx: Ctx) => Step;
  /** The cluster answered a name claim its verbs made (see `claim` in src/core/presence.ts). */
  readonly onClaimed?: (ctx: Ctx, result: Extract<EffectResult, { kind: 'nameClaimed' }>) => Step;
  /** Handlers for what other nodes of a cluster tell this one about its business (federation links), by event type. */
  readonly onCluster?: { readonly [T in ClusterEvent['type']]?: ClusterHandler<T> };
  /** One of its connections closed, before the core forgets it. */
  readonly onClosed?: (state: State, conn: Conn) => Step;
}

export interface Registry {
  readonly dialects: ReadonlyMap<DialectName, DialectModule>;
  /** The dialect a first line belongs to, by its verb. */
  detect(line: string): DialectModule | undefined;
  /** The dialect that answers a first line no dialect knows. */
  readonly fallback: DialectModule;
  resultHandler(kind: EffectResultKind): ResultHandler | undefined;
  clusterHandler(type: ClusterEvent['type']): ClusterHandler | undefined;
  /** The most any dialect's lines may run past the client line limit: the edge frames lines up to that. */
  readonly maxLineSlack: number;
}

/** Builds the registry; two dialects claiming one verb or one result kind is a programming error, caught at start. */
export function registry(modules: readonly DialectModule[], fallback: DialectName): Registry {
  const dialects = new Map(modules.map((m) => [m.name, m]));
  const byVerb = new Map<string, DialectModule>();
  const results = new Map<EffectResultKind, ResultHandler>();
  const clusterEvents = new Map<ClusterEvent['type'], ClusterHandler>();
  for (const module of modules) {
    for (const verb of module.rules.table.keys()) {
      if (byVerb.has(verb)) throw new Error(`dialects ${byVerb.get(verb)!.name} and ${module.name} both claim the verb ${verb}`);
      byVerb.set(verb, module);
    }
    for (const [kind, handler] of Object.entries(module.onResult) as [EffectResultKind, ResultHandler][]) {
      if (results.has(kind)) throw new Error(`two dialects handle the effect result ${kind}`);
      results.set(kind, handler);
    }
    for (const [type, handler] of Object.entries(module.onCluster ?? {}) as [ClusterEvent['type'], ClusterHandler][]) {
      if (clusterEvents.has(type)) throw new Error(`two dialects handle the cluster event ${type}`);
      clusterEvents.set(type, handler);
    }
  }
  const fallbackModule = dialects.get(fallback);
  if (!fallbackModule) throw new Error(`the fallback dialect ${fallback} is not registered`);
  return {
    dialects,
    fallback: fallbackModule,
    detect(line) {
      const space = line.indexOf(' ');
      return byVerb.get(space < 0 ? line : line.slice(0, space));
    },
    resultHandler: (kind) => results.get(kind),
    clusterHandler: (type) => clusterEvents.get(type),
    maxLineSlack: Math.max(0, ...modules.map((m) => m.lineSlack ?? 0)),
  };
}
