// Every limit, with why it has its value. Each can be overridden by the env var named beside it.

export interface Limits {
  /** CHAT_MAX_LINE: longest line accepted, in UTF-16 units (JavaScript string length; an emoji counts 2). Chat lines are short; 8 KiB leaves room for long pastes. */
  readonly maxLineLength: number;
  /** CHAT_MAX_SEND_QUEUE: bytes a client may leave unread before it is dropped as a slow reader (1 MiB ≈ thousands of lines). */
  readonly maxSendQueue: number;
  /**
   * CHAT_SEND_TIMEOUT_MS: how long output may wait in the server, unread, before its client is dropped as a slow
   * reader. A client that reads nothing would otherwise hold a direct-dialect sender (who waits for the write
   * before SEND-OK) for ever; 30 s is far beyond what any reading client on a real network needs.
   */
  readonly sendTimeoutMs: number;
  /** CHAT_MAX_CONNECTIONS: open sockets at once, logged in or not; beyond it new sockets are refused. */
  readonly maxConnections: number;
  /** CHAT_CLOSE_GRACE_MS: how long a connection the server closes may take to drain its last lines. */
  readonly closeGraceMs: number;
  /**
   * CHAT_MAX_QUEUED: lines a connection may have waiting while its LOGIN/REGISTER/SEND is under way; past it its
   * socket is not read until half are answered. 1000 lines keep a pipelining client busy without pausing per line.
   */
  readonly maxQueued: number;
  /** CHAT_LINK_MAX_SEND_QUEUE: bytes a federation link may leave unread before it is dropped and dialled again; a link carries a whole server's traffic, so far more than a client's. */
  readonly linkMaxSendQueue: number;
  /** CHAT_LINK_RETRY_MAX_MS: the longest wait between attempts to dial a peer that is down (the wait doubles from half a second up to this). */
  readonly linkRetryMaxMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxLineLength: 8192,
  maxSendQueue: 1024 * 1024,
  sendTimeoutMs: 30_000,
  maxConnections: 1024,
  closeGraceMs: 2000,
  maxQueued: 1000,
  linkMaxSendQueue: 16 * 1024 * 1024,
  linkRetryMaxMs: 30_000,
};

export const LIMIT_VARS: Readonly<Record<keyof Limits, string>> = {
  maxLineLength: 'CHAT_MAX_LINE',
  maxSendQueue: 'CHAT_MAX_SEND_QUEUE',
  sendTimeoutMs: 'CHAT_SEND_TIMEOUT_MS',
  maxConnections: 'CHAT_MAX_CONNECTIONS',
  closeGraceMs: 'CHAT_CLOSE_GRACE_MS',
  maxQueued: 'CHAT_MAX_QUEUED',
  linkMaxSendQueue: 'CHAT_LINK_MAX_SEND_QUEUE',
  linkRetryMaxMs: 'CHAT_LINK_RETRY_MAX_MS',
};
