/* Shared by the connect twins (lookup_event_seq, attempted_addresses,
 * autoselect_sequential): a custom lookup answering a fixed list, the
 * per-run listeners those scenarios attach, a raw blackhole listener and
 * q(socket.autoSelectFamilyAttemptedAddresses). Test code. */
#ifndef NNET_CONF_CONNECT_H
#define NNET_CONF_CONNECT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "trace.h"

/* One run: its name, the lookup's answer (n < 0: ENOTFOUND). */
typedef struct {
  const char *name;
  const char *ips[6];
  int fams[6];
  int n;
} cc_run_t;

static const cc_run_t *cc_cur;

/* The JS `lookup` option: logs how it was called, answers the list. */
static inline void cc_lookup(const char *host, int family, int hints, bool all,
                             void *req, nnet_lookup_done_fn done, void *ctx) {
  (void)ctx;
  tr_log("client", "%s lookup-called %s %d %d %s", cc_cur->name, tr_q(host),
         family, hints, tr_bool(all));
  if (cc_cur->n < 0) {
    nnet_error_t e;
    memset(&e, 0, sizeof(e));
    e.code = UV_EAI_NONAME;
    e.name = "Error";
    e.code_name = "ENOTFOUND";
    e.message = "getaddrinfo ENOTFOUND x.test";
    e.syscall = "getaddrinfo";
    e.port = -1;
    nnet_lookup_fail(req, &e);
    return;
  }
  /* all=false: Node's lookup answers one (address, family). */
  done(req, 0, cc_cur->ips, cc_cur->fams, all ? (size_t)cc_cur->n : 1);
}

/* q(socket.autoSelectFamilyAttemptedAddresses): undefined when empty (the
 * C API has no separate "[]"; Node's [] only shows inside the first
 * 'connectionAttempt' listener, which these scenarios do not print). */
static inline const char *cc_attempted(const nnet_socket_t *s) {
  size_t n = nnet_socket_attempted_address_count(s);
  if (n == 0) return "undefined";
  const char *list = "[";
  for (size_t i = 0; i < n; i++)
    list = tr_fmt("%s%s%s", list, i ? "," : "",
                  tr_q(nnet_socket_attempted_address(s, i)));
  return tr_fmt("%s]", list);
}

static inline void cc_on_attempt(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  const char *what = ev->type == NNET_EV_CONNECTION_ATTEMPT
                         ? "connectionAttempt"
                     : ev->type == NNET_EV_CONNECTION_ATTEMPT_FAILED
                         ? "connectionAttemptFailed"
                         : "connectionAttemptTimeout";
  if (ev->type == NNET_EV_CONNECTION_ATTEMPT_FAILED)
    tr_log("client", "%s %s %s %d %d %s", cc_cur->name, what,
           ev->u.attempt.address, ev->u.attempt.port, ev->u.attempt.family,
           tr_err(ev->u.attempt.err));
  else
    tr_log("client", "%s %s %s %d %d", cc_cur->name, what,
           ev->u.attempt.address, ev->u.attempt.port, ev->u.attempt.family);
}

static inline void cc_on_error(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  const nnet_error_t *e = ev->u.error;
  tr_log("client", "%s error %s", cc_cur->name, tr_err(e));
  for (size_t i = 0; i < e->n_errors; i++)
    tr_log("client", "%s error-part %s", cc_cur->name, tr_err(&e->errors[i]));
}

/* The attempt listeners and 'error' on s. */
static inline void cc_watch(nnet_socket_t *s) {
  nnet_socket_on(s, NNET_EV_CONNECTION_ATTEMPT, cc_on_attempt, NULL);
  nnet_socket_on(s, NNET_EV_CONNECTION_ATTEMPT_FAILED, cc_on_attempt, NULL);
  nnet_socket_on(s, NNET_EV_CONNECTION_ATTEMPT_TIMEOUT, cc_on_attempt, NULL);
  nnet_socket_on(s, NNET_EV_ERROR, cc_on_error, NULL);
}

/* A listener on ip:port whose accept queue is full (backlog 0 plus one
 * connection never accepted): Linux drops further SYNs, so connecting to
 * it neither succeeds nor fails. Exits 97 if it cannot be made. */
typedef struct {
  int lfd, filler;
} cc_hole_t;

static inline void cc_hole_open(cc_hole_t *h, const char *ip, int port) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  inet_pton(AF_INET, ip, &sa.sin_addr);
  h->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  h->filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (h->lfd < 0 || h->filler < 0 ||
      bind(h->lfd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      listen(h->lfd, 0) != 0 ||
      connect(h->filler, (struct sockaddr *)&sa, sizeof sa) != 0) {
    tr_log("main", "BLACKHOLE-FAILED");
    tr_exit(97);
  }
}

static inline void cc_hole_close(cc_hole_t *h) {
  close(h->filler);
  close(h->lfd);
}

/* The server every connect scenario dials: 127.0.0.1:PORT, ending each
 * connection at once. cc_serve() runs a scenario: first() is called once the
 * server listens (cc_port set and labelled PORT); the scenario closes
 * cc_server after its last run. Returns the twin's exit status. */
static nnet_server_t *cc_server;
static int cc_port;
static void (*cc_first)(void);

static inline void cc_end_connection(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL);
}

static inline void cc_listening(const nnet_event_t *ev, void *ctx) {
  (void)ev, (void)ctx;
  cc_port = tr_server_port(cc_server);
  tr_label_port(cc_port);
  cc_first();
}

static inline int cc_serve(void (*first)(void)) {
  tr_init();
  cc_first = first;
  cc_server = tr_create_server(NULL, cc_end_connection, NULL);
  tr_listen(cc_server, 0, "127.0.0.1", cc_listening, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}

#endif
