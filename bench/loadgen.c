// Load generator for `npm run bench -- compare`: one epoll loop, one thread, driving N clients of one
// protocol in one channel: ours (the channels dialect), IRC or MQTT 3.1.1. The first S members send;
// every message is a 64-byte payload carrying its sender, a sequence number and a CLOCK_MONOTONIC
// timestamp, so whoever receives it knows the delivery latency. A fourth protocol, bare, is for a server
// that only reads (the memory floor): each member sends one line and counts as in once connected.
//
// Modes: saturate (each sender keeps at most K messages not yet delivered to every member in flight),
// rate (R messages/s in total, paced evenly over the senders, stamped with their scheduled time so a
// server that falls behind shows it as latency), idle (log in and wait: for memory figures and storms).
//
// stdout: "ready" once every member is in, "measuring" when the measured window opens, then one JSON line.
// stdin: a line "mark" closes the current window and opens the next (--control); end of input finishes.
// Every wait is bounded: --setup-seconds for the logins, --seconds for the measurement.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

enum protocol { OURS, IRC, MQTT, BARE };
enum mode { SATURATE, RATE, IDLE };
enum conn_state { CONNECTING, HANDSHAKE, READY, CLOSED };

#define PAYLOAD 64
#define RING 4096                 /* per-sender slots of messages in flight; K must stay below */
#define MAX_OUT (1u << 20)        /* bytes a sender may queue in user space before messages count as unsent */
#define CARRY_MAX 65536           /* longest partial line or packet kept between reads */
#define READ_CHUNK (256 * 1024)
#define HIST 3840                 /* log-linear latency buckets, 64 per power of two (< 1.6% error) */
#define LOSS_NS 10000000000ull    /* a message not delivered to everyone within 10 s counts as lost */
#define MAX_PHASES 8
#define STDIN_TAG (-1)
#define TIMER_TAG (-2)

typedef struct {
  uint64_t sent, unsent, deliveries, lost, stray, rejected;
  uint64_t hist[HIST];
  uint64_t max_ns;
  double sum_ns;
  uint64_t start_ns, end_ns;
  double cpu_start, cpu_end;
} phase_t;

typedef struct {
  int fd, index, sender;          /* sender: its number, or -1 */
  enum conn_state state;
  char *carry; size_t carry_len, carry_cap;
  char *out; size_t out_len, out_off, out_cap;
  bool polling_out;
} conn_t;

typedef struct { uint32_t seq, count; uint64_t sent_ns; } slot_t;
typedef struct { uint32_t next, done; slot_t ring[RING]; } sender_t;

static struct {
  enum protocol protocol;
  enum mode mode;
  int port, members, senders, inflight, burst;
  double rate, warmup, seconds, setup_seconds;
  bool control, join, register_first, log_in;
  const char *prefix, *channel, *password;
} opt = { OURS, SATURATE, 0, 10, 10, 16, 8, 1000, 1, 5, 600, false, true, true, true, "m", "room", "pw" };

static int epfd;
static conn_t *conns;
static sender_t *senders;
static uint32_t expected_per_message;
static phase_t phases[MAX_PHASES];
static int phase_count, current = -1;     /* current: the open window, or -1 */
static uint64_t closed_connections;
static char scratch[CARRY_MAX + READ_CHUNK];
static int ready_count, started_count, handshaking;
static bool stdin_done, mark_pending;
static int timer_fd = -1;

// ---------- small helpers ----------

static void fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fprintf(stderr, "loadgen: ");
  vfprintf(stderr, format, args);
  fprintf(stderr, "\n");
  va_end(args);
  exit(1);
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static double cpu_seconds(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static void say(const char *line) { fputs(line, stdout); fputc('\n', stdout); fflush(stdout); }

static void *grow(void *p, size_t *cap, size_t need) {
  if (need <= *cap) return p;
  size_t cap2 = *cap ? *cap : 256;
  while (cap2 < need) cap2 *= 2;
  p = realloc(p, cap2);
  if (!p) fail("out of memory");
  *cap = cap2;
  return p;
}

static const char HEX[] = "0123456789abcdef";
static void put_hex(char *p, uint64_t v, int digits) {
  for (int i = digits - 1; i >= 0; i--, v >>= 4) p[i] = HEX[v & 15];
}
static bool get_hex(const char *p, int digits, uint64_t *v) {
  uint64_t r = 0;
  for (int i = 0; i < digits; i++) {
    char c = p[i];
    unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;
    if (d == 16) return false;
    r = (r << 4) | d;
  }
  *v = r;
  return true;
}

static int bucket_of(uint64_t ns) {
  if (ns < 128) return (int)ns;
  int shift = 63 - __builtin_clzll(ns) - 6;
  return shift * 64 + (int)(ns >> shift);
}
static double bucket_value(int b) {
  if (b < 128) return b;
  int shift = b / 64 - 1;
  uint64_t mantissa = (uint64_t)(b - shift * 64);
  return (double)(mantissa << shift) + (double)(1ull << shift) / 2;
}

// ---------- output to a connection ----------

static void watch(conn_t *c, bool out) {
  struct epoll_event e = { .events = EPOLLIN | (out ? EPOLLOUT : 0), .data.u64 = (uint64_t)c->index };
  if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e) < 0) fail("epoll_ctl: %s", strerror(errno));
  c->polling_out = out;
}

