/*
 * Saturation load generator: thousands of WebSocket clients in one epoll loop, fast enough to
 * receive what a uWebSockets.js server can send from one core, which a Node client cannot.
 * Compiled by bench/saturation/loadgen.ts at run time (cc -O2) and driven over stdin/stdout:
 * one command per line in, one JSON line out per command (see `command` below).
 *
 * Clients speak RFC 6455 themselves (masked client frames, unmasked server frames, 16- and 64-bit
 * lengths, frames split across reads) and, with -m eio, Engine.IO v4 + Socket.IO over that.
 * Per payload frame it finds "seq": and "sent_ms": with a plain scan, records CLOCK_REALTIME now
 * minus sent_ms in a log-linear histogram with the same buckets as bench/fanout/histogram.ts
 * (128 per power of two of microseconds, <= 0.54 % wide), so the orchestrator merges and reads it
 * with that module, and counts seq gaps and duplicates per connection.
 *
 * Usage: loadgen -p PORT [-m json|eio] [-r ROOM] [-c HANDSHAKES_IN_FLIGHT] [-t HANDSHAKE_TIMEOUT_MS]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* ulimit -n is 20,000 here: this many sockets plus stdio and epoll stay under it. */
#define MAX_CONNS 19500
/* One read buffer shared by all connections; a partial frame is kept per connection. */
#define READ_BUF (1 << 20)
#define SUB_BUCKETS 128
#define MAX_LOG2 30
#define BUCKETS (1 + MAX_LOG2 * SUB_BUCKETS)
#define SOURCE_ADDRESSES 8
#define STDIN_TAG UINT64_MAX
#define PROBE_TIMEOUT_MS 2000.0
#define MAX_CLOSE_CODES 16

enum state { ST_CONNECTING, ST_HANDSHAKE, ST_WAIT_READY, ST_READY, ST_CLOSED, ST_FAILED };
enum probe { PR_IDLE, PR_WAIT_SNAPSHOT, PR_WAIT_UNSUB };

struct conn {
  int fd;
  uint8_t state;
  uint8_t slow;
  uint8_t probe;
  uint32_t pend_len, pend_cap;
  uint8_t *pend; /* bytes of a frame (or handshake) not complete yet */
  int64_t last_seq;
  double t_ms; /* monotonic: handshake deadline, or when the probe subscribe was sent */
  double probe_sent_real_ms; /* wall clock of the probe subscribe, to compare with kernel timestamps */
};

struct hist {
  uint64_t counts[BUCKETS];
  uint64_t count;
  double sum_us, min_us, max_us;
};

static struct conn *conns;
static int n_conns;
static int ep;
static uint8_t *rbuf;

/* Options. */
static int opt_port;
static int opt_eio;
static const char *opt_room = "price:900000";
static int opt_concurrency = 256;
static double opt_timeout_ms = 15000;

/* The open command in progress. */
static char open_path[512];
static int open_target, open_started, open_ok, open_failed, inflight;
static double open_began_ms;
static char first_error[200];
static int opening;
/* Connections that `slow` with this fraction will pick get a small receive buffer at connect. */
static double open_small_fraction;

/* Measurement window: payload frames with seq in [win_lo, win_hi). */
static int64_t win_lo = -1, win_hi = -1;
static struct hist win_hist, probe_hist, probe_arrival_hist;
/* How long data sat in this client's socket buffers before it was read (kernel receive
   timestamp to read), per frame: whether the client kept up. */
static struct hist hold_hist;
/* Publish → kernel receive timestamp, per frame: the latency without this client's own delay. */
static struct hist arrival_hist;
/* The read being parsed: when it was read, and when the kernel received its (last) segment. */
static double read_real_ms, read_arrived_ms;
static uint64_t win_received, win_gaps, win_gap_missing, win_dups, win_negative;
static uint64_t frames_total, bad_frames, send_errors, protocol_errors;
static double last_frame_ms;
/* Minimum time between two read sweeps (0 = read as soon as anything arrives); see `interval`. */
static double read_interval_ms;
static int close_codes[MAX_CLOSE_CODES][2];
static int closes;

