/* What Node's test/common gives its net tests, for their C ports.
 *
 * Each test/node/test-*.c is one Node test file translated step by step. It
 * is a program: main() calls nt_init(), sets up, and returns nt_finish(),
 * which runs the default loop until nothing is left (Node's process exit),
 * checks every call count, and requires uv_loop_close() == 0.
 *
 *   common.mustCall(fn, n)   NT_MUST_CALL("what", n), NT_HIT(counter) in fn
 *   common.mustCallAtLeast   NT_MUST_CALL_AT_LEAST("what", n)
 *   common.mustNotCall()     nt_must_not_call (a listener) or NT_FAIL()
 *   common.mustSucceed       NT_OK(rc)
 *   common.PIPE              nt_pipe_path()
 *   process.nextTick / setImmediate / setTimeout
 *                            nnet_next_tick / nnet_set_immediate /
 * nt_set_timeout
 *
 * A failed assertion prints file:line and exits 1; an 'error' nobody listens
 * for (Node: an uncaught exception) fails the test too; a test still
 * running after NT_TIMEOUT_S seconds (default 60) fails. */
#ifndef NNET_NODE_COMMON_H
#define NNET_NODE_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodenet.h"

typedef struct nt_count_s {
  const char *what;
  const char *file;
  int line;
  int expected; /* exact count, or -1 with min set */
  int min;
  int calls;
  struct nt_count_s *next;
} nt_count_t;

void nt_init(void);
int nt_finish(void);

nt_count_t *nt_must_call_at(const char *what, int n, int min, const char *file,
                            int line);
#define NT_MUST_CALL(what, n) nt_must_call_at(what, n, 0, __FILE__, __LINE__)
#define NT_MUST_CALL_AT_LEAST(what, n) \
  nt_must_call_at(what, -1, n, __FILE__, __LINE__)
#define NT_MUST_NOT_CALL(what) nt_must_call_at(what, 0, 0, __FILE__, __LINE__)
void nt_hit_at(nt_count_t *c, const char *file, int line);
#define NT_HIT(c) nt_hit_at((c), __FILE__, __LINE__)

/* A listener that fails the test when called; ctx: a description. */
void nt_must_not_call(const nnet_event_t *ev, void *ctx);

_Noreturn void nt_fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define NT_FAIL(...) nt_fail_at(__FILE__, __LINE__, __VA_ARGS__)
#define NT_ASSERT(c) \
  ((c) ? (void)0 : nt_fail_at(__FILE__, __LINE__, "assert(%s)", #c))
#define NT_EQ(a, b)                                                        \
  do {                                                                     \
    long long a_ = (long long)(a), b_ = (long long)(b);                    \
    if (a_ != b_)                                                          \
      nt_fail_at(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, \
                 b_);                                                      \
  } while (0)
#define NT_STREQ(a, b)                                                     \
  do {                                                                     \
    const char *a_ = (a), *b_ = (b);                                       \
    if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)                   \
      nt_fail_at(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
                 a_ ? a_ : "(null)", b_ ? b_ : "(null)");                  \
  } while (0)
/* common.mustSucceed / assert.ifError: rc must be >= 0. */
#define NT_OK(rc)                                                        \
  do {                                                                   \
    long long r_ = (long long)(rc);                                      \
    if (r_ < 0)                                                          \
      nt_fail_at(__FILE__, __LINE__, "%s failed: %lld %s", #rc, r_,      \
                 nnet_err_name((int)r_) ? nnet_err_name((int)r_) : "?"); \
  } while (0)
/* A returned (thrown) error: rc must be exactly the code. */
#define NT_ERR(rc, code) NT_EQ(rc, code)
/* An error payload: err.code and err.message as Node prints them. */
void nt_expect_error_at(const nnet_error_t *e, const char *code_name,
                        const char *message, const char *file, int line);
#define NT_EXPECT_ERROR(e, code_name, message) \
  nt_expect_error_at(e, code_name, message, __FILE__, __LINE__)

/* common.PIPE: a Unix socket path in a temp dir removed at exit. */
const char *nt_pipe_path(void);
/* A temp dir (created once, removed at exit). */
const char *nt_tmpdir(void);

/* server.address().port of a listening TCP server (fails the test if none). */
int nt_server_port(const nnet_server_t *srv);
/* socket.address() / remoteAddress helpers that fail when absent. */

/* setTimeout(fn, ms) on the default loop: a one-shot timer, closed after
 * it fires (or by nt_clear_timeout). unref: does not keep the loop alive. */
typedef struct nt_timer_s nt_timer_t;
nt_timer_t *nt_set_timeout(void (*fn)(void *ctx), void *ctx, uint64_t ms);
void nt_clear_timeout(nt_timer_t *t);
void nt_timer_unref(nt_timer_t *t);

/* The C stand-in for spying on Node's socket._handle: the descriptor of
 * this process's TCP socket bound to local_port and connected to
 * remote_port (fails the test when there is none), and an int socket
 * option read from the kernel. */
int nt_fd_by_ports(int local_port, int remote_port);
int nt_sockopt(int fd, int level, int name);

/* The default loop (every port uses it, as Node has one loop). */
#define NT_LOOP uv_default_loop()

#endif
