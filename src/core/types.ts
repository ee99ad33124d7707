// The vocabulary of the pure core: what comes in (Command), what goes out (Outbound, Effect, LogEvent).
import type { LeaveHow, Msg } from './messages.js';

export type ConnId = string;
/** A dialect's name, as its module in the registry calls it. The core names none of them. */
export type DialectName = string;
export type ListenerMode = DialectName | 'auto';
/** Where a socket goes: an address (or host name) and a port. The one host:port type of the core. */
export interface HostPort { readonly address: string; readonly port: number }
/** How a connection's lines travel, when it is not a plain byte stream (TCP or TLS). */
export type Transport = 'websocket';

/** What a dialect's clients can be shown besides the replies to their own lines. */
export type Capability =
  /** JOINED / LEFT / RENAMED notices about other users */
  | 'presence'
  /** messages to everyone */
  | 'broadcast'
  /** messages from one user to another (SEND, WHISPER) */
  | 'private';

/** How a connection ended, as the socket saw it: a clean end of stream, or an error/reset. */
export type CloseCause = 'ended' | 'error';

/** Everything that can happen to the server. Each command carries its time; the core never reads a clock. */
export type Command =
  /**
   * A socket opened: accepted on a listener, or opened by this server (`dialled`: the entry of its configuration it
   * dialled). `nonce` is fresh randomness the edge made for it, for a dialect's handshake (the core makes none).
   */
  | { readonly kind: 'connected'; readonly conn: ConnId; readonly remote: HostPort; readonly listener: ListenerMode; readonly dialled?: HostPort; readonly transport?: Transport; readonly nonce?: string; readonly at: number }
  | { readonly kind: 'line'; readonly conn: ConnId; readonly text: string; readonly at: number }
  | { readonly kind: 'tooLong'; readonly conn: ConnId; readonly at: number }
  /**
   * The lines of one socket read, in order, all at `at`: handled exactly as that many `line` commands at `at`
   * would be (a line after a QUIT is not handled, each is charged to the rate, each may queue), in one step.
   */
  | { readonly kind: 'lines'; readonly conn: ConnId; readonly texts: readonly string[]; readonly at: number }
  /** The client finished sending (half-close): answer what it sent, then close. */
  | { readonly kind: 'inputEnded'; readonly conn: ConnId; readonly at: number }
  | { readonly kind: 'closed'; readonly conn: ConnId; readonly cause: CloseCause; readonly at: number }
  /** The connection's timer fired (see the `timer` effect). */
  | { readonly kind: 'timer'; readonly conn: ConnId; readonly at: number }
  /** Another node of the cluster changed what all nodes share, or forwarded a message (src/core/cluster.ts). */
  | { readonly kind: 'cluster'; readonly event: ClusterEvent; readonly at: number }
  /** What other nodes published that arrived together (one read from Redis): one transition for all of it. */
  | { readonly kind: 'clusterBatch'; readonly events: readonly ClusterEvent[]; readonly at: number }
  | EffectResult;

/** The answer to a cluster-wide name claim: `granted` with the name's place in the cluster's login order. */
export type ClaimOutcome = 'granted' | 'taken' | 'full' | 'failed';

/** A user logged in on another node of the cluster. */
export interface RemoteUser {
  readonly node: string;
  /** Its place in the cluster's login order. */
  readonly seq: number;
  /** What its dialect can show (SEND and WHISPER reach only users who can be shown private messages). */
  readonly can: readonly Capability[];
}

/** What one node of a cluster tells the others. Each node applies them in the order the backplane delivers them. */
export type ClusterEvent =
  | { readonly kind: 'online'; readonly node: string; readonly user: string; readonly seq: number; readonly can: readonly Capability[] }
  | { readonly kind: 'offline'; readonly node: string; readonly user: string; readonly how: LeaveHow }
  | { readonly kind: 'renamed'; readonly node: string; readonly from: string; readonly to: string }
  /** Another node holds `user` now (this node was cut off past its lease meanwhile): this node's user of that name must go. */
  | { readonly kind: 'nameTaken'; readonly user: string }
  /** A node joined the cluster: whatever it must know that Redis does not hold is told to it (by the dialects' onNodeJoined). */
  | { readonly kind: 'nodeJoined'; readonly node: string }
  /** A node stopped renewing its lease (killed, cut off): its users are gone, and whatever the dialects kept of it (onNodeGone). */
  | { readonly kind: 'nodeGone'; readonly node: string }
  /** Every user online on other nodes, as the backplane holds them (after a reconnection, to heal what was missed). */
  | { readonly kind: 'users'; readonly users: ReadonlyArray<readonly [string, RemoteUser]> }
  | { readonly kind: 'account'; readonly user: string; readonly hash: string }
  | { readonly kind: 'channel'; readonly channel: string }
  /** A message another node sent, for the users of this node its audience names. */
  | { readonly kind: 'deliver'; readonly to: Audience; readonly msg: Msg; readonly ack?: RemoteAck }
  /** A dialect's own business between nodes: the core carries it, unread, to that dialect's onCluster. */
  | { readonly kind: 'dialect'; readonly dialect: DialectName; readonly event: unknown }
  /** `node` got its first member of a fan-out group (`#channel`, `*capability`), or lost its last (src/core/cluster-groups.ts). */
  | { readonly kind: 'holding'; readonly node: string; readonly group: string; readonly held: boolean }
  /** Every group `node` holds members of: to a node that joined, or to all after `node` was away. */
  | { readonly kind: 'holdings'; readonly node: string; readonly groups: readonly string[] };

