/* Node: test/parallel/test-net-autoselectfamily.js
 * autoSelectFamily with a mocked lookup (::1 and 127.0.0.1 on loopback):
 * falls back to IPv4 when nothing listens on ::1 and lists both attempts;
 * stays on ::1 when it answers; every attempt refused gives an
 * AggregateError with one error per attempt; autoSelectFamily false fails
 * on ::1 alone. Left out: the case whose lookup answers public Internet
 * addresses (2606:4700::…, 104.20.…) to check the v6/v4 interleaving;
 * ports may only reach loopback. */
#include "common.h"

/* Node's test/common/dns createMockedLookup(): answers on the next tick,
 * every address when `all` is asked, else the first one. */
typedef struct {
  const char *const *addrs;
  size_t n;
} mock_t;

typedef struct {
  const mock_t *mock;
  bool all;
  void *req;
  nnet_lookup_done_fn done;
} mock_req_t;

static void mock_answer(void *ctx) {
  mock_req_t *r = ctx;
  r->done(r->req, 0, r->mock->addrs, NULL, r->all ? r->mock->n : 1);
  free(r);
}

static void mocked_lookup(const char *host, int family, int hints, bool all,
                          void *req, nnet_lookup_done_fn done, void *ctx) {
  mock_req_t *r = malloc(sizeof(*r));
  NT_ASSERT(r != NULL);
  *r = (mock_req_t){ctx, all, req, done};
  NT_OK(nnet_next_tick(NT_LOOP, mock_answer, r));
}

static const char *const v6_then_v4[] = {"::1", "127.0.0.1"};
static const mock_t mock = {v6_then_v4, 2};
static unsigned attempt_timeout;

/* One block of the Node test. */
typedef struct {
  const char *name;
  int auto_select; /* 1 or 0 */
  const char *expect_response;
  nnet_server_t *server4, *server6;
  int port;
  nnet_socket_t *conn;
  char response[64];
  size_t response_len;
  nt_count_t *conns4, *data4, *conns6, *data6, *listens, *readys, *ends,
      *errors;
} block_t;

static block_t b_fallback = {.name = "v4 fallback",
                             .auto_select = 1,
                             .expect_response = "response-ipv4"};
static block_t b_v6 = {
    .name = "v6 answers", .auto_select = 1, .expect_response = "response-ipv6"};
static block_t b_refused = {.name = "all refused", .auto_select = 1};
static block_t b_off = {.name = "autoSelectFamily false", .auto_select = 0};

static void srv4_on_data(const nnet_event_t *ev, void *ctx) {
  block_t *b = ctx;
  NT_HIT(b->data4);
  NT_ASSERT(nnet_socket_write(ev->target, "response-ipv4", 13, NULL, NULL) >=
            0);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void srv6_on_data(const nnet_event_t *ev, void *ctx) {
  block_t *b = ctx;
  NT_HIT(b->data6);
  NT_ASSERT(nnet_socket_write(ev->target, "response-ipv6", 13, NULL, NULL) >=
            0);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_connection4(const nnet_event_t *ev, void *ctx) {
  block_t *b = ctx;
  if (b->conns4) NT_HIT(b->conns4);
  NT_OK(nnet_socket_on(ev->u.connection.socket, NNET_EV_DATA, srv4_on_data, b));
}

static void on_connection6(const nnet_event_t *ev, void *ctx) {
  block_t *b = ctx;
  NT_HIT(b->conns6);
  NT_OK(nnet_socket_on(ev->u.connection.socket, NNET_EV_DATA, srv6_on_data, b));
}

static void close_servers(block_t *b) {
  if (b->server4) NT_OK(nnet_server_close(b->server4, NULL, NULL));
  if (b->server6) NT_OK(nnet_server_close(b->server6, NULL, NULL));
}

static void expect_attempts(const nnet_socket_t *s, const char *a0,
                            const char *a1, int port) {
  char want[64];
  size_t n = (a0 != NULL) + (a1 != NULL);
  NT_EQ(nnet_socket_attempted_address_count(s), n);
  if (a0) {
    snprintf(want, sizeof(want), "%s:%d", a0, port);
    NT_STREQ(nnet_socket_attempted_address(s, 0), want);
  }
  if (a1) {
    snprintf(want, sizeof(want), "%s:%d", a1, port);
    NT_STREQ(nnet_socket_attempted_address(s, 1), want);
  }
  NT_ASSERT(nnet_socket_attempted_address(s, n) == NULL);
}

static void client_on_ready(const nnet_event_t *ev, void *ctx) {
  block_t *b = ctx;
  NT_HIT(b->readys);
  if (b == &b_fallback)
    expect_attempts(ev->target, "::1", "127.0.0.1", b->port);
  else
    expect_attempts(ev->target, "::1", NULL, b->port);
}

static void client_on_data(const nnet_event_t *ev, void *ctx) {
  block_t *b = ctx;
  NT_ASSERT(ev->u.data.is_string);
  NT_ASSERT(b->response_len + ev->u.data.len < sizeof(b->response));
  memcpy(b->response + b->response_len, ev->u.data.base, ev->u.data.len);
  b->response_len += ev->u.data.len;
}

static void client_on_end(const nnet_event_t *ev, void *ctx) {
  block_t *b = ctx;
  NT_HIT(b->ends);
  b->response[b->response_len] = 0;
  NT_STREQ(b->response, b->expect_response);
  close_servers(b);
}

static bool has_message(const nnet_error_t *e, const char *msg) {
  for (size_t i = 0; i < e->n_errors; i++)
    if (e->errors[i].message && strcmp(e->errors[i].message, msg) == 0)
      return true;
  return false;
}

static void client_on_error(const nnet_event_t *ev, void *ctx) {
  block_t *b = ctx;
  const nnet_error_t *e = ev->u.error;
  char msg[64];
  NT_HIT(b->errors);
  if (b == &b_refused) {
    expect_attempts(ev->target, "::1", "127.0.0.1", 10);
    NT_STREQ(e->name, "AggregateError");
    NT_EQ(e->n_errors, 2);
    NT_ASSERT(has_message(e, "connect ECONNREFUSED 127.0.0.1:10"));
    NT_ASSERT(has_message(e, "connect ECONNREFUSED ::1:10"));
    return;
  }
  /* autoSelectFamily false: only ::1 is tried. */
  NT_EQ(nnet_socket_attempted_address_count(ev->target), 0);
  snprintf(msg, sizeof(msg), "connect ECONNREFUSED ::1:%d", b->port);
  NT_EXPECT_ERROR(e, "ECONNREFUSED", msg);
  close_servers(b);
}

static void connect_block(block_t *b, int port) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = "example.org";
  o.port = port;
  o.lookup = mocked_lookup;
  o.lookup_ctx = (void *)&mock;
  o.auto_select_family = b->auto_select;
  if (b->auto_select) o.auto_select_family_attempt_timeout = attempt_timeout;
  b->port = port;
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &b->conn));
  if (b->expect_response) {
    NT_OK(nnet_socket_set_encoding(b->conn, NNET_ENC_UTF8));
    NT_OK(nnet_socket_on(b->conn, NNET_EV_READY, client_on_ready, b));
    NT_OK(nnet_socket_on(b->conn, NNET_EV_DATA, client_on_data, b));
    NT_OK(nnet_socket_on(b->conn, NNET_EV_END, client_on_end, b));
    NT_ASSERT(nnet_socket_write(b->conn, "request", 7, NULL, NULL) >= 0);
  } else {
    NT_OK(nnet_socket_on(b->conn, NNET_EV_READY, nt_must_not_call, "ready"));
    NT_OK(nnet_socket_on(b->conn, NNET_EV_ERROR, client_on_error, b));
  }
}

