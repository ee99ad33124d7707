// Who may take a name. A registered account owns its name in every dialect: only a connection that logged in
// with its password gets it. And a name that looks like one that is taken (Unicode TR39: the same confusable
// skeleton, such as Cyrillic "аlice" and Latin "alice") is taken too, so nobody can pass for someone else.
import { Map as IMap, Set as ISet } from 'immutable';
import unhomoglyph from 'unhomoglyph';
import type { State } from './state.js';

// Default_Ignorable_Code_Point: invisible characters TR39 drops before comparing (variation selectors, fillers)
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The confusable skeleton of UTS #39 (section 4): NFD, drop default-ignorable code points, map each code point
 * to its prototype in confusables.txt, NFD again. Two names look alike when their skeletons are equal. The
 * table is the one the `unhomoglyph` package ships (confusables.txt, one code point to its prototype).
 * Case is kept: names are case-sensitive, and TR39 does not fold case.
 */
export function skeleton(name: string): string {
  let mapped = '';
  for (const char of name.normalize('NFD').replace(IGNORABLE, '')) mapped += prototypeOf(char);
  return mapped.normalize('NFD');
}

// unhomoglyph matches its whole table as one regular expression (some 20 µs a name); one code point at a time,
// remembered, costs a map look-up. What is remembered is bounded: past the cap a code point is looked up afresh.
const PROTOTYPES = new Map<string, string>();
const MAX_REMEMBERED = 4096;

function prototypeOf(char: string): string {
  let prototype = PROTOTYPES.get(char);
  if (prototype === undefined) {
    prototype = unhomoglyph(char);
    if (PROTOTYPES.size < MAX_REMEMBERED) PROTOTYPES.set(char, prototype);
  }
  return prototype;
}

/**
 * The names held under one skeleton: nearly always one, kept as the plain string (a set for each name would
 * cost every logged-in user some 200 bytes); a set only when two or more look alike.
 */
type Held = string | ISet<string>;

/** Every name held (online in any dialect or on any node, registered, or being registered), by its skeleton. */
export type Lookalikes = IMap<string, Held>;

const heldOf = (names: ReadonlySet<string>): Held => (names.size === 1 ? names.values().next().value as string : ISet(names));

function withName(held: Held | undefined, name: string): Held {
  if (held === undefined) return name;
  if (typeof held === 'string') return held === name ? held : ISet([held, name]);
  return held.add(name);
}

function withoutName(held: Held | undefined, name: string): Held | undefined {
  if (held === undefined || typeof held === 'string') return held === name ? undefined : held;
  const rest = held.delete(name);
  return rest === held ? held : rest.size === 1 ? rest.first() as string : rest;
}

export const NO_LOOKALIKES: Lookalikes = IMap();

function isHeld(state: State, name: string): boolean {
  return state.online.has(name) || state.remoteUsers.has(name) || state.accounts.has(name) || state.registering.has(name);
}

/** The index once `name`'s holding changed (it logged in or out, registered, was renamed): O(log n). */
export function reindexed(state: State, name: string): Lookalikes {
  const key = skeleton(name);
  const held = state.lookalikes.get(key);
  const next = isHeld(state, name) ? withName(held, name) : withoutName(held, name);
  if (next === held) return state.lookalikes;
  return next === undefined ? state.lookalikes.delete(key) : state.lookalikes.set(key, next);
}

/** `state` with the index brought up to date for each of `names`. */
export function withReindexed(state: State, ...names: readonly string[]): State {
  let current = state;
  for (const name of names) current = { ...current, lookalikes: reindexed(current, name) };
  return current;
}

/** The index of a state built from scratch (accounts from the store, users of other nodes). */
export function lookalikesOf(names: Iterable<string>): Lookalikes {
  const index = new Map<string, Set<string>>();
  for (const name of names) {
    const key = skeleton(name);
    index.set(key, (index.get(key) ?? new Set()).add(name));
  }
  return IMap([...index].map(([key, held]): [string, Held] => [key, heldOf(held)]));
}

/** Why a name is not free: someone is online as it, an account owns it, or it looks like a name held. */
export type Taken =
  | { readonly why: 'online' }
  | { readonly why: 'account' }
  | { readonly why: 'lookalike'; readonly of: string };

/** The first held name other than `name` and `self` that looks like `name`: O(1) in the number of names. */
function lookalikeOf(state: State, name: string, self: string | undefined, only?: (held: string) => boolean): string | undefined {
  const held = state.lookalikes.get(skeleton(name));
  if (held === undefined) return undefined;
  const differs = (other: string) => other !== name && other !== self && (!only || only(other));
  if (typeof held === 'string') return differs(held) ? held : undefined;
  for (const other of held) if (differs(other)) return other;
  return undefined;
}

/**
 * Whether a connection without the account's password may take `name` (direct HELLO-FROM, messenger NAME), or
 * register it (channels REGISTER). `self`: the name the connection holds now (a rename may look like it).
 */
export function takenWithoutPassword(state: State, name: string, self?: string): Taken | undefined {
  if (state.online.has(name) || state.remoteUsers.has(name)) return { why: 'online' };
  if (state.accounts.has(name) || state.registering.has(name)) return { why: 'account' };
  const of = lookalikeOf(state, name, self);
  return of === undefined ? undefined : { why: 'lookalike', of };
}

/**
 * A LOGIN with the account's password: the account is its owner's, but it must not sit online beside a
 * look-alike (two accounts registered before this rule existed may look alike).
 */
export function onlineLookalike(state: State, name: string): string | undefined {
  return lookalikeOf(state, name, undefined, (other) => state.online.has(other) || state.remoteUsers.has(other));
}

/** For people and the log: why the name is not free. */
export function takenReason(name: string, taken: Taken): string {
  switch (taken.why) {
    case 'online': return `${name} is already taken`;
    case 'account': return `${name} belongs to a registered account: pick another name, or log in to it with its password`;
    case 'lookalike': return `${name} looks like ${taken.of}, which is taken`;
  }
}
