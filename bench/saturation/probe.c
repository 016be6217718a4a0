/*
 * Machine probe: the two costs of this machine that set the saturation figures more than any
 * server's code does, measured in C so no runtime stands between them and the kernel.
 *
 *  send   One loopback TCP send of a FRAME-byte WebSocket frame to each of SOCKETS connected
 *         sockets, as a server's fan-out pass does, while a reader process on the other CPU
 *         waits for them in epoll as the bench's clients do (on loopback the sender's send(2)
 *         also delivers the segment and wakes that reader). Microseconds per send, median of
 *         ROUNDS passes GAP_MS apart, so the reader has drained and fallen asleep before each.
 *         Also a pass whose sends carry BATCH frames at once, as uWS does when it corks the
 *         frames of one loop turn into one send: its cost per frame is why a corking server
 *         outruns one that sends every frame.
 *  relay  One small message through a second process and back (parent -> child -> parent, each
 *         side asleep in read(2) until it arrives, the two processes on different CPUs when
 *         there are two): the floor of any hop through another process, such as a message bus.
 *         HOPS samples, GAP_MS apart so both sides are idle, as at 20 publishes/s; p50 and p99.
 *
 * Compiled and run by bench/saturation/machine-probe.ts. Prints one JSON line.
 * Usage: probe SOCKETS FRAME ROUNDS BATCH HOPS GAP_MS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "probe: %s: %s\n", what, strerror(errno));
  exit(1);
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The q-quantile of n sorted values (nearest rank). */
static double quantile(const double *sorted, int n, double q) {
  int i = (int)(q * n + 0.999999) - 1;
  if (i < 0) i = 0;
  if (i >= n) i = n - 1;
  return sorted[i];
}

static int listener(struct sockaddr_in *addr) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  memset(addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr->sin_port = 0; /* the kernel picks a free port */
  if (bind(fd, (struct sockaddr *)addr, sizeof *addr) < 0) die("bind");
  if (listen(fd, 4096) < 0) die("listen");
  socklen_t len = sizeof *addr;
  if (getsockname(fd, (struct sockaddr *)addr, &len) < 0) die("getsockname");
  return fd;
}

/* One connected pair: *client is the connecting end, the accepted end is returned. */
static int connected_pair(int lfd, const struct sockaddr_in *addr, int *client) {
  *client = socket(AF_INET, SOCK_STREAM, 0);
  if (*client < 0) die("socket");
  if (connect(*client, (const struct sockaddr *)addr, sizeof *addr) < 0) die("connect");
  int server = accept(lfd, NULL, NULL);
  if (server < 0) die("accept");
  int one = 1;
  setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(*client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return server;
}

static void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set); /* best effort: the probe still measures unpinned */
}

/*
 * Forks a helper process: returns its pid in the probe and 0 in the helper, which is on CPU 1
 * when there are two and dies with the probe however the probe ends (die(), a timeout's SIGTERM).
 */
static pid_t fork_helper(int two_cpus) {
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) _exit(1);
    if (two_cpus) pin(1);
  }
  return pid;
}

static void stop_helper(pid_t pid) {
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
}

/* Median nanoseconds per send over `rounds` passes of one `bytes`-long send to each socket. */
static double send_pass_ns(const int *servers, int n, const char *buf, size_t bytes, int rounds, const struct timespec *gap) {
  double *per_send = malloc(sizeof(double) * (size_t)rounds);
  if (per_send == NULL) die("malloc");
  for (int r = 0; r < rounds; r++) {
    nanosleep(gap, NULL);
    double t0 = now_ns();
    for (int i = 0; i < n; i++) {
      if (send(servers[i], buf, bytes, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)bytes) die("send");
    }
    per_send[r] = (now_ns() - t0) / n;
  }
  qsort(per_send, (size_t)rounds, sizeof(double), cmp_double);
  double median = quantile(per_send, rounds, 0.5);
  free(per_send);
  return median;
}