static bool queue_bytes(conn_t *c, const void *data, size_t len) {
  if (c->out_len - c->out_off + len > MAX_OUT) return false;
  if (c->out_off && c->out_off == c->out_len) c->out_off = c->out_len = 0;
  c->out = grow(c->out, &c->out_cap, c->out_len + len);
  memcpy(c->out + c->out_len, data, len);
  c->out_len += len;
  return true;
}

static void close_conn(conn_t *c, const char *why);

static void flush(conn_t *c) {
  while (c->out_off < c->out_len) {
    ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
    if (n > 0) { c->out_off += (size_t)n; continue; }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) { if (!c->polling_out) watch(c, true); return; }
    close_conn(c, n < 0 ? strerror(errno) : "write returned 0");
    return;
  }
  c->out_off = c->out_len = 0;
  if (c->polling_out) watch(c, false);
}

static void queue_text(conn_t *c, const char *format, ...) {
  char line[600];
  va_list args;
  va_start(args, format);
  int n = vsnprintf(line, sizeof line, format, args);
  va_end(args);
  if (n < 0 || (size_t)n >= sizeof line) fail("line too long");
  if (!queue_bytes(c, line, (size_t)n)) fail("member %d: output queue full during login", c->index);
}

// ---------- MQTT packets ----------

static size_t put_remaining_length(uint8_t *p, size_t len) {
  size_t i = 0;
  do { uint8_t b = len % 128; len /= 128; p[i++] = b | (len ? 128 : 0); } while (len);
  return i;
}

static size_t put_string(uint8_t *p, const char *s) {
  size_t len = strlen(s);
  p[0] = (uint8_t)(len >> 8); p[1] = (uint8_t)len;
  memcpy(p + 2, s, len);
  return len + 2;
}

static void queue_mqtt(conn_t *c, uint8_t header, const uint8_t *body, size_t len) {
  uint8_t head[5];
  head[0] = header;
  size_t h = 1 + put_remaining_length(head + 1, len);
  if (!queue_bytes(c, head, h) || !queue_bytes(c, body, len)) fail("member %d: output queue full during login", c->index);
}

static void mqtt_connect(conn_t *c) {
  uint8_t body[128];
  size_t n = put_string(body, "MQTT");
  body[n++] = 4;                   /* protocol level 3.1.1 */
  body[n++] = 0x02;                /* clean session */
  body[n++] = 0x0e; body[n++] = 0x10;  /* keep-alive 3600 s: longer than any run */
  char id[64];
  snprintf(id, sizeof id, "%s%d", opt.prefix, c->index);
  n += put_string(body + n, id);
  queue_mqtt(c, 0x10, body, n);
}

static void mqtt_subscribe(conn_t *c) {
  uint8_t body[128];
  size_t n = 0;
  body[n++] = 0; body[n++] = 1;    /* packet id */
  n += put_string(body + n, opt.channel);
  body[n++] = 0;                   /* QoS 0 */
  queue_mqtt(c, 0x82, body, n);
}

// ---------- logins ----------