/* Probe mode (edge only): subscribe → first price_update latency on otherwise idle connections. */
static int probe_mode, probe_count, probe_sent, probe_done, probe_timeouts, probe_rr;
static double probe_interval_ms, probe_next_ms;

/* Which connections a fraction picks: evenly spread by index, the same for `open` and `slow`. */
static int picked(int idx, double fraction) { return fraction > 0 && floor((idx + 1) * fraction) != floor(idx * fraction); }
#define SMALL_RCVBUF 4096
static char probe_topic[128];

static uint32_t rng_state = 2463534242u;

static double mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The servers stamp sent_ms from the wall clock (performance.timeOrigin + now()), so compare with it. */
static double real_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint32_t xorshift(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static void hist_record(struct hist *h, double us) {
  if (us < 0) us = 0;
  int b = us < 1 ? 0 : 1 + (int)floor(log2(us) * SUB_BUCKETS);
  if (b >= BUCKETS) b = BUCKETS - 1;
  h->counts[b]++;
  if (h->count == 0 || us < h->min_us) h->min_us = us;
  if (us > h->max_us) h->max_us = us;
  h->count++;
  h->sum_us += us;
}

static void hist_print(const struct hist *h) {
  printf("{\"buckets\":[");
  int first = 1;
  for (int i = 0; i < BUCKETS; i++) {
    if (h->counts[i] == 0) continue;
    printf("%s[%d,%llu]", first ? "" : ",", i, (unsigned long long)h->counts[i]);
    first = 0;
  }
  printf("],\"count\":%llu,\"sumUs\":%.1f,\"minUs\":%.1f,\"maxUs\":%.1f}", (unsigned long long)h->count, h->sum_us,
         h->count ? h->min_us : 0.0, h->max_us);
}

static void json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') printf("\\%c", ch);
    else if (ch < 0x20) printf("\\u%04x", ch);
    else putchar(ch);
  }
  putchar('"');
}

static void note_error(const char *what) {
  if (first_error[0] == '\0') snprintf(first_error, sizeof first_error, "%s", what);
}

/* Client frames must be masked (RFC 6455 5.3); ours are short control and command frames. */
static void send_frame(struct conn *c, int opcode, const char *payload, size_t len) {
  uint8_t frame[256];
  if (len > sizeof frame - 8) {
    send_errors++;
    return;
  }
  size_t n = 0;
  frame[n++] = 0x80 | opcode;
  if (len < 126) {
    frame[n++] = 0x80 | len;
  } else {
    frame[n++] = 0x80 | 126;
    frame[n++] = len >> 8;
    frame[n++] = len & 0xff;
  }
  uint32_t key = xorshift();
  uint8_t *mask = frame + n;
  memcpy(mask, &key, 4);
  n += 4;
  for (size_t i = 0; i < len; i++) frame[n + i] = payload[i] ^ mask[i & 3];
  n += len;
  if (send(c->fd, frame, n, MSG_NOSIGNAL) != (ssize_t)n) send_errors++;
}

static void send_text(struct conn *c, const char *text) { send_frame(c, 0x1, text, strlen(text)); }

/* A probe got its snapshot (or gave up waiting): count it and unsubscribe, so the next probe subscribes afresh. */
static void probe_finish(struct conn *c, double now) {
  probe_done++;
  char cmd[200];
  snprintf(cmd, sizeof cmd, "{\"type\":\"unsubscribe\",\"topic\":\"%s\"}", probe_topic);
  send_text(c, cmd);
  c->probe = PR_WAIT_UNSUB;
  c->t_ms = now;
}

static void settle_open(struct conn *c, int ok, const char *error) {
  if (c->state == ST_READY || c->state == ST_CLOSED || c->state == ST_FAILED) return;
  inflight--;
  if (ok) {
    c->state = ST_READY;
    open_ok++;
    return;
  }
  c->state = ST_FAILED;
  open_failed++;
  note_error(error);
  close(c->fd);
  c->fd = -1;
  free(c->pend);
  c->pend = NULL;
  c->pend_len = c->pend_cap = 0;
}