/** Results of effects, fed back into the command stream. Each connection waits for the one it started. */
export type EffectResult =
  | { readonly kind: 'delivered'; readonly conn: ConnId; readonly ok: boolean; readonly at: number }
  /** `busy`: refused at once: its address has too many waiting, or the wait would be too long; hash is null then. */
  | { readonly kind: 'passwordHashed'; readonly conn: ConnId; readonly user: string; readonly hash: string | null; readonly busy?: true; readonly at: number }
  /** `exists`: not stored because the name was taken meanwhile (in a cluster, on another node): no failure of the store. */
  | { readonly kind: 'accountStored'; readonly conn: ConnId; readonly user: string; readonly hash: string; readonly ok: boolean; readonly exists?: true; readonly at: number }
  /** `busy`: refused at once, as for passwordHashed; ok is false then, and it is no failed guess. */
  | { readonly kind: 'passwordChecked'; readonly conn: ConnId; readonly user: string; readonly ok: boolean; readonly busy?: true; readonly at: number }
  /** `owner`: the account that created it (counted against CHAT_MAX_CHANNELS_PER_USER once stored). */
  | { readonly kind: 'channelStored'; readonly conn: ConnId; readonly channel: string; readonly owner?: string; readonly ok: boolean; readonly exists?: true; readonly at: number }
  /** A claim of a name across the cluster came back; `from` is set when it was a rename. */
  | { readonly kind: 'nameClaimed'; readonly conn: ConnId; readonly user: string; readonly from?: string; readonly outcome: ClaimOutcome; readonly seq?: number; readonly at: number };

export type EffectResultKind = EffectResult['kind'];

/** Slow or outside work the edges carry out; each result re-enters as an EffectResult. */
export type Effect =
  /** `from`: the remote address, whose turn at the hashing workers this takes (they serve addresses in turn). */
  | { readonly kind: 'hashPassword'; readonly conn: ConnId; readonly user: string; readonly password: string; readonly from: string }
  | { readonly kind: 'checkPassword'; readonly conn: ConnId; readonly user: string; readonly password: string; readonly hash: string; readonly from: string }
  | { readonly kind: 'storeAccount'; readonly conn: ConnId; readonly user: string; readonly hash: string }
  /** `owner`: the account creating it; the store keeps it, so the per-account quota survives a restart. */
  | { readonly kind: 'storeChannel'; readonly conn: ConnId; readonly channel: string; readonly owner?: string }
  /** Claim `user` for this connection across the cluster (and give up `from`, on a rename); answered by `nameClaimed`. */
  | { readonly kind: 'claimName'; readonly conn: ConnId; readonly user: string; readonly from?: string; readonly can: readonly Capability[] }
  /** Give `user`'s name back to the cluster: it left this node. */
  | { readonly kind: 'releaseName'; readonly user: string; readonly how: LeaveHow }
  /** Tell the other nodes of the cluster (or one of them, `node`) what changed here. */
  | { readonly kind: 'announce'; readonly event: ClusterEvent; readonly node?: string }
  | { readonly kind: 'close'; readonly conn: ConnId }
  /** Stop reading the connection's socket (TCP backpressure); what was read already is still handled. */
  | { readonly kind: 'pause'; readonly conn: ConnId }
  /** Read the connection's socket again. */
  | { readonly kind: 'resume'; readonly conn: ConnId }
  /** Send a `timer` command for the connection at `at` (replacing any earlier timer of it); forgotten when it closes. */
  | { readonly kind: 'timer'; readonly conn: ConnId; readonly at: number };

/** Effects the edge carries out at once, with no result to come back. */
export type EdgeEffect = Extract<Effect, { kind: 'close' | 'pause' | 'resume' | 'timer' | 'releaseName' | 'announce' }>;

/**
 * Who a message is for. The core decides who; the router at the edge resolves an audience to sockets
 * (and to other nodes of a cluster) against the state the message was sent in.
 */
export type Audience =
  | { readonly kind: 'conn'; readonly conn: ConnId }
  | { readonly kind: 'user'; readonly user: string }
  | { readonly kind: 'channel'; readonly channel: string; readonly except?: ConnId }
  | { readonly kind: 'capable'; readonly capability: Capability; readonly except?: ConnId };

/** Where to report whether a message forwarded from another node was written (a direct SEND waits for it). */
export interface RemoteAck {
  readonly node: string;
  readonly id: number;
}

/** A message for an audience, in dialect-neutral form. `ack` asks the router to report the write's outcome to that connection. */
export interface Outbound {
  readonly to: Audience;
  readonly msg: Msg;
  readonly ack?: ConnId;
  /** For this node's connections only: a message another node of the cluster sent, which it has forwarded already. */
  readonly here?: true;
  /** The node that sent it wants to know whether it was written (see `ack`). */
  readonly remoteAck?: RemoteAck;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A line for server.log: `msg` is for people, the other fields for tools. Never holds a password. */
export interface LogEvent {
  readonly level: LogLevel;
  readonly event: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}