static void start_login(conn_t *c) {
  const char *p = opt.prefix, *pw = opt.password, *ch = opt.channel;
  int i = c->index;
  switch (opt.protocol) {
  case OURS:
    if (opt.register_first) queue_text(c, "REGISTER %s%d %s\n", p, i, pw);
    if (opt.log_in) queue_text(c, "LOGIN %s%d %s\n", p, i, pw);
    if (opt.join && i == 0) queue_text(c, "CREATE %s\n", ch);
    if (opt.join) queue_text(c, "JOIN %s\n", ch);
    break;
  case IRC:
    queue_text(c, "NICK %s%d\r\nUSER %s%d 0 * :bench\r\n", p, i, p, i);
    break;
  case MQTT:
    mqtt_connect(c);
    break;
  case BARE:
    queue_text(c, "HELLO %s%d\n", p, i);
    break;
  }
  flush(c);
}

static void now_ready(conn_t *c) {
  c->state = READY;
  ready_count++;
  handshaking--;
}

static void open_conn(int index);

/** Member 0 logs in alone first (it may create the channel); then at most --burst log in at once. */
static void start_more(void) {
  if (started_count == 1 && ready_count == 0) return;
  while (started_count < opt.members && handshaking < opt.burst) open_conn(started_count);
}

// ---------- what arrives ----------

static void on_payload(conn_t *c, const char *p, uint64_t now) {
  (void)c;
  uint64_t sender, seq, stamp;
  if (!get_hex(p + 1, 4, &sender) || !get_hex(p + 5, 8, &seq) || !get_hex(p + 13, 16, &stamp)) return;
  if (current >= 0) {
    phase_t *ph = &phases[current];
    uint64_t latency = now > stamp ? now - stamp : 0;
    ph->deliveries++;
    ph->hist[bucket_of(latency)]++;
    ph->sum_ns += (double)latency;
    if (latency > ph->max_ns) ph->max_ns = latency;
  }
  if (opt.mode != SATURATE || sender >= (uint64_t)opt.senders) return;
  sender_t *s = &senders[sender];
  if (seq < s->done || seq >= s->next || s->ring[seq % RING].seq != seq) {
    if (current >= 0) phases[current].stray++;
    return;
  }
  s->ring[seq % RING].count++;
  while (s->done < s->next && s->ring[s->done % RING].count >= expected_per_message) s->done++;
}

static void fail_login(conn_t *c, const char *line, size_t len) {
  fail("member %s%d could not log in: the server answered \"%.*s\"", opt.prefix, c->index, (int)(len > 200 ? 200 : len), line);
}

static bool starts(const char *line, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  return len >= n && memcmp(line, prefix, n) == 0;
}

/** The IRC numeric of a line like ":server 001 nick :text", or -1. */
static int irc_numeric(const char *line, size_t len) {
  const char *space = memchr(line, ' ', len);
  if (!space || (size_t)(space - line) + 5 > len || space[4] != ' ') return -1;
  int n = 0;
  for (int i = 1; i <= 3; i++) { if (space[i] < '0' || space[i] > '9') return -1; n = n * 10 + (space[i] - '0'); }
  return n;
}

static void on_line(conn_t *c, const char *line, size_t len, uint64_t now) {
  if (len >= PAYLOAD && line[len - PAYLOAD] == '~') { on_payload(c, line + len - PAYLOAD, now); return; }
  if (opt.protocol == IRC) {
    if (starts(line, len, "PING ")) { queue_text(c, "PONG %.*s\r\n", (int)(len - 5 > 400 ? 400 : len - 5), line + 5); flush(c); return; }
    if (starts(line, len, "ERROR")) fail_login(c, line, len);
    int numeric = irc_numeric(line, len);
    if (c->state == HANDSHAKE) {
      if (numeric == 1) {
        if (!opt.join) now_ready(c);
        else { queue_text(c, "JOIN #%s\r\n", opt.channel); flush(c); }
      } else if (numeric == 366) now_ready(c);
      else if (numeric >= 400 && numeric < 600) fail_login(c, line, len);
    } else if (numeric >= 400 && numeric < 600 && current >= 0) phases[current].rejected++;
    return;
  }
  // ours
  if (c->state == HANDSHAKE && starts(line, len, "RESULT ")) {
    if (line[len - 1] == '0' && line[len - 2] == ' ') fail_login(c, line, len);
    bool last = opt.join ? starts(line, len, "RESULT JOIN ") : opt.log_in ? starts(line, len, "RESULT LOGIN ") : starts(line, len, "RESULT REGISTER ");
    if (last) now_ready(c);
  } else if (starts(line, len, "RESULT SAY 0") && current >= 0) phases[current].rejected++;
}