/* The connection ended: a close frame, EOF or a reset. Before it was ready it is a failed open. */
static void conn_lost(struct conn *c, int code, const char *why) {
  if (c->state != ST_READY) {
    char text[160];
    snprintf(text, sizeof text, "closed (%d, %s) before ready", code, why);
    settle_open(c, 0, text);
    return;
  }
  closes++;
  int i = 0;
  while (i < MAX_CLOSE_CODES - 1 && close_codes[i][1] != 0 && close_codes[i][0] != code) i++;
  close_codes[i][0] = code;
  close_codes[i][1]++;
  c->state = ST_CLOSED;
  close(c->fd);
  c->fd = -1;
  free(c->pend);
  c->pend = NULL;
  c->pend_len = c->pend_cap = 0;
}

/*
 * A JSON number at s (sent_ms, seq): digits accumulated as an integer, so no strtod per frame.
 * 18 significant digits are more than a double holds; an exponent falls back to strtod.
 */
static int parse_number(const char *s, const char *end, double *out) {
  uint64_t mantissa = 0;
  int digits = 0, frac = 0, dot = 0;
  const char *p = s;
  for (; p < end; p++) {
    if (*p >= '0' && *p <= '9') {
      if (digits < 18) {
        mantissa = mantissa * 10 + (uint64_t)(*p - '0');
        digits++;
        frac += dot;
      } else if (!dot) {
        break;
      }
    } else if (*p == '.' && !dot) {
      dot = 1;
    } else {
      break;
    }
  }
  if (digits == 0) return 0;
  if (p < end && (*p == 'e' || *p == 'E' || (*p >= '0' && *p <= '9'))) {
    *out = strtod(s, NULL);
    return 1;
  }
  static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
  *out = (double)mantissa / pow10[frac];
  return 1;
}

static const char *find(const char *hay, size_t len, const char *needle) { return memmem(hay, len, needle, strlen(needle)); }

static void on_price(struct conn *c, const char *p, size_t len, double now_real, double now_mono) {
  frames_total++;
  last_frame_ms = now_mono;
  if (probe_mode) {
    if (c->probe != PR_WAIT_SNAPSHOT) return;
    hist_record(&probe_hist, (now_mono - c->t_ms) * 1000.0);
    hist_record(&probe_arrival_hist, (read_arrived_ms - c->probe_sent_real_ms) * 1000.0);
    probe_finish(c, now_mono);
    return;
  }
  const char *end = p + len;
  const char *s = find(p, len, "\"seq\":");
  double seqd, sent;
  if (s == NULL || !parse_number(s + 6, end, &seqd)) {
    bad_frames++;
    return;
  }
  const char *t = find(s, (size_t)(end - s), "\"sent_ms\":");
  if (t == NULL || !parse_number(t + 10, end, &sent)) {
    bad_frames++;
    return;
  }
  int64_t seq = (int64_t)seqd;
  int64_t last = c->last_seq;
  c->last_seq = seq > last ? seq : last;
  if (seq < win_lo || seq >= win_hi) return;
  win_received++;
  if (seq <= last) {
    win_dups++;
  } else {
    /* The connection's previous frame, or the window's start if that frame came before it. */
    int64_t expected = last >= win_lo - 1 ? last + 1 : win_lo;
    if (seq > expected) {
      win_gaps++;
      win_gap_missing += (uint64_t)(seq - expected);
    }
  }
  double latency_ms = now_real - sent;
  if (latency_ms < 0) win_negative++;
  hist_record(&win_hist, latency_ms * 1000.0);
  hist_record(&arrival_hist, (read_arrived_ms - sent) * 1000.0);
  hist_record(&hold_hist, (read_real_ms - read_arrived_ms) * 1000.0);
}

static int has_prefix(const char *p, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  return len >= n && memcmp(p, prefix, n) == 0;
}

