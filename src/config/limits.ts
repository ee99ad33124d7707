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
  /**
   * CHAT_MAX_PER_ADDRESS: open sockets from one address; beyond it new ones from there are closed at once, so one
   * host cannot take every connection. 64 is enough for a class behind one NAT or a grader on 127.0.0.1.
   */
  readonly maxPerAddress: number;
  /** CHAT_CLOSE_GRACE_MS: how long a connection the server closes may take to drain its last lines. */
  readonly closeGraceMs: number;
  /**
   * CHAT_MAX_QUEUED: lines a connection may have waiting while its LOGIN/REGISTER/SEND is under way; past it its
   * socket is not read until half are answered. 1000 lines keep a pipelining client busy without pausing per line.
   */
  readonly maxQueued: number;
  /** CHAT_LINK_MAX_SEND_QUEUE: bytes a federation link may leave unread before it is dropped and dialled again; a link carries a whole server's traffic, so far more than a client's. */
  readonly linkMaxSendQueue: number;
  /**
   * CHAT_LINK_RATE_LIMIT: lines a second one federation link may send, sustained (0: no limit), with a burst of 5 s
   * worth; over it for CHAT_FLOOD_SECONDS, the link is dropped (and dialled again). A link carries a whole server's
   * users, so 50 times a client's rate; it still keeps one misbehaving peer from taking the whole core.
   */
  readonly linkRateLimit: number;
  /** CHAT_MAX_REMOTE_MEMBERS: members one peer may add to our channels (FEDJOIN), all channels together; past it its FEDJOINs fail, and the log says so. */
  readonly maxRemoteMembers: number;
  /** CHAT_LINK_RETRY_MAX_MS: the longest wait between attempts to dial a peer that is down (the wait doubles from half a second up to this). */
  readonly linkRetryMaxMs: number;
  /**
   * CHAT_RATE_LIMIT: lines a second one connection may send, sustained (0: no limit). A person types a line every
   * few seconds and a test client may send hundreds in a row; 100 a second is far beyond either, yet keeps one
   * flooder (who could send 100,000 a second) to a trickle others never notice.
   */
  readonly rateLimit: number;
  /** CHAT_RATE_BURST: lines a connection may send at once before the rate applies: 5 s worth, so a grader pipelining hundreds of lines is never slowed. */
  readonly rateBurst: number;
  /** CHAT_FLOOD_SECONDS: seconds a connection may stay over its rate (its lines delayed) before it is disconnected; 30 s of lines at 100 a second is 3,000 lines past its burst. */
  readonly floodSeconds: number;
  /** CHAT_LOGIN_TIMEOUT: seconds a connection may stay open without logging in (0: for ever); a minute is ample to type a name, short enough that idle sockets cannot pile up. */
  readonly loginTimeout: number;
  /**
   * CHAT_HASH_QUEUE_PER_ADDRESS: password hashes and checks one address may have waiting; past it its REGISTER or
   * LOGIN is answered with its failure at once. Addresses are served in turn, so this only bounds memory: 256 is a
   * whole school behind one NAT registering at once.
   */
  readonly hashQueuePerAddress: number;
  /**
   * CHAT_HASH_MAX_WAIT_MS: the longest a REGISTER or LOGIN may expect to wait for its hash (the measured time of a
   * hash × the hashes served before it ÷ the workers); past it it is answered with its failure at once. 30 s is half
   * the login timeout: a person still gets an answer, and a queue that long is an attack, not a class.
   */
  readonly hashMaxWaitMs: number;
  /** CHAT_LOGIN_FREE_FAILURES: failed LOGINs an account may have before its logins are delayed: room for typos. */
  readonly loginFreeFailures: number;
  /** CHAT_LOGIN_FREE_PER_ADDRESS: failed LOGINs one address may have before its logins are delayed: a class behind one NAT mistypes too. */
  readonly loginFreePerAddress: number;
  /** CHAT_LOGIN_DELAY_MS: the first delay after the free failures, doubling with each further one (0: no delays); half a second is unnoticeable to a person. */
  readonly loginDelayMs: number;
  /** CHAT_LOGIN_MAX_DELAY_MS: the longest delay: 30 s caps a guesser at two tries a minute, yet the real user still gets in. */
  readonly loginMaxDelayMs: number;
  /**
   * CHAT_CLUSTER_LEASE_MS: in a cluster, how long a node's users outlive the node if it dies without a word (it renews
   * its lease three times as often). 10 s rides out a long garbage-collection pause; a killed node's users are gone from
   * every list, and free to log in on another node, within it.
   */
  readonly clusterLeaseMs: number;
  /**
   * CHAT_PRE_LOGIN_SHARE: the percentage of CHAT_MAX_CONNECTIONS that sockets nobody has logged in on yet (HTTP
   * requests, TLS handshakes, chat connections before their login) may hold, across every listener. Past it, a new
   * socket closes the oldest of them, so silent sockets from many addresses never lock out a person who logs in;
   * half leaves as many places to those who did log in as to everyone still arriving.
   */
  readonly preLoginShare: number;
  /** CHAT_TLS_HANDSHAKE_MS: how long a TLS handshake may take before its socket is closed; a real client needs a few round trips, 10 s is ample on any network. */
  readonly tlsHandshakeMs: number;
  /** CHAT_HTTP_HEADERS_MS: how long the web port waits for a request's headers, from the moment a socket opens; a browser sends them at once. */
  readonly httpHeadersMs: number;
  /** CHAT_HTTP_REQUEST_MS: how long a whole HTTP request may take to arrive; the page's requests have no body, so 30 s is generous. */
  readonly httpRequestMs: number;
  /** CHAT_HTTP_KEEP_ALIVE_MS: how long an idle HTTP socket stays open for the next request; 5 s covers a page loading its files. */
  readonly httpKeepAliveMs: number;
  /** CHAT_MAX_CONSOLE_BUFFER: bytes the console may fall behind before it skips info lines (warnings and errors are always shown; server.log has everything). 1 MiB is thousands of lines. */
  readonly consoleBuffer: number;
  /** CHAT_MAX_CHANNELS_PER_USER: channels one account may create (past it, RESULT CREATE x 0): far more than a person uses, few enough that one account cannot fill the server. */
  readonly maxChannelsPerUser: number;
  /**
   * CHAT_MAX_CHANNELS: channels on this server in all. It bounds the one-line CHANNELS answer: local names are at most 64
   * code points (256 bytes of UTF-8), so 1000 channels keep it under 258 KB (66 KB in ASCII), well inside a client's
   * send queue; a class of a hundred making ten each fits.
   */
  readonly maxChannels: number;
  /** CHAT_REGISTER_PER_HOUR: accounts one address may register an hour (spread evenly over the hour): a class of 200 behind one NAT registers at once; a script cannot fill the store. */
  readonly registerPerHour: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxLineLength: 8192,
  maxSendQueue: 1024 * 1024,
  sendTimeoutMs: 30_000,
  maxConnections: 1024,
  maxPerAddress: 64,
  closeGraceMs: 2000,
  maxQueued: 1000,
  linkMaxSendQueue: 16 * 1024 * 1024,
  linkRetryMaxMs: 30_000,
  linkRateLimit: 5000,
  maxRemoteMembers: 1000,
  rateLimit: 100,
  rateBurst: 500,
  floodSeconds: 30,
  loginTimeout: 60,
  hashQueuePerAddress: 256,
  hashMaxWaitMs: 30_000,
  loginFreeFailures: 3,
  loginFreePerAddress: 10,
  loginDelayMs: 500,
  loginMaxDelayMs: 30_000,
  clusterLeaseMs: 10_000,
  consoleBuffer: 1024 * 1024,
  preLoginShare: 50,
  tlsHandshakeMs: 10_000,
  httpHeadersMs: 10_000,
  httpRequestMs: 30_000,
  httpKeepAliveMs: 5_000,
  maxChannelsPerUser: 100,
  maxChannels: 1000,
  registerPerHour: 200,
};