static size_t parse_lines(conn_t *c, char *buf, size_t len, uint64_t now) {
  size_t pos = 0;
  while (pos < len && c->state != CLOSED) {
    char *nl = memchr(buf + pos, '\n', len - pos);
    if (!nl) break;
    size_t end = (size_t)(nl - buf), line_len = end - pos;
    if (line_len && buf[pos + line_len - 1] == '\r') line_len--;
    if (line_len) on_line(c, buf + pos, line_len, now);
    pos = end + 1;
  }
  return pos;
}

static void on_packet(conn_t *c, uint8_t header, const uint8_t *body, size_t len, uint64_t now) {
  switch (header >> 4) {
  case 2: /* CONNACK */
    if (len < 2 || body[1] != 0) fail("member %s%d: CONNACK refused (code %d)", opt.prefix, c->index, len < 2 ? -1 : body[1]);
    if (c->state == HANDSHAKE) {
      if (opt.join) { mqtt_subscribe(c); flush(c); } else now_ready(c);
    }
    break;
  case 9: /* SUBACK */
    if (len < 3 || body[2] == 0x80) fail("member %s%d: SUBSCRIBE refused", opt.prefix, c->index);
    if (c->state == HANDSHAKE) now_ready(c);
    break;
  case 3: { /* PUBLISH */
    if (len < 2) return;
    size_t at = 2 + ((size_t)body[0] << 8 | body[1]) + ((header & 6) ? 2 : 0);
    if (at + PAYLOAD == len && body[at] == '~') on_payload(c, (const char *)body + at, now);
    break;
  }
  default: break;
  }
}

static size_t parse_packets(conn_t *c, uint8_t *buf, size_t len, uint64_t now) {
  size_t pos = 0;
  while (len - pos >= 2 && c->state != CLOSED) {
    size_t remaining = 0, i = pos + 1;
    bool complete = false;
    for (int shift = 0; shift < 28 && i < len; shift += 7) {
      uint8_t b = buf[i++];
      remaining |= (size_t)(b & 127) << shift;
      if (!(b & 128)) { complete = true; break; }
    }
    if (!complete || len - i < remaining) break;
    on_packet(c, buf[pos], buf + i, remaining, now);
    pos = i + remaining;
  }
  return pos;
}

static void on_readable(conn_t *c) {
  memcpy(scratch, c->carry, c->carry_len);
  ssize_t n;
  do n = read(c->fd, scratch + c->carry_len, READ_CHUNK); while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) { close_conn(c, n == 0 ? "closed by the server" : strerror(errno)); return; }
  size_t total = c->carry_len + (size_t)n;
  uint64_t now = now_ns();
  size_t used = opt.protocol == MQTT ? parse_packets(c, (uint8_t *)scratch, total, now) : parse_lines(c, scratch, total, now);
  if (c->state == CLOSED) return;
  c->carry_len = total - used;
  if (c->carry_len > CARRY_MAX) fail("member %d: over %d bytes without a line end or a whole packet", c->index, CARRY_MAX);
  c->carry = grow(c->carry, &c->carry_cap, c->carry_len);
  memcpy(c->carry, scratch + used, c->carry_len);
}

// ---------- connections ----------

static void open_conn(int index) {
  conn_t *c = &conns[index];
  c->index = index;
  c->sender = index < opt.senders ? index : -1;
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c->fd < 0) fail("socket: %s (raise ulimit -n?)", strerror(errno));
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port) };
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(c->fd, (struct sockaddr *)&to, sizeof to) < 0 && errno != EINPROGRESS) fail("connect: %s", strerror(errno));
  c->state = CONNECTING;
  struct epoll_event e = { .events = EPOLLIN | EPOLLOUT, .data.u64 = (uint64_t)index };
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &e) < 0) fail("epoll_ctl: %s", strerror(errno));
  c->polling_out = true;
  started_count++;
  handshaking++;
}

static void on_connected(conn_t *c) {
  int error = 0;
  socklen_t size = sizeof error;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &size);
  if (error) fail("member %d could not connect: %s", c->index, strerror(error));
  c->state = HANDSHAKE;
  watch(c, false);
  start_login(c);
  if (opt.protocol == BARE && c->state == HANDSHAKE) now_ready(c);  /* a bare reader answers nothing */
}

static void close_conn(conn_t *c, const char *why) {
  if (c->state == CLOSED) return;
  if (c->state != READY) fail("member %s%d: connection lost while logging in (%s)", opt.prefix, c->index, why);
  fprintf(stderr, "loadgen: member %s%d: connection lost (%s)\n", opt.prefix, c->index, why);
  c->state = CLOSED;
  closed_connections++;
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
}