/* Our edge's JSON protocol, and the bench servers that copy its frames. */
static void on_json_text(struct conn *c, const char *p, size_t len, double now_real, double now_mono) {
  if (has_prefix(p, len, "{\"type\":\"price_update\"")) {
    on_price(c, p, len, now_real, now_mono);
  } else if (c->state == ST_WAIT_READY) {
    if (find(p, len, "\"type\":\"connected\"") != NULL) {
      settle_open(c, 1, NULL);
    } else if (find(p, len, "\"type\":\"error\"") != NULL) {
      char text[160];
      snprintf(text, sizeof text, "error frame: %.*s", (int)(len < 120 ? len : 120), p);
      settle_open(c, 0, text);
    }
  } else if (has_prefix(p, len, "{\"type\":\"ping\"")) {
    send_text(c, "{\"type\":\"pong\"}");
  } else if (c->probe == PR_WAIT_UNSUB && find(p, len, "\"type\":\"unsubscribed\"") != NULL) {
    c->probe = PR_IDLE;
  }
}

/* Engine.IO v4 packet types: 0 open, 1 close, 2 ping, 3 pong, 4 message; Socket.IO 0 connect, 1 disconnect, 2 event. */
static void on_eio_text(struct conn *c, const char *p, size_t len, double now_real, double now_mono) {
  if (has_prefix(p, len, "42[\"price_update\",")) {
    on_price(c, p, len, now_real, now_mono);
  } else if (has_prefix(p, len, "2")) {
    send_text(c, "3");
  } else if (has_prefix(p, len, "0")) {
    send_text(c, "40");
  } else if (has_prefix(p, len, "40")) {
    char join[200];
    snprintf(join, sizeof join, "42[\"join\",\"%s\"]", opt_room);
    send_text(c, join);
  } else if (has_prefix(p, len, "42[\"connected\"")) {
    settle_open(c, 1, NULL);
  } else if (has_prefix(p, len, "41") || has_prefix(p, len, "1")) {
    conn_lost(c, 4100, "socket.io disconnect");
  }
}

/* Parses whole frames from p; returns how many bytes were used (the rest is a partial frame). */
static size_t parse_frames(struct conn *c, uint8_t *p, size_t avail, double now_real, double now_mono) {
  size_t used = 0;
  while (avail - used >= 2) {
    uint8_t *f = p + used;
    size_t left = avail - used;
    int fin = f[0] & 0x80, opcode = f[0] & 0x0f, masked = f[1] & 0x80;
    uint64_t len = f[1] & 0x7f;
    size_t header = 2;
    if (len == 126) {
      if (left < 4) break;
      len = ((uint64_t)f[2] << 8) | f[3];
      header = 4;
    } else if (len == 127) {
      if (left < 10) break;
      len = 0;
      for (int i = 0; i < 8; i++) len = (len << 8) | f[2 + i];
      header = 10;
    }
    if (masked) {
      protocol_errors++; /* servers must not mask; unmask anyway */
      header += 4;
    }
    if (len > READ_BUF || left < header + len) break;
    uint8_t *payload = f + header;
    if (masked)
      for (uint64_t i = 0; i < len; i++) payload[i] ^= f[header - 4 + (i & 3)];
    used += header + len;
    switch (opcode) {
      case 0x1:
      case 0x2:
        if (!fin) {
          protocol_errors++; /* none of the servers fragments; skip rather than reassemble */
          break;
        }
        if (opt_eio) on_eio_text(c, (char *)payload, len, now_real, now_mono);
        else on_json_text(c, (char *)payload, len, now_real, now_mono);
        break;
      case 0x8:
        conn_lost(c, len >= 2 ? (payload[0] << 8 | payload[1]) : 1005, "close frame");
        return used;
      case 0x9:
        send_frame(c, 0xA, (char *)payload, len);
        break;
      case 0xA:
        break;
      default:
        protocol_errors++;
        break;
    }
    if (c->state == ST_CLOSED || c->state == ST_FAILED) return used;
  }
  return used;
}

static void keep_partial(struct conn *c, const uint8_t *p, size_t n) {
  if (n > c->pend_cap) {
    size_t cap = n < 512 ? 512 : n;
    uint8_t *grown = realloc(c->pend, cap);
    if (grown == NULL) {
      conn_lost(c, 1006, "out of memory");
      return;
    }
    c->pend = grown;
    c->pend_cap = cap;
  }
  memcpy(c->pend, p, n);
  c->pend_len = n;
}

