/* echo_conn: what the reliability suite's two echo servers share (echosrv,
 * and transfersrv's loops): the echo of one connection and its counters,
 * the count of the library's allocations, the common options and the
 * listening line the scripts read the port from.
 *
 * The echo applies backpressure (pause when write() returns 0, resume on
 * 'drain'); with allowHalfOpen false the client's FIN ends it after the
 * queued bytes. It checks per connection: exactly one 'close', at most one
 * 'error' and none after 'close', every write callback exactly once. */
#ifndef NNET_FAULTS_ECHO_CONN_H
#define NNET_FAULTS_ECHO_CONN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <nodenet.h>

/* The echo's counters by name, in the order transfersrv prints them. */
/* clang-format off */
#define ECHO_STATS(X)                                                        \
  X(closed) X(live) X(errors) X(err_reset) X(err_pipe) X(err_other)          \
  X(double_close) X(double_error) X(error_after_close) X(writes)             \
  X(write_cbs) X(write_cb_errors) X(cb_mismatch) X(bytes)
/* clang-format on */

typedef struct echo_conn_s echo_conn_t;

/* One loop's echo. The counters are written on that loop's thread only;
 * atomics so that transfersrv's SIGUSR1 can print them from the main
 * thread at any time. */
typedef struct {
#define ECHO_FIELD(n) _Atomic uint64_t n;
  ECHO_STATS(ECHO_FIELD)
#undef ECHO_FIELD
  char who[40]; /* messages' prefix: "echosrv", "transfersrv: loop 2" */
  bool verbose; /* every connection's error on stderr */
  /* Optional: the connection's one 'close', just before its record is
   * freed (transfersrv unlinks it from the loop's list). */
  void (*on_closed)(echo_conn_t *c);
} echo_loop_t;

/* The head of a connection's record; a program may extend it (a struct
 * whose first member is an echo_conn_t): echo_conn_start() allocates the
 * whole record and 'close' frees it. */
/* 24 bytes: echosrv's record per connection stays a 32-B malloc chunk, the
 * figure the reliability scale suite reports it with. */
struct echo_conn_s {
  echo_loop_t *el;
  unsigned writes, write_cbs, errors, closes;
};

/* Echoes s on el with a zeroed record of size bytes (>= sizeof
 * (echo_conn_t)). NULL when out of memory: s is destroyed, nothing
 * counted. */
echo_conn_t *echo_conn_start(echo_loop_t *el, nnet_socket_t *s, size_t size);

/* The library's allocations, counted through its allocator hook: blocks
 * and bytes it holds right now (atomics: every thread allocates). */
extern _Atomic int64_t echo_lib_blocks, echo_lib_bytes;

/* The options both servers take. */
typedef struct {
  int port; /* -1: no TCP listener */
  int backlog;
  const char *path; /* NULL: no Unix socket */
  double hwm;
  bool verbose;
} echo_opts_t;
#define ECHO_OPTS_INIT \
  { -1, 511, NULL, 16384, false }

/* The program's own options: takes argv[*i] (a; v, the next argument, or
 * NULL) when it is one with a valid value, moving *i past the value. */
typedef bool (*echo_own_opt_fn)(const char *a, const char *v, int *i);

/* Parses the command line: -h/--help (usage on stdout), the shared options
 * (-v, --port N, --unix PATH, --hwm BYTES, --backlog N), then own's. -1 to
 * go on; else the exit status: 0 after --help, 2 on a bad option or when
 * neither --port nor --unix is given (usage on stderr). */
int echo_parse(echo_opts_t *o, int argc, char **argv, const char *prog,
               void (*usage)(FILE *), echo_own_opt_fn own);

/* Line-buffered stdout (the scripts read it live), SIGPIPE ignored, the
 * counting allocator installed; prog names the listening lines. */
void echo_process_init(const char *prog);

/* Listens on 127.0.0.1:port, or on the Unix socket path when path is set
 * (a stale file unlinked first), and once bound prints "PROG: listening
 * port=N" or "PROG: listening unix=PATH". */
int echo_listen(nnet_server_t *srv, int port, const char *path, int backlog);

#endif