// ---------- sending ----------

static int format_message(char *buf, unsigned sender, uint32_t seq, uint64_t stamp) {
  char payload[PAYLOAD];
  payload[0] = '~';
  put_hex(payload + 1, sender, 4);
  put_hex(payload + 5, seq, 8);
  put_hex(payload + 13, stamp, 16);
  memset(payload + 29, '.', PAYLOAD - 29);
  switch (opt.protocol) {
  case OURS: return sprintf(buf, "SAY %s %.*s\n", opt.channel, PAYLOAD, payload);
  case IRC: return sprintf(buf, "PRIVMSG #%s :%.*s\r\n", opt.channel, PAYLOAD, payload);
  case BARE: return sprintf(buf, "%.*s\n", PAYLOAD, payload);
  case MQTT: {
    uint8_t *p = (uint8_t *)buf;
    size_t topic = strlen(opt.channel);
    p[0] = 0x30;
    size_t n = 1 + put_remaining_length(p + 1, 2 + topic + PAYLOAD);
    n += put_string(p + n, opt.channel);
    memcpy(p + n, payload, PAYLOAD);
    return (int)(n + PAYLOAD);
  }
  }
  return 0;
}

/** Queues one message of `sender` stamped `stamp`; false when its queue is full (the message is not sent). */
static bool send_one(int sender, uint64_t stamp) {
  conn_t *c = &conns[sender];
  if (c->state != READY) return false;
  sender_t *s = &senders[sender];
  char buf[256];
  int n = format_message(buf, (unsigned)sender, s->next, stamp);
  if (!queue_bytes(c, buf, (size_t)n)) { if (current >= 0) phases[current].unsent++; return false; }
  s->ring[s->next % RING] = (slot_t){ s->next, 0, stamp };
  s->next++;
  if (current >= 0) phases[current].sent++;
  return true;
}

/** Saturation: every sender tops up to K messages in flight, and messages stuck for LOSS_NS count as lost. */
static void top_up(uint64_t now) {
  for (int i = 0; i < opt.senders; i++) {
    sender_t *s = &senders[i];
    while (s->done < s->next && now - s->ring[s->done % RING].sent_ns > LOSS_NS) {
      if (current >= 0) phases[current].lost += expected_per_message - s->ring[s->done % RING].count;
      s->done++;
    }
    if (conns[i].state != READY || conns[i].out_len > conns[i].out_off) continue;
    while (s->next - s->done < (uint32_t)opt.inflight && send_one(i, now)) {}
    flush(&conns[i]);
  }
}

static uint64_t rate_index, rate_origin;

/** Fixed rate: sends every message due by `now`, each stamped with the time it was due. */
static void send_due(uint64_t now) {
  for (int budget = 100000; budget > 0; budget--) {
    uint64_t due = rate_origin + (uint64_t)((double)rate_index * 1e9 / opt.rate);
    if (due > now) break;
    send_one((int)(rate_index % (uint64_t)opt.senders), due);
    rate_index++;
  }
  for (int i = 0; i < opt.senders; i++) if (conns[i].out_len > conns[i].out_off && !conns[i].polling_out) flush(&conns[i]);
}

// ---------- windows ----------

static void open_window(uint64_t now) {
  if (phase_count == MAX_PHASES) return;
  current = phase_count++;
  phases[current].start_ns = now;
  phases[current].cpu_start = cpu_seconds();
  say("measuring");
}

static void close_window(uint64_t now) {
  if (current < 0) return;
  phases[current].end_ns = now;
  phases[current].cpu_end = cpu_seconds();
  current = -1;
}

static double percentile(const phase_t *ph, double p) {
  if (!ph->deliveries) return 0;
  uint64_t rank = (uint64_t)(p * (double)(ph->deliveries - 1)) + 1, seen = 0;
  for (int b = 0; b < HIST; b++) if ((seen += ph->hist[b]) >= rank) return bucket_value(b);
  return (double)ph->max_ns;
}