static void on_readable(struct conn *c) {
  size_t have = c->pend_len;
  if (have > 0) memcpy(rbuf, c->pend, have);
  struct iovec iov = {.iov_base = rbuf + have, .iov_len = READ_BUF - have};
  union {
    char buf[CMSG_SPACE(sizeof(struct timespec))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
  ssize_t n = recvmsg(c->fd, &msg, 0);
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) conn_lost(c, 1006, strerror(errno));
    return;
  }
  if (n == 0) {
    conn_lost(c, 1006, "EOF");
    return;
  }
  size_t total = have + (size_t)n;
  rbuf[total] = 0;
  size_t used = 0;
  double now_real = real_ms(), now_mono = mono_ms();
  /* The kernel stamps the last segment a read takes, so earlier segments' frames look later
     than they arrived: the arrival latency is an upper bound, the hold a lower one. */
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  read_real_ms = read_arrived_ms = now_real;
  if (cm != NULL && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
    struct timespec arrived;
    memcpy(&arrived, CMSG_DATA(cm), sizeof arrived);
    read_arrived_ms = arrived.tv_sec * 1e3 + arrived.tv_nsec / 1e6;
  }
  if (c->state == ST_HANDSHAKE) {
    const char *end = find((char *)rbuf, total, "\r\n\r\n");
    if (end == NULL) {
      if (total > 8192) settle_open(c, 0, "handshake response too long");
      else keep_partial(c, rbuf, total);
      return;
    }
    if (!has_prefix((char *)rbuf, total, "HTTP/1.1 101")) {
      char text[160];
      const char *eol = find((char *)rbuf, total, "\r\n");
      snprintf(text, sizeof text, "%.*s", (int)(eol - (char *)rbuf), (char *)rbuf);
      settle_open(c, 0, text);
      return;
    }
    c->state = ST_WAIT_READY;
    used = (size_t)(end + 4 - (char *)rbuf);
  }
  used += parse_frames(c, rbuf + used, total - used, now_real, now_mono);
  if (c->state == ST_CLOSED || c->state == ST_FAILED) return;
  if (used == 0 && total == READ_BUF) {
    conn_lost(c, 1009, "frame larger than the read buffer");
    return;
  }
  if (total > used) keep_partial(c, rbuf + used, total - used);
  else c->pend_len = 0;
}

static void start_connect(void) {
  if (n_conns >= MAX_CONNS) {
    open_started++;
    open_failed++;
    note_error("more connections than one load generator holds");
    return;
  }
  int idx = n_conns++;
  struct conn *c = &conns[idx];
  memset(c, 0, sizeof *c);
  c->last_seq = -1;
  c->t_ms = mono_ms() + opt_timeout_ms;
  open_started++;
  inflight++;
  c->state = ST_CONNECTING;
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) {
    settle_open(c, 0, strerror(errno));
    return;
  }
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(c->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  /* Loopback buffers hold megabytes per socket (the 64 KiB loopback MSS sizes the server's send
     buffer), which a stalled reader at 100 msg/s would take minutes to fill. A would-be slow
     client looks like a remote one instead: a 1460-byte MSS (the server sizes its send buffer
     from it) and a small receive buffer, both set before connect. */
  int small = SMALL_RCVBUF, mss = 1460;
  if (picked(idx, open_small_fraction)) {
    setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    setsockopt(c->fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
  }
  /* Spread over 127.0.0.2-9, with the port picked at connect(): eight times the ephemeral
     range, so client-side TIME_WAIT from earlier runs never exhausts it. */
  setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = 0};
  src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(idx % SOURCE_ADDRESSES));
  struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(opt_port)};
  dst.sin_addr.s_addr = htonl(0x7f000001u);
  if (bind(c->fd, (struct sockaddr *)&src, sizeof src) < 0 ||
      (connect(c->fd, (struct sockaddr *)&dst, sizeof dst) < 0 && errno != EINPROGRESS)) {
    settle_open(c, 0, strerror(errno));
    return;
  }
  struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = (uint64_t)idx};
  epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static void on_connected(struct conn *c) {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    settle_open(c, 0, strerror(err));
    return;
  }
  char request[1024];
  /* The key is fixed: servers only check its form, and nothing here verifies the accept hash. */
  int n = snprintf(request, sizeof request,
                   "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                   open_path, opt_port);
  if (send(c->fd, request, (size_t)n, MSG_NOSIGNAL) != n) {
    settle_open(c, 0, "could not send the handshake");
    return;
  }
  c->state = ST_HANDSHAKE;
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)(c - conns)};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static int open_count(void) {
  int n = 0;
  for (int i = 0; i < n_conns; i++) n += conns[i].state == ST_READY;
  return n;
}