export const LIMIT_VARS: Readonly<Record<keyof Limits, string>> = {
  maxLineLength: 'CHAT_MAX_LINE',
  maxSendQueue: 'CHAT_MAX_SEND_QUEUE',
  sendTimeoutMs: 'CHAT_SEND_TIMEOUT_MS',
  maxConnections: 'CHAT_MAX_CONNECTIONS',
  maxPerAddress: 'CHAT_MAX_PER_ADDRESS',
  closeGraceMs: 'CHAT_CLOSE_GRACE_MS',
  maxQueued: 'CHAT_MAX_QUEUED',
  linkMaxSendQueue: 'CHAT_LINK_MAX_SEND_QUEUE',
  linkRetryMaxMs: 'CHAT_LINK_RETRY_MAX_MS',
  linkRateLimit: 'CHAT_LINK_RATE_LIMIT',
  maxRemoteMembers: 'CHAT_MAX_REMOTE_MEMBERS',
  rateLimit: 'CHAT_RATE_LIMIT',
  rateBurst: 'CHAT_RATE_BURST',
  floodSeconds: 'CHAT_FLOOD_SECONDS',
  loginTimeout: 'CHAT_LOGIN_TIMEOUT',
  hashQueuePerAddress: 'CHAT_HASH_QUEUE_PER_ADDRESS',
  hashMaxWaitMs: 'CHAT_HASH_MAX_WAIT_MS',
  loginFreeFailures: 'CHAT_LOGIN_FREE_FAILURES',
  loginFreePerAddress: 'CHAT_LOGIN_FREE_PER_ADDRESS',
  loginDelayMs: 'CHAT_LOGIN_DELAY_MS',
  loginMaxDelayMs: 'CHAT_LOGIN_MAX_DELAY_MS',
  clusterLeaseMs: 'CHAT_CLUSTER_LEASE_MS',
  consoleBuffer: 'CHAT_MAX_CONSOLE_BUFFER',
  preLoginShare: 'CHAT_PRE_LOGIN_SHARE',
  tlsHandshakeMs: 'CHAT_TLS_HANDSHAKE_MS',
  httpHeadersMs: 'CHAT_HTTP_HEADERS_MS',
  httpRequestMs: 'CHAT_HTTP_REQUEST_MS',
  httpKeepAliveMs: 'CHAT_HTTP_KEEP_ALIVE_MS',
  maxChannelsPerUser: 'CHAT_MAX_CHANNELS_PER_USER',
  maxChannels: 'CHAT_MAX_CHANNELS',
  registerPerHour: 'CHAT_REGISTER_PER_HOUR',
};

/** The limits that 0 turns off; every other one is at least 1. */
export const ZERO_MEANS_OFF: ReadonlySet<keyof Limits> = new Set(['rateLimit', 'linkRateLimit', 'loginTimeout', 'loginDelayMs', 'loginFreeFailures', 'loginFreePerAddress']);
