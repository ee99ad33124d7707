// What a dialect is to the core: a module with its verbs, its command table, its encoder, its
// capabilities, its handlers for effect results, and the hooks that keep its own slice of the state
// (src/core/slices.ts). The core knows dialects only through this contract and a registry built from
// them; `src/dialects/index.ts` lists the modules.
import type { Step } from './steps.js';
import type { Ctx, DialectRules } from './dispatch.js';
import type { Encoder } from './messages.js';
import type { Conn, ConnKind, State } from './state.js';
import type { Capability, DialectName, EffectResult, EffectResultKind, HostPort } from './types.js';

export type ResultHandler<K extends EffectResultKind = EffectResultKind> = (state: State, result: Extract<EffectResult, { kind: K }>) => Step;


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
  /** How many characters past the client line limit a kind of connection's lines may run (another server's wrap client text). */
  readonly lineSlack?: { readonly [K in ConnKind]?: number };
  /** A connection this server opened in this dialect (to `to`, an entry of its configuration) is up: it speaks first. */
  readonly onDialled?: (ctx: Ctx, to: HostPort) => Step;
  /** The cluster answered a name claim its verbs made (see `claim` in src/core/presence.ts). */
  readonly onClaimed?: (ctx: Ctx, result: Extract<EffectResult, { kind: 'nameClaimed' }>) => Step;
  /** Another node of the cluster told this one about the dialect's business (a `dialect` cluster event): `event` is as
   * that node's dialect announced it, unchecked; the handler checks it. */
  readonly onCluster?: (state: State, event: unknown) => Step;
  /** A node joined the cluster: what it must know of the dialect's state that the backplane does not hold is told to it. */
  readonly onNodeJoined?: (state: State, node: string) => Step;
  /** A node of the cluster is gone (killed, cut off), after the core let its users go: whatever the dialect kept of it goes. */
  readonly onNodeGone?: (state: State, node: string) => Step;
  /** One of its connections closed, before the core forgets it (and the connection's slice with it). */
  readonly onClosed?: (state: State, conn: Conn) => Step;
}

export interface Registry {
  readonly dialects: ReadonlyMap<DialectName, DialectModule>;
  /** The dialect a first line belongs to, by its verb. */
  detect(line: string): DialectModule | undefined;
  /** The dialect that answers a first line no dialect knows. */
  readonly fallback: DialectModule;
  resultHandler(kind: EffectResultKind): ResultHandler | undefined;
  /** The most any dialect's lines may run past the client line limit: the edge frames lines up to that. */
  readonly maxLineSlack: number;
}

/** Builds the registry; two dialects claiming one verb or one result kind is a programming error, caught at start. */
export function registry(modules: readonly DialectModule[], fallback: DialectName): Registry {
  const dialects = new Map(modules.map((m) => [m.name, m]));
  // a dialect's name is the key of its slices: two of one name would share them
  if (dialects.size !== modules.length) throw new Error('two dialects share a name');
  const byVerb = new Map<string, DialectModule>();
  const results = new Map<EffectResultKind, ResultHandler>();
  for (const module of modules) {
    for (const verb of module.rules.table.keys()) {
      if (byVerb.has(verb)) throw new Error(`dialects ${byVerb.get(verb)!.name} and ${module.name} both claim the verb ${verb}`);
      byVerb.set(verb, module);
    }
    for (const [kind, handler] of Object.entries(module.onResult) as [EffectResultKind, ResultHandler][]) {
      if (results.has(kind)) throw new Error(`two dialects handle the effect result ${kind}`);
      results.set(kind, handler);
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
    maxLineSlack: Math.max(0, ...modules.flatMap((m) => Object.values(m.lineSlack ?? {}))),
  };
}
