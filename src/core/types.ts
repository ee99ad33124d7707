// The vocabulary of the pure core: what comes in (Command), what goes out (Write, Effect, LogEvent).
import type { Msg } from './messages.js';

export type ConnId = string;
export type Dialect = 'channels' | 'direct' | 'messenger';
export type ListenerMode = Dialect | 'auto';
export interface Remote { readonly address: string; readonly port: number }

/** How a connection ended, as the socket saw it: a clean end of stream, or an error/reset. */
export type CloseCause = 'ended' | 'error';

/** Everything that can happen to the server. Each command carries its time; the core never reads a clock. */
export type Command =
  | { readonly kind: 'connected'; readonly conn: ConnId; readonly remote: Remote; readonly listener: ListenerMode; readonly at: number }
  | { readonly kind: 'line'; readonly conn: ConnId; readonly text: string; readonly at: number }
  | { readonly kind: 'tooLong'; readonly conn: ConnId; readonly at: number }
  /** The client finished sending (half-close): answer what it sent, then close. */
  | { readonly kind: 'inputEnded'; readonly conn: ConnId; readonly at: number }
  | { readonly kind: 'closed'; readonly conn: ConnId; readonly cause: CloseCause; readonly at: number }
  | EffectResult;

/** Results of effects, fed back into the command stream. */
export type EffectResult =
  | { readonly kind: 'delivered'; readonly conn: ConnId; readonly ok: boolean; readonly at: number }
  | { readonly kind: 'passwordHashed'; readonly conn: ConnId; readonly user: string; readonly hash: string | null; readonly at: number }
  | { readonly kind: 'accountStored'; readonly conn: ConnId; readonly user: string; readonly hash: string; readonly ok: boolean; readonly at: number }
  | { readonly kind: 'passwordChecked'; readonly conn: ConnId; readonly user: string; readonly ok: boolean; readonly at: number }
  | { readonly kind: 'channelStored'; readonly conn: ConnId; readonly channel: string; readonly ok: boolean; readonly at: number };

/** Slow or outside work the edges carry out; each result re-enters as an EffectResult. */
export type Effect =
  | { readonly type: 'hashPassword'; readonly conn: ConnId; readonly user: string; readonly password: string }
  | { readonly type: 'checkPassword'; readonly conn: ConnId; readonly user: string; readonly password: string; readonly hash: string }
  | { readonly type: 'storeAccount'; readonly conn: ConnId; readonly user: string; readonly hash: string }
  | { readonly type: 'storeChannel'; readonly conn: ConnId; readonly channel: string }
  | { readonly type: 'close'; readonly conn: ConnId };

/** A message for some connections, in dialect-neutral form. `ack` asks the sink to report the write's outcome. */
export interface Outbound {
  readonly to: readonly ConnId[];
  readonly msg: Msg;
  readonly ack?: ConnId;
}

/** One encoded line for one connection. With `ack`, the sink feeds back `delivered` for that connection. */
export interface Write {
  readonly conn: ConnId;
  readonly line: string;
  readonly ack?: ConnId;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A line for server.log: `msg` is for people, the other fields for tools. Never holds a password. */
export interface LogEvent {
  readonly level: LogLevel;
  readonly event: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}