static void on_listening6(const nnet_event_t *ev, void *ctx) {
  block_t *b = ctx;
  NT_HIT(b->listens);
  connect_block(b, nt_server_port(b->server4));
}

static void on_listening4(const nnet_event_t *ev, void *ctx) {
  block_t *b = ctx;
  int port = nt_server_port(b->server4);
  NT_HIT(b->listens);
  if (b == &b_v6) {
    NT_OK(nnet_create_server(NULL, on_connection6, b, &b->server6));
    NT_OK(nnet_server_listen_tcp(b->server6, port, "::1"));
    NT_OK(nnet_server_once(b->server6, NNET_EV_LISTENING, on_listening6, b));
    return;
  }
  connect_block(b, port);
}

static void start_v4_server(block_t *b) {
  NT_OK(nnet_create_server(NULL, on_connection4, b, &b->server4));
  NT_OK(nnet_server_listen_tcp(b->server4, 0, "127.0.0.1"));
  NT_OK(nnet_server_once(b->server4, NNET_EV_LISTENING, on_listening4, b));
}

int main(void) {
  nt_init();
  /* Node's test/common: defaultAutoSelectFamilyAttemptTimeout. */
  nnet_set_default_auto_select_family_attempt_timeout(
      nnet_get_default_auto_select_family_attempt_timeout() * 5);
  attempt_timeout = nnet_get_default_auto_select_family_attempt_timeout();

  /* IPv4 reached when nothing listens on ::1. */
  b_fallback.conns4 = NT_MUST_CALL("fallback: ipv4 connection", 1);
  b_fallback.data4 = NT_MUST_CALL("fallback: ipv4 data", 1);
  b_fallback.listens = NT_MUST_CALL("fallback: listening", 1);
  b_fallback.readys = NT_MUST_CALL("fallback: ready", 1);
  b_fallback.ends = NT_MUST_CALL("fallback: end", 1);
  start_v4_server(&b_fallback);

  /* ::1 answers: IPv4 is never reached. */
  b_v6.data4 = NT_MUST_NOT_CALL("v6: ipv4 data");
  b_v6.conns6 = NT_MUST_CALL("v6: ipv6 connection", 1);
  b_v6.data6 = NT_MUST_CALL("v6: ipv6 data", 1);
  b_v6.listens = NT_MUST_CALL("v6: listening", 2);
  b_v6.readys = NT_MUST_CALL("v6: ready", 1);
  b_v6.ends = NT_MUST_CALL("v6: end", 1);
  start_v4_server(&b_v6);

  /* Every attempt refused. */
  b_refused.errors = NT_MUST_CALL("refused: error", 1);
  connect_block(&b_refused, 10);

  /* autoSelectFamily false: IPv4 is not tried. */
  b_off.conns4 = NT_MUST_CALL_AT_LEAST("off: ipv4 connection", 0);
  b_off.data4 = NT_MUST_CALL_AT_LEAST("off: ipv4 data", 0);
  b_off.listens = NT_MUST_CALL("off: listening", 1);
  b_off.errors = NT_MUST_CALL("off: error", 1);
  start_v4_server(&b_off);
  return nt_finish();
}