/* The clients: one epoll loop reading every socket as soon as data lands, until killed. */
static void reader_child(const int *clients, int n) {
  static char sink[1 << 16];
  int ep = epoll_create1(0);
  if (ep < 0) _exit(1);
  for (int i = 0; i < n; i++) {
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = clients[i]};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, clients[i], &ev) < 0) _exit(1);
  }
  struct epoll_event ready[256];
  for (;;) {
    int k = epoll_wait(ep, ready, 256, -1);
    for (int j = 0; j < k; j++) {
      while (recv(ready[j].data.fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
      }
    }
  }
}

static void relay_child(int in, int out) {
  char b[64];
  for (;;) {
    ssize_t got = read(in, b, sizeof b);
    if (got <= 0) _exit(0);
    if (write(out, b, (size_t)got) != got) _exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: probe SOCKETS FRAME ROUNDS BATCH HOPS GAP_MS\n");
    return 2;
  }
  int n = atoi(argv[1]), frame = atoi(argv[2]), rounds = atoi(argv[3]), batch = atoi(argv[4]);
  int hops = atoi(argv[5]), gap_ms = atoi(argv[6]);
  if (n < 1 || n > 19000 || frame < 1 || frame > 4096 || rounds < 1 || batch < 1 || batch > 64 || hops < 1 ||
      gap_ms < 0) {
    fprintf(stderr, "probe: arguments out of range\n");
    return 2;
  }
  int two_cpus = sysconf(_SC_NPROCESSORS_ONLN) >= 2;
  if (two_cpus) pin(0);

  struct sockaddr_in addr;
  int lfd = listener(&addr);
  int *servers = malloc(sizeof(int) * (size_t)n), *clients = malloc(sizeof(int) * (size_t)n);
  char *buf = malloc((size_t)frame * (size_t)batch);
  if (servers == NULL || clients == NULL || buf == NULL) die("malloc");
  memset(buf, 'x', (size_t)frame * (size_t)batch);
  for (int i = 0; i < n; i++) servers[i] = connected_pair(lfd, &addr, &clients[i]);
  struct timespec gap = {gap_ms / 1000, (long)(gap_ms % 1000) * 1000000L};
  pid_t reader = fork_helper(two_cpus);
  if (reader == 0) reader_child(clients, n);
  send_pass_ns(servers, n, buf, (size_t)frame, 3, &gap); /* warm the paths, untimed */
  double one = send_pass_ns(servers, n, buf, (size_t)frame, rounds, &gap);
  double corked = send_pass_ns(servers, n, buf, (size_t)frame * (size_t)batch, rounds, &gap);
  stop_helper(reader);
  for (int i = 0; i < n; i++) {
    close(servers[i]);
    close(clients[i]);
  }

  int to_child_c, to_child = connected_pair(lfd, &addr, &to_child_c);
  int from_child_c, from_child = connected_pair(lfd, &addr, &from_child_c);
  pid_t relay = fork_helper(two_cpus);
  if (relay == 0) relay_child(to_child_c, from_child);
  double *hop_ns = malloc(sizeof(double) * (size_t)hops);
  if (hop_ns == NULL) die("malloc");
  char b[8] = "ping....";
  for (int i = 0; i < hops; i++) {
    nanosleep(&gap, NULL);
    double t0 = now_ns();
    if (write(to_child, b, sizeof b) != (ssize_t)sizeof b) die("write");
    size_t got = 0;
    while (got < sizeof b) {
      ssize_t r = read(from_child_c, b + got, sizeof b - got);
      if (r <= 0) die("read");
      got += (size_t)r;
    }
    hop_ns[i] = now_ns() - t0;
  }
  stop_helper(relay);
  qsort(hop_ns, (size_t)hops, sizeof(double), cmp_double);

  printf("{\"sockets\":%d,\"frameBytes\":%d,\"rounds\":%d,\"batch\":%d,\"sendUs\":%.3f,\"corkedSendUs\":%.3f,"
         "\"corkedPerFrameUs\":%.3f,\"hops\":%d,\"gapMs\":%d,\"relayP50Us\":%.1f,\"relayP99Us\":%.1f,\"twoCpus\":%s}\n",
         n, frame, rounds, batch, one / 1e3, corked / 1e3, corked / batch / 1e3, hops, gap_ms,
         quantile(hop_ns, hops, 0.5) / 1e3, quantile(hop_ns, hops, 0.99) / 1e3, two_cpus ? "true" : "false");
  return 0;
}