static int reading_count(void) {
  int n = 0;
  for (int i = 0; i < n_conns; i++) n += conns[i].state == ST_READY && !conns[i].slow;
  return n;
}

static void pump_open(double now) {
  if (!opening) return;
  while (open_started < open_target && inflight < opt_concurrency) start_connect();
  if (open_ok + open_failed < open_target) return;
  opening = 0;
  printf("{\"type\":\"opened\",\"opened\":%d,\"failed\":%d,\"firstError\":", open_ok, open_failed);
  json_string(first_error);
  printf(",\"open\":%d,\"ms\":%.0f}\n", open_count(), now - open_began_ms);
  fflush(stdout);
}

static void check_timeouts(double now) {
  for (int i = 0; i < n_conns; i++) {
    struct conn *c = &conns[i];
    if (c->state <= ST_WAIT_READY && now > c->t_ms) settle_open(c, 0, "handshake timed out");
    if (probe_mode && c->state == ST_READY && c->probe == PR_WAIT_SNAPSHOT && now - c->t_ms > PROBE_TIMEOUT_MS) {
      probe_timeouts++;
      probe_finish(c, now);
    } else if (probe_mode && c->probe == PR_WAIT_UNSUB && now - c->t_ms > PROBE_TIMEOUT_MS) {
      c->probe = PR_IDLE; /* the ack went missing; the next subscribe re-syncs */
    }
  }
}

static void pump_probes(double now) {
  if (!probe_mode) return;
  while (probe_sent < probe_count && now >= probe_next_ms) {
    struct conn *c = NULL;
    for (int k = 0; k < n_conns && c == NULL; k++) {
      struct conn *d = &conns[(probe_rr + k) % n_conns];
      if (d->state == ST_READY && d->probe == PR_IDLE) c = d;
    }
    if (c == NULL) break; /* every probe connection is busy: the next loop turn tries again */
    probe_rr = (int)(c - conns) + 1;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "{\"type\":\"subscribe\",\"topic\":\"%s\"}", probe_topic);
    c->probe = PR_WAIT_SNAPSHOT;
    c->t_ms = mono_ms();
    c->probe_sent_real_ms = real_ms();
    send_text(c, cmd);
    probe_sent++;
    probe_next_ms += probe_interval_ms;
  }
  if (probe_sent < probe_count || probe_done < probe_count) return;
  probe_mode = 0;
  printf("{\"type\":\"probed\",\"probes\":%d,\"timeouts\":%d,\"histogram\":", probe_count, probe_timeouts);
  hist_print(&probe_hist);
  printf(",\"arrivalHistogram\":");
  hist_print(&probe_arrival_hist);
  printf("}\n");
  fflush(stdout);
}

/* Marks every 1/fraction-th connection slow: it is never read again, so the kernel buffers fill
   and the server sees a consumer that stopped. Its receive buffer is shrunk too, which only
   caps it for good when it was opened small already (see start_connect). */
static int make_slow(double fraction) {
  int marked = 0;
  for (int i = 0; i < n_conns; i++) {
    struct conn *c = &conns[i];
    if (c->state != ST_READY || c->slow) continue;
    if (!picked(i, fraction)) continue;
    int small = SMALL_RCVBUF;
    setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    c->slow = 1;
    marked++;
  }
  return marked;
}

