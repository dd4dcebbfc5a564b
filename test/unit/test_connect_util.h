/* Helpers for test_connect_*.c: raw loopback listeners (working, refusing,
 * blackholed), a custom lookup answering a fixed list, an event recorder
 * and an fd counter. */
#ifndef NNET_TEST_CONNECT_UTIL_H
#define NNET_TEST_CONNECT_UTIL_H

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"

static inline int cu_fd_count(void) {
  int n = 0;
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL) return -1;
  while (readdir(d)) n++;
  closedir(d);
  return n;
}

/* A listener on ip:port (port 0: any). backlog 0 plus one queued
 * connection that is never accepted = a full accept queue: Linux then
 * drops SYNs, so connects to it hang (a blackhole). Returns the port. */
typedef struct {
  int lfd, filler;
} cu_listener_t;

static inline int cu_listen(cu_listener_t *l, const char *ip, int port,
                            int blackhole) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  inet_pton(AF_INET, ip, &sa.sin_addr);
  l->filler = -1;
  l->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(l->lfd, 0);
  int one = 1;
  setsockopt(l->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(l->lfd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    /* A given port can be taken on this address by another process:
     * the caller picks another pair (cu_listen_pair). */
    ck_assert_int_ne(port, 0);
    close(l->lfd);
    return -1;
  }
  ck_assert_int_eq(listen(l->lfd, blackhole ? 0 : 64), 0);
  socklen_t len = sizeof sa;
  getsockname(l->lfd, (struct sockaddr *)&sa, &len);
  if (blackhole) {
    l->filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_eq(connect(l->filler, (struct sockaddr *)&sa, sizeof sa), 0);
  }
  return ntohs(sa.sin_port);
}

/* Two listeners on one port at two addresses (a: any free port; b: the
 * same port, which may be taken there: retried with another port). */
static inline void cu_close(cu_listener_t *l);
static inline int cu_listen_pair(cu_listener_t *a, const char *ipa, int bha,
                                 cu_listener_t *b, const char *ipb, int bhb) {
  for (int i = 0; i < 100; i++) {
    int port = cu_listen(a, ipa, 0, bha);
    if (cu_listen(b, ipb, port, bhb) == port) return port;
    cu_close(a);
  }
  ck_abort_msg("no port free on both %s and %s", ipa, ipb);
  return -1;
}

/* Frees the accept queue of a blackhole: the next SYN retransmission
 * (about 1 s later) completes. */
static inline void cu_unblock(cu_listener_t *l) {
  int fd = accept(l->lfd, NULL, NULL);
  if (fd >= 0) close(fd);
}

static inline void cu_close(cu_listener_t *l) {
  if (l->filler >= 0) close(l->filler);
  close(l->lfd);
}

/* A custom lookup answering the NULL-terminated list in ctx. */
static inline void cu_lookup(const char *host, int family, int hints, bool all,
                             void *req, nnet_lookup_done_fn done, void *ctx) {
  (void)host, (void)family, (void)hints, (void)all;
  const char *const *list = ctx;
  size_t n = 0;
  while (list[n]) n++;
  done(req, 0, list, NULL, n);
}

/* Records every event as "name[:address]" and the last error. */
typedef struct {
  char trace[2048];
  int errors, closes, connects;
  int err_code;
  char err_code_name[64], err_name[32], err_msg[256];
  size_t n_parts;
  int part_codes[8];
  char connected_to[64];
} cu_rec_t;

static inline void cu_rec_fn(const nnet_event_t *ev, void *ctx) {
  cu_rec_t *r = ctx;
  char item[128];
  const char *name = nnet_event_name(ev->type);
  switch (ev->type) {
    case NNET_EV_CONNECTION_ATTEMPT:
    case NNET_EV_CONNECTION_ATTEMPT_FAILED:
    case NNET_EV_CONNECTION_ATTEMPT_TIMEOUT:
      snprintf(item, sizeof item, "%s:%s", name, ev->u.attempt.address);
      break;
    case NNET_EV_LOOKUP:
      snprintf(item, sizeof item, "%s:%s", name,
               ev->u.lookup.err ? ev->u.lookup.err->code_name
                                : ev->u.lookup.address);
      break;
    default:
      snprintf(item, sizeof item, "%s", name);
  }
  if (r->trace[0]) strcat(r->trace, ",");
  strcat(r->trace, item);
  if (ev->type == NNET_EV_ERROR) {
    const nnet_error_t *e = ev->u.error;
    r->errors++;
    r->err_code = e->code;
    snprintf(r->err_code_name, sizeof r->err_code_name, "%s", e->code_name);
    snprintf(r->err_name, sizeof r->err_name, "%s", e->name);
    snprintf(r->err_msg, sizeof r->err_msg, "%s", e->message);
    r->n_parts = e->n_errors;
    for (size_t i = 0; i < e->n_errors && i < 8; i++)
      r->part_codes[i] = e->errors[i].code;
  }
  if (ev->type == NNET_EV_CLOSE) r->closes++;
  if (ev->type == NNET_EV_CONNECT) {
    r->connects++;
    nnet_socketaddress_t sa;
    if (nnet_socket_remote_address(ev->target, &sa) == 0)
      snprintf(r->connected_to, sizeof r->connected_to, "%s", sa.address);
    nnet_socket_destroy(ev->target, 0);
  }
}

static inline void cu_rec(nnet_socket_t *s, cu_rec_t *r) {
  memset(r, 0, sizeof *r);
  static const nnet_event_type_t types[] = {NNET_EV_LOOKUP,
                                            NNET_EV_CONNECTION_ATTEMPT,
                                            NNET_EV_CONNECTION_ATTEMPT_FAILED,
                                            NNET_EV_CONNECTION_ATTEMPT_TIMEOUT,
                                            NNET_EV_CONNECT,
                                            NNET_EV_ERROR,
                                            NNET_EV_CLOSE};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    nnet_socket_on(s, types[i], cu_rec_fn, r);
}

#endif