static void report(double setup_seconds) {
  static const char *names[] = { "ours", "irc", "mqtt", "bare" };
  printf("{\"protocol\":\"%s\",\"members\":%d,\"senders\":%d,\"expectedPerMessage\":%u,\"setupSeconds\":%.3f,\"closedConnections\":%llu,\"phases\":[",
         names[opt.protocol], opt.members, opt.senders, expected_per_message, setup_seconds, (unsigned long long)closed_connections);
  for (int i = 0; i < phase_count; i++) {
    const phase_t *ph = &phases[i];
    double seconds = (double)(ph->end_ns - ph->start_ns) / 1e9;
    printf("%s{\"seconds\":%.3f,\"sent\":%llu,\"unsent\":%llu,\"deliveries\":%llu,\"lost\":%llu,\"stray\":%llu,\"rejected\":%llu,"
           "\"p50Us\":%.1f,\"p99Us\":%.1f,\"maxUs\":%.1f,\"meanUs\":%.1f,\"cpuSeconds\":%.3f}",
           i ? "," : "", seconds, (unsigned long long)ph->sent, (unsigned long long)ph->unsent, (unsigned long long)ph->deliveries,
           (unsigned long long)ph->lost, (unsigned long long)ph->stray, (unsigned long long)ph->rejected,
           percentile(ph, 0.5) / 1e3, percentile(ph, 0.99) / 1e3, (double)ph->max_ns / 1e3,
           ph->deliveries ? ph->sum_ns / (double)ph->deliveries / 1e3 : 0, ph->cpu_end - ph->cpu_start);
  }
  printf("]}\n");
  fflush(stdout);
}

// ---------- control input ----------

static void on_stdin(void) {
  char buf[256];
  ssize_t n = read(0, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) { stdin_done = true; epoll_ctl(epfd, EPOLL_CTL_DEL, 0, NULL); return; }
  if (memmem(buf, (size_t)n, "mark", 4)) mark_pending = true;
}

// ---------- the loop ----------

static void dispatch(int timeout_ms) {
  struct epoll_event events[512];
  int n = epoll_wait(epfd, events, 512, timeout_ms);
  if (n < 0 && errno != EINTR) fail("epoll_wait: %s", strerror(errno));
  for (int i = 0; i < n; i++) {
    int64_t tag = (int64_t)events[i].data.u64;
    if (tag == STDIN_TAG) { on_stdin(); continue; }
    if (tag == TIMER_TAG) { uint64_t ticks; if (read(timer_fd, &ticks, sizeof ticks) < 0) {} continue; }
    conn_t *c = &conns[tag];
    if (c->state == CLOSED) continue;
    if (c->state == CONNECTING) { if (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected(c); continue; }
    if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
    if (c->state != CLOSED && (events[i].events & EPOLLOUT)) flush(c);
  }
}

static void add_watch(int fd, int64_t tag) {
  struct epoll_event e = { .events = EPOLLIN, .data.u64 = (uint64_t)tag };
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e) < 0) fail("epoll_ctl: %s", strerror(errno));
}

static void usage(void) {
  fail("usage: loadgen --protocol ours|irc|mqtt|bare --port P [--members N] [--senders S] [--mode saturate|rate|idle] "
       "[--rate MSGS_PER_S] [--inflight K] [--warmup S] [--seconds S] [--setup-seconds S] [--burst B] [--control] "
       "[--no-join] [--login-only] [--register-only] [--prefix P] [--channel C] [--password PW]");
}