static void report(double now) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  int slow = 0;
  for (int i = 0; i < n_conns; i++) slow += conns[i].slow;
  printf("{\"type\":\"report\",\"open\":%d,\"reading\":%d,\"slow\":%d,\"closes\":%d,\"closeCodes\":{", open_count(), reading_count(), slow,
         closes);
  for (int i = 0; i < MAX_CLOSE_CODES && close_codes[i][1] != 0; i++) printf("%s\"%d\":%d", i ? "," : "", close_codes[i][0], close_codes[i][1]);
  printf("},\"framesTotal\":%llu,\"received\":%llu,\"gaps\":%llu,\"gapMissing\":%llu,\"dups\":%llu,\"negative\":%llu,",
         (unsigned long long)frames_total, (unsigned long long)win_received, (unsigned long long)win_gaps,
         (unsigned long long)win_gap_missing, (unsigned long long)win_dups, (unsigned long long)win_negative);
  printf("\"badFrames\":%llu,\"protocolErrors\":%llu,\"sendErrors\":%llu,\"idleMs\":%.0f,", (unsigned long long)bad_frames,
         (unsigned long long)protocol_errors, (unsigned long long)send_errors, last_frame_ms > 0 ? now - last_frame_ms : -1.0);
  printf("\"cpuUserS\":%.3f,\"cpuSysS\":%.3f,\"maxRssKb\":%ld,\"histogram\":", ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
         ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss);
  hist_print(&win_hist);
  printf(",\"holdHistogram\":");
  hist_print(&hold_hist);
  printf(",\"arrivalHistogram\":");
  hist_print(&arrival_hist);
  printf("}\n");
  fflush(stdout);
}

static void reply_error(const char *line) {
  printf("{\"type\":\"error\",\"message\":");
  json_string(line);
  printf("}\n");
  fflush(stdout);
}

/*
 * Commands, one per line; each gets exactly one JSON line back:
 *   open N PATH [FRACTION]  open N more connections → {"type":"opened",...} once all settled;
 *                           the FRACTION that `slow` would pick get a 4 KiB receive buffer
 *   window LO HI            count payload frames with seq in [LO, HI); resets the window stats
 *   interval MS             read at most every MS ms (0: at once); see the main loop
 *   slow FRACTION           stop reading that fraction of the connections → {"type":"ok","slow":K}
 *   probe N INTERVAL TOPIC  N subscribe probes, one every INTERVAL ms → {"type":"probed",...}
 *   stat                    {"type":"stat","framesTotal":..,"idleMs":..,"open":..}
 *   report                  the window's counts, histogram and this process's CPU and memory
 *   quit                    exit (so does end of input: the orchestrator is gone)
 */
static void command(char *line, double now) {
  char path[512], topic[128];
  int count;
  long long lo, hi;
  double value;
  int fields = sscanf(line, "open %d %511s %lf", &count, path, &value);
  if (fields >= 2) {
    if (opening || count < 0) {
      reply_error(line);
      return;
    }
    open_small_fraction = fields == 3 ? value : 0;
    snprintf(open_path, sizeof open_path, "%s", path);
    open_target = count;
    open_started = open_ok = open_failed = 0;
    first_error[0] = '\0';
    open_began_ms = now;
    opening = 1;
  } else if (sscanf(line, "window %lld %lld", &lo, &hi) == 2) {
    win_lo = lo;
    win_hi = hi;
    memset(&win_hist, 0, sizeof win_hist);
    memset(&hold_hist, 0, sizeof hold_hist);
    memset(&arrival_hist, 0, sizeof arrival_hist);
    win_received = win_gaps = win_gap_missing = win_dups = win_negative = 0;
    printf("{\"type\":\"ok\"}\n");
  } else if (sscanf(line, "interval %lf", &value) == 1) {
    read_interval_ms = value < 0 ? 0 : value;
    printf("{\"type\":\"ok\"}\n");
  } else if (sscanf(line, "slow %lf", &value) == 1) {
    printf("{\"type\":\"ok\",\"slow\":%d}\n", make_slow(value));
  } else if (sscanf(line, "probe %d %lf %127s", &count, &value, topic) == 3) {
    snprintf(probe_topic, sizeof probe_topic, "%s", topic);
    memset(&probe_hist, 0, sizeof probe_hist);
    memset(&probe_arrival_hist, 0, sizeof probe_arrival_hist);
    probe_count = count;
    probe_sent = probe_done = probe_timeouts = 0;
    probe_interval_ms = value;
    probe_next_ms = now;
    probe_mode = 1;
  } else if (strcmp(line, "stat") == 0) {
    printf("{\"type\":\"stat\",\"framesTotal\":%llu,\"idleMs\":%.0f,\"open\":%d}\n", (unsigned long long)frames_total,
           last_frame_ms > 0 ? now - last_frame_ms : -1.0, open_count());
  } else if (strcmp(line, "report") == 0) {
    report(now);
  } else if (strcmp(line, "quit") == 0) {
    exit(0);
  } else {
    reply_error(line);
  }
  fflush(stdout);
}

