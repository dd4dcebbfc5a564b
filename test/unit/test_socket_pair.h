/* A client/server pair on the real nnet server, for the socket tests
 * (header-only, static). pair_start() listens on 127.0.0.1:0 and connects
 * one client; the server closes itself inside 'connection', so the loop
 * ends once both sockets have closed. Both sockets are retained so the
 * test can read their final properties; pair_finish() releases them. */
#ifndef TEST_SOCKET_PAIR_H
#define TEST_SOCKET_PAIR_H

#include <stdio.h>
#include <string.h>

#include "testutil.h"

typedef struct pair_s pair_t;
typedef void (*pair_hook_fn)(pair_t *p, nnet_socket_t *s);

/* Event trace of one socket: "name/readyState" items, comma separated;
 * 'close' adds ":had_error", 'error' ":CODE". Consecutive 'data' events
 * with the same readyState are one item (how the kernel splits the bytes
 * is not deterministic); data_events counts them all. */
typedef struct {
  char trace[1024];
  int counts[NNET_EV_COUNT_];
  char data[8192];
  size_t data_len;
  int data_events, string_events;
  int error_code;
  char error_name[64], error_code_name[64], error_msg[256];
  bool had_error;
} trace_t;

struct pair_s {
  uv_loop_t loop;
  nnet_server_t *srv;
  nnet_socket_t *client, *sconn;
  trace_t ct, st; /* client, server-side connection */
  nnet_server_opts_t sopts;
  nnet_socket_opts_t copts;   /* client socket options (loop is set) */
  pair_hook_fn on_sconn;      /* inside 'connection', after tracing starts */
  pair_hook_fn on_client;     /* client created, before it connects */
  pair_hook_fn on_connecting; /* right after connect() returned */
  void *user;
  int port;
  int connections;
};

static inline void trace_add(trace_t *t, const char *item) {
  size_t n = strlen(t->trace);
  snprintf(t->trace + n, sizeof(t->trace) - n, "%s%s", n ? "," : "", item);
}

static inline void trace_fn(const nnet_event_t *ev, void *ctx) {
  trace_t *t = ctx;
  nnet_socket_t *s = ev->target;
  char item[128];
  t->counts[ev->type]++;
  const char *name = nnet_event_name(ev->type);
  const char *rs = nnet_socket_ready_state(s);
  if (ev->type == NNET_EV_DATA) {
    size_t n = ev->u.data.len;
    t->data_events++;
    if (ev->u.data.is_string) t->string_events++;
    if (t->data_len + n > sizeof(t->data)) n = sizeof(t->data) - t->data_len;
    memcpy(t->data + t->data_len, ev->u.data.base, n);
    t->data_len += n;
    snprintf(item, sizeof item, "%s/%s", name, rs);
    size_t il = strlen(item), tl = strlen(t->trace);
    if (tl >= il && strcmp(t->trace + tl - il, item) == 0 &&
        (tl == il || t->trace[tl - il - 1] == ','))
      return;
  } else if (ev->type == NNET_EV_CLOSE) {
    t->had_error = ev->u.close.had_error;
    /* Node's hadError: undefined when 'close' comes without it. */
    snprintf(item, sizeof item, "%s:%s/%s", name,
             !ev->u.close.has_had_error ? "undefined"
             : ev->u.close.had_error    ? "true"
                                        : "false",
             rs);
  } else if (ev->type == NNET_EV_ERROR) {
    const nnet_error_t *e = ev->u.error;
    t->error_code = e->code;
    snprintf(t->error_name, sizeof t->error_name, "%s", e->name);
    snprintf(t->error_code_name, sizeof t->error_code_name, "%s", e->code_name);
    snprintf(t->error_msg, sizeof t->error_msg, "%s", e->message);
    snprintf(item, sizeof item, "%s:%s/%s", name, e->code_name, rs);
  } else {
    snprintf(item, sizeof item, "%s/%s", name, rs);
  }
  trace_add(t, item);
}

/* Traces every event of s into t (listeners added first, so they run
 * before the test's own). */
static inline void trace_socket(nnet_socket_t *s, trace_t *t) {
  memset(t, 0, sizeof(*t));
  for (int e = 0; e < NNET_EV_COUNT_; e++)
    nnet_socket_on(s, (nnet_event_type_t)e, trace_fn, t);
}

/* Data received so far, as a C string (tests send text). */
static inline const char *trace_text(trace_t *t) {
  size_t n =
      t->data_len < sizeof(t->data) - 1 ? t->data_len : sizeof(t->data) - 1;
  t->data[n] = 0;
  return t->data;
}

static inline void pair_on_connection(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  p->connections++;
  ck_assert_ptr_null(p->sconn);
  p->sconn = s;
  nnet_socket_retain(s);
  trace_socket(s, &p->st);
  ck_assert_int_eq(nnet_server_close(p->srv, NULL, NULL), 0);
  if (p->on_sconn) p->on_sconn(p, s);
}

static inline void pair_on_listening(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(p->srv, &sa), 0);
  p->port = sa.port;
  ck_assert_int_eq(nnet_socket_new(&p->copts, &p->client), 0);
  nnet_socket_retain(p->client);
  trace_socket(p->client, &p->ct);
  if (p->on_client) p->on_client(p, p->client);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = p->port;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_socket_connect(p->client, &o, NULL, NULL), 0);
  if (p->on_connecting) p->on_connecting(p, p->client);
}

/* Options: fill p->sopts / p->copts after pair_init, before pair_start. */
static inline void pair_init(pair_t *p) {
  memset(p, 0, sizeof(*p));
  ck_assert_int_eq(uv_loop_init(&p->loop), 0);
  nnet_server_opts_init(&p->sopts);
  p->sopts.loop = &p->loop;
  nnet_socket_opts_init(&p->copts);
  p->copts.loop = &p->loop;
}

static inline void pair_start(pair_t *p) {
  ck_assert_int_eq(
      nnet_create_server(&p->sopts, pair_on_connection, p, &p->srv), 0);
  ck_assert_int_eq(nnet_server_listen_tcp(p->srv, 0, "127.0.0.1"), 0);
  ck_assert_int_eq(
      nnet_server_once(p->srv, NNET_EV_LISTENING, pair_on_listening, p), 0);
}

/* Run until everything closed (watchdog: 10 s). */
static inline void pair_run(pair_t *p) {
  nnet_test_run(&p->loop, 10000);
}

static inline void pair_finish(pair_t *p) {
  if (p->client) nnet_socket_release(p->client);
  if (p->sconn) nnet_socket_release(p->sconn);
  p->client = p->sconn = NULL;
  uv_run(&p->loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&p->loop), 0);
}

#endif