static void parse_args(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    bool takes = true;
    if (!strcmp(a, "--control")) { opt.control = true; takes = false; }
    else if (!strcmp(a, "--no-join")) { opt.join = false; takes = false; }
    else if (!strcmp(a, "--login-only")) { opt.register_first = false; takes = false; }
    else if (!strcmp(a, "--register-only")) { opt.log_in = opt.join = false; takes = false; }
    else if (!v) usage();
    else if (!strcmp(a, "--protocol")) opt.protocol = !strcmp(v, "ours") ? OURS : !strcmp(v, "irc") ? IRC : !strcmp(v, "mqtt") ? MQTT : !strcmp(v, "bare") ? BARE : (usage(), OURS);
    else if (!strcmp(a, "--mode")) opt.mode = !strcmp(v, "saturate") ? SATURATE : !strcmp(v, "rate") ? RATE : !strcmp(v, "idle") ? IDLE : (usage(), SATURATE);
    else if (!strcmp(a, "--port")) opt.port = atoi(v);
    else if (!strcmp(a, "--members")) opt.members = atoi(v);
    else if (!strcmp(a, "--senders")) opt.senders = atoi(v);
    else if (!strcmp(a, "--inflight")) opt.inflight = atoi(v);
    else if (!strcmp(a, "--burst")) opt.burst = atoi(v);
    else if (!strcmp(a, "--rate")) opt.rate = atof(v);
    else if (!strcmp(a, "--warmup")) opt.warmup = atof(v);
    else if (!strcmp(a, "--seconds")) opt.seconds = atof(v);
    else if (!strcmp(a, "--setup-seconds")) opt.setup_seconds = atof(v);
    else if (!strcmp(a, "--prefix")) opt.prefix = v;
    else if (!strcmp(a, "--channel")) opt.channel = v;
    else if (!strcmp(a, "--password")) opt.password = v;
    else usage();
    if (takes) i++;
  }
  if (opt.port <= 0 || opt.members < 1 || opt.burst < 1 || opt.rate <= 0 || opt.seconds <= 0) usage();
  if (opt.senders > opt.members) opt.senders = opt.members;
  if (opt.protocol != OURS && !(opt.register_first && opt.log_in)) fail("--login-only and --register-only are for --protocol ours");
  if (opt.mode == IDLE) opt.senders = 0;
  if (opt.inflight < 1 || opt.inflight >= RING) fail("--inflight must be 1 … %d", RING - 1);
}

int main(int argc, char **argv) {
  parse_args(argc, argv);
  signal(SIGPIPE, SIG_IGN);
  struct rlimit files;
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);
  if ((rlim_t)opt.members + 16 > files.rlim_cur)
    fail("%d members need %d open files but the limit is %llu: raise it (ulimit -n)", opt.members, opt.members + 16, (unsigned long long)files.rlim_cur);

  epfd = epoll_create1(0);
  conns = calloc((size_t)opt.members, sizeof *conns);
  senders = calloc((size_t)(opt.senders ? opt.senders : 1), sizeof *senders);
  if (epfd < 0 || !conns || !senders) fail("setup: %s", strerror(errno));
  expected_per_message = (uint32_t)(opt.protocol == IRC ? opt.members - 1 : opt.members);  /* IRC does not echo to the sender */
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  struct epoll_event input = { .events = EPOLLIN, .data.u64 = (uint64_t)(int64_t)STDIN_TAG };
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &input) < 0 && opt.control) fail("--control needs stdin to be a pipe");

  uint64_t setup_start = now_ns(), setup_deadline = setup_start + (uint64_t)(opt.setup_seconds * 1e9);
  open_conn(0);
  while (ready_count < opt.members) {
    if (now_ns() > setup_deadline) fail("only %d of %d members logged in within %.0f s", ready_count, opt.members, opt.setup_seconds);
    if (stdin_done) fail("stopped by end of input while logging in");
    start_more();
    dispatch(100);
  }
  double setup_seconds = (double)(now_ns() - setup_start) / 1e9;
  say("ready");

  uint64_t begin = now_ns(), deadline = begin + (uint64_t)((opt.warmup + opt.seconds) * 1e9);
  uint64_t measure_from = begin + (uint64_t)(opt.warmup * 1e9), measure_until = opt.control ? deadline : measure_from + (uint64_t)(opt.seconds * 1e9);
  if (opt.mode == RATE) {
    int timer = timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    long interval = (long)(1e9 / opt.rate);
    if (interval < 20000) interval = 20000;
    struct itimerspec every = { .it_interval = { interval / 1000000000, interval % 1000000000 }, .it_value = { 0, 1 } };
    if (timer < 0 || timerfd_settime(timer, 0, &every, NULL) < 0) fail("timerfd: %s", strerror(errno));
    add_watch(timer, TIMER_TAG);
    rate_origin = begin;
  }
  if (opt.mode == IDLE) measure_from = measure_until = deadline;  /* no window: wait for the end of input */

  for (;;) {
    uint64_t now = now_ns();
    if (current < 0 && phase_count == 0 && now >= measure_from && opt.mode != IDLE) open_window(now);
    if (mark_pending && opt.control && current >= 0) { close_window(now); open_window(now); }
    mark_pending = false;
    if (now >= deadline || (current >= 0 && now >= measure_until) || stdin_done) break;
    if (opt.mode == SATURATE) top_up(now);
    if (opt.mode == RATE) send_due(now);
    dispatch(opt.mode == SATURATE ? 10 : 100);
  }
  close_window(now_ns());
  report(setup_seconds);
  return 0;
}
