// Quotas: how much one account or one address may make. Channels per account and in all keep CHANNELS one
// bounded line and the store small; accounts registered per address per hour keep one connection from filling
// the store (and the bcrypt pool) with names. Each refusal is the verb's failure reply and a log line naming
// the limit (its env var), so an operator can tell a quota from a bug.
import { Map as IMap, OrderedMap } from 'immutable';
import type { State } from './state.js';

export interface QuotaLimits {
  /** CHAT_MAX_CHANNELS_PER_USER: channels one account may create. */
  readonly channelsPerUser: number;
  /** CHAT_MAX_CHANNELS: channels on this server in all. */
  readonly channels: number;
  /** CHAT_REGISTER_PER_HOUR: accounts one address may register an hour. */
  readonly registerPerHour: number;
}

interface Bucket {
  /** Registrations still allowed now (refills at registerPerHour an hour, up to registerPerHour). */
  readonly tokens: number;
  readonly at: number;
}

export interface QuotaCounts {
  /** Channels each account created (from the store at start, then as they are created). */
  readonly channelsBy: IMap<string, number>;
  /** Registrations per address, least recently touched first (so full buckets are forgotten from the front). */
  readonly registrations: OrderedMap<string, Bucket>;
}

const HOUR_MS = 3_600_000;

/** Counts from what the store holds: each channel's creator, when it was recorded. */
export function quotaCountsOf(owners: Iterable<readonly [string, string]>): QuotaCounts {
  const counts = new Map<string, number>();
  for (const [, owner] of owners) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return { channelsBy: IMap(counts), registrations: OrderedMap() };
}

export const NO_QUOTA_COUNTS: QuotaCounts = quotaCountsOf([]);

/** Why `user` may not create another channel now, naming the limit; undefined when it may. */
export function createRefusal(state: State, user: string): string | undefined {
  const limit = state.limits.quotas;
  if (!limit) return undefined;
  if (state.channels.size + state.creating.size >= limit.channels) return `the server has ${limit.channels} channels, its most (CHAT_MAX_CHANNELS)`;
  if ((state.quotas.channelsBy.get(user) ?? 0) >= limit.channelsPerUser) return `${user} created ${limit.channelsPerUser} channels, the most one account may (CHAT_MAX_CHANNELS_PER_USER)`;
  return undefined;
}

/** `user` is creating a channel: counted at once, so creations under way (from several connections) count too. */
export function withChannelCounted(state: State, user: string): State {
  return { ...state, quotas: { ...state.quotas, channelsBy: state.quotas.channelsBy.update(user, 0, (n) => n + 1) } };
}

/** The channel `user` was creating was not stored after all: it no longer counts. */
export function withChannelUncounted(state: State, user: string): State {
  const count = state.quotas.channelsBy.get(user) ?? 0;
  const channelsBy = count <= 1 ? state.quotas.channelsBy.delete(user) : state.quotas.channelsBy.set(user, count - 1);
  return { ...state, quotas: { ...state.quotas, channelsBy } };
}

function refilled(bucket: Bucket | undefined, perHour: number, at: number): number {
  if (!bucket) return perHour;
  return Math.min(perHour, bucket.tokens + ((at - bucket.at) * perHour) / HOUR_MS);
}

/** Forgets buckets full again (untouched for an hour), oldest first: the state stays bounded. */
function pruned(buckets: OrderedMap<string, Bucket>, at: number): OrderedMap<string, Bucket> {
  let current = buckets;
  for (let oldest = current.first(); oldest !== undefined && oldest.at + HOUR_MS <= at; oldest = current.first()) {
    current = current.delete(current.keySeq().first()!);
  }
  return current;
}

/**
 * A REGISTER from `address` at `at`: the state with one registration counted, or undefined when the address
 * registered its hourly allowance already (a token bucket: the allowance refills evenly over the hour).
 */
export function withRegistration(state: State, address: string, at: number): State | undefined {
  const limit = state.limits.quotas;
  if (!limit) return state;
  const registrations = pruned(state.quotas.registrations, at);
  const tokens = refilled(registrations.get(address), limit.registerPerHour, at);
  if (tokens < 1) return undefined;
  // delete, then set: the address moves to the end, so the front always holds the least recently touched
  const next = registrations.delete(address).set(address, { tokens: tokens - 1, at });
  return { ...state, quotas: { ...state.quotas, registrations: next } };
}