static void on_stdin(double now) {
  static char line[2048];
  static size_t len;
  ssize_t n = read(0, line + len, sizeof line - 1 - len);
  if (n <= 0) exit(0);
  len += (size_t)n;
  char *start = line, *nl;
  while ((nl = memchr(start, '\n', len - (size_t)(start - line))) != NULL) {
    *nl = '\0';
    command(start, now);
    start = nl + 1;
  }
  len -= (size_t)(start - line);
  memmove(line, start, len);
  if (len == sizeof line - 1) len = 0; /* an absurd line: drop it */
}

int main(int argc, char **argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "-p") == 0) opt_port = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "-m") == 0) opt_eio = strcmp(argv[i + 1], "eio") == 0;
    else if (strcmp(argv[i], "-r") == 0) opt_room = argv[i + 1];
    else if (strcmp(argv[i], "-c") == 0) opt_concurrency = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "-t") == 0) opt_timeout_ms = atof(argv[i + 1]);
  }
  if (opt_port <= 0 || opt_concurrency <= 0) {
    fprintf(stderr, "usage: loadgen -p PORT [-m json|eio] [-r ROOM] [-c N] [-t MS]\n");
    return 2;
  }
  conns = calloc(MAX_CONNS, sizeof *conns);
  rbuf = malloc(READ_BUF + 1);
  ep = epoll_create1(EPOLL_CLOEXEC);
  if (conns == NULL || rbuf == NULL || ep < 0) {
    perror("loadgen setup");
    return 1;
  }
  rng_state ^= (uint32_t)getpid();
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  struct epoll_event in = {.events = EPOLLIN, .data.u64 = STDIN_TAG};
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &in);
  struct epoll_event events[512];
  double last_sweep = 0, sweep_start = 0;
  for (;;) {
    /*
     * Reading each socket the moment a frame lands costs a recv (and the ACK it triggers) per
     * frame, which one core cannot do a million times a second. With an interval, sockets are
     * swept at most that often, so each recv takes every frame queued meanwhile; the latency
     * recorded then includes up to one interval of waiting in this client.
     */
    if (read_interval_ms > 0) {
      double wait_ms = sweep_start + read_interval_ms - mono_ms();
      if (wait_ms > 0) {
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(wait_ms * 1e6)};
        nanosleep(&ts, NULL);
      }
      sweep_start = mono_ms();
    }
    int timeout = read_interval_ms > 0 ? 0 : probe_mode || opening ? 1 : 20;
    int n;
    double now;
    do {
      n = epoll_wait(ep, events, 512, timeout);
      now = mono_ms();
      for (int i = 0; i < n; i++) {
        if (events[i].data.u64 == STDIN_TAG) {
          on_stdin(now);
          continue;
        }
        struct conn *c = &conns[events[i].data.u64];
        if (c->state == ST_CONNECTING) on_connected(c);
        else if (c->state != ST_CLOSED && c->state != ST_FAILED && !c->slow) on_readable(c);
      }
      timeout = 0; /* a full batch means more are ready: take them all before sleeping again */
    } while (n == 512);
    if (now - last_sweep > 50) {
      check_timeouts(now);
      last_sweep = now;
    }
    pump_open(now);
    pump_probes(now);
  }
}
