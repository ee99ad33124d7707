// What `chat-server --help` prints: every subcommand, option and limit, with its default.
import { DEFAULT_LIMITS } from './limits.js';

export const HELP = `Usage: chat-server [port] [peers-file] [options]   run the server
       chat-server tail [FILE] [options]            follow server.log human-readably (tail --help)
       chat-server replay FILE... [options]         play recordings and check the answers (replay --help)
       chat-server check HOST:PORT --dialect D      test any server against a protocol, rule by rule (check --help)
       chat-server check HOST:PORT --with cross-dialect   test that its dialects share one state

A chat server speaking the channels, direct and messenger protocols on one port, and the same
over WebSocket at /ws on the web port, where it also serves a chat page.

Options (each also an env var, also read from ./.env; flags win over env, env over .env):
  --address A       address to listen on                  CHAT_ADDRESS     (127.0.0.1)
  --port P          TCP port, 0 for any free one          CHAT_PORT        (5378)
  --web-port P      web page and WebSocket port, 0 for    CHAT_WEB_PORT    (5380)
                    any free one, off for none
  --protocol X      auto | channels | direct | messenger   CHAT_PROTOCOL    (auto)
  --db PATH         NeDB data file for accounts, channels CHAT_DB          (./data/chat.db)
  --log FILE        JSON log file                         CHAT_LOG         (./server.log)
  --max-users N     most users logged in at once          CHAT_MAX_USERS   (16)
  --peers FILE      federation peers, one a line:         CHAT_PEERS
                    host:port [key=SECRET] [name=NAME]
  --name NAME       this server's name towards peers      CHAT_NAME        (the address)
  --record FILE     write all traffic as a recording      CHAT_RECORD      (off; see replay --help)
  --metrics-port P  Prometheus /metrics on this port      CHAT_METRICS_PORT (off)
  --metrics-address A  address /metrics listens on        CHAT_METRICS_ADDRESS (127.0.0.1)
  --tls-cert FILE   PEM certificate for a TLS listener    CHAT_TLS_CERT    (off)
  --tls-key FILE    its PEM private key                   CHAT_TLS_KEY     (off)
  --tls-port P      the TLS listener's port               CHAT_TLS_PORT    (5379)
                    with --tls-cert and --tls-key the web port serves HTTPS and WSS too
  --web-tls-cert FILE  another certificate for the web port  CHAT_WEB_TLS_CERT (the --tls-cert one)
  --web-tls-key FILE   its private key                        CHAT_WEB_TLS_KEY  (the --tls-key one)
  --pid-file FILE   write this process's id there         CHAT_PID_FILE    (off; for kill -HUP)
  --cluster URL     be one node of a cluster: redis://     CHAT_CLUSTER     (off)
                    host:port holds its names, accounts
                    and channels, and carries its messages
  --workers N       nodes on this machine, sharing the    CHAT_WORKERS     (1)
                    port (above 1 needs --cluster)
  -v, --version     print the version
  -h, --help        show this help (also: chat-server help)

Also: CHAT_WEB_ORIGINS (other sites whose pages may connect, comma-separated; this server's own page
and clients that send no Origin always may), CHAT_WEB_HOSTS (names besides its address that the web
port answers WebSockets for, e.g. behind a proxy; comma-separated), CHAT_BCRYPT_COST (10), LOG_LEVEL (info),
CHAT_LINK_KEY (the key of every peers-file line without key=; see docs/federation.md),
and the limits CHAT_MAX_LINE (${DEFAULT_LIMITS.maxLineLength}), CHAT_MAX_SEND_QUEUE (${DEFAULT_LIMITS.maxSendQueue}), CHAT_SEND_TIMEOUT_MS (${DEFAULT_LIMITS.sendTimeoutMs}),
CHAT_MAX_CONNECTIONS (${DEFAULT_LIMITS.maxConnections}), CHAT_MAX_PER_ADDRESS (${DEFAULT_LIMITS.maxPerAddress}), CHAT_CLOSE_GRACE_MS (${DEFAULT_LIMITS.closeGraceMs}),
CHAT_MAX_QUEUED (${DEFAULT_LIMITS.maxQueued}), CHAT_LINK_MAX_SEND_QUEUE (${DEFAULT_LIMITS.linkMaxSendQueue}), CHAT_LINK_RETRY_MAX_MS (${DEFAULT_LIMITS.linkRetryMaxMs}),
CHAT_LINK_RATE_LIMIT (${DEFAULT_LIMITS.linkRateLimit} lines/s, 0 = off), CHAT_MAX_REMOTE_MEMBERS (${DEFAULT_LIMITS.maxRemoteMembers}),
CHAT_RATE_LIMIT (${DEFAULT_LIMITS.rateLimit} lines/s, 0 = off), CHAT_RATE_BURST (${DEFAULT_LIMITS.rateBurst}), CHAT_FLOOD_SECONDS (${DEFAULT_LIMITS.floodSeconds}),
CHAT_LOGIN_TIMEOUT (${DEFAULT_LIMITS.loginTimeout} s, 0 = off), CHAT_HASH_QUEUE_PER_ADDRESS (${DEFAULT_LIMITS.hashQueuePerAddress}),
CHAT_HASH_MAX_WAIT_MS (${DEFAULT_LIMITS.hashMaxWaitMs}),
CHAT_LOGIN_FREE_FAILURES (${DEFAULT_LIMITS.loginFreeFailures}), CHAT_LOGIN_FREE_PER_ADDRESS (${DEFAULT_LIMITS.loginFreePerAddress}), CHAT_LOGIN_DELAY_MS (${DEFAULT_LIMITS.loginDelayMs}, 0 = off),
CHAT_LOGIN_MAX_DELAY_MS (${DEFAULT_LIMITS.loginMaxDelayMs}), CHAT_CLUSTER_LEASE_MS (${DEFAULT_LIMITS.clusterLeaseMs}),
CHAT_PRE_LOGIN_SHARE (${DEFAULT_LIMITS.preLoginShare} % of CHAT_MAX_CONNECTIONS), CHAT_TLS_HANDSHAKE_MS (${DEFAULT_LIMITS.tlsHandshakeMs}),
CHAT_HTTP_HEADERS_MS (${DEFAULT_LIMITS.httpHeadersMs}), CHAT_HTTP_REQUEST_MS (${DEFAULT_LIMITS.httpRequestMs}), CHAT_HTTP_KEEP_ALIVE_MS (${DEFAULT_LIMITS.httpKeepAliveMs}),
the quotas CHAT_MAX_CHANNELS_PER_USER (${DEFAULT_LIMITS.maxChannelsPerUser}), CHAT_MAX_CHANNELS (${DEFAULT_LIMITS.maxChannels}), CHAT_REGISTER_PER_HOUR (${DEFAULT_LIMITS.registerPerHour} an address).
CHAT_MAX_CONSOLE_BUFFER (${DEFAULT_LIMITS.consoleBuffer} bytes the console may fall behind before it skips info lines).
For chat-client: CHAT_CLIENT_TIMEOUT_MS (10000, how long connecting and logging in may take).
.env.example says what each one does.
`;
