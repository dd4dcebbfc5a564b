/* Node: test/parallel/test-net-autoselectfamily-default.js
 * net.setDefaultAutoSelectFamily() decides, for connects that leave the
 * option unset, whether an answer of ::1 then 127.0.0.1 (a mocked lookup;
 * only the IPv4 address has a server) falls back to IPv4 (default true:
 * the request gets its response) or fails on ::1 with ECONNREFUSED
 * (default false). Both cases run at once, as in Node. */
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

static nnet_server_t *server1, *server2;
static nt_count_t *conns1, *data1, *listen1, *end1;
static nt_count_t *data2, *listen2, *error2;
static char response[64];
static size_t response_len;

static void srv_on_data(const nnet_event_t *ev, void *ctx) {
  NT_HIT((nt_count_t *)ctx);
  NT_ASSERT(nnet_socket_write(ev->target, "response-ipv4", 13, NULL, NULL) >=
            0);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_connection1(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns1);
  NT_OK(nnet_socket_on(ev->u.connection.socket, NNET_EV_DATA, srv_on_data,
                       data1));
}

static void on_connection2(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_on(ev->u.connection.socket, NNET_EV_DATA, srv_on_data,
                       data2));
}

static void client_on_data(const nnet_event_t *ev, void *ctx) {
  NT_ASSERT(response_len + ev->u.data.len < sizeof(response));
  memcpy(response + response_len, ev->u.data.base, ev->u.data.len);
  response_len += ev->u.data.len;
}

static void client_on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(end1);
  response[response_len] = 0;
  NT_STREQ(response, "response-ipv4");
  NT_OK(nnet_server_close(server1, NULL, NULL));
}

static void on_listening1(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  nnet_socket_t *c;
  NT_HIT(listen1);
  nnet_set_default_auto_select_family(true);
  nnet_connect_opts_init(&o);
  o.host = "example.org";
  o.port = nt_server_port(server1);
  o.lookup = mocked_lookup;
  o.lookup_ctx = (void *)&mock;
  o.auto_select_family_attempt_timeout = attempt_timeout;
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &c));
  NT_OK(nnet_socket_set_encoding(c, NNET_ENC_UTF8));
  NT_OK(nnet_socket_on(c, NNET_EV_DATA, client_on_data, NULL));
  NT_OK(nnet_socket_on(c, NNET_EV_END, client_on_end, NULL));
  NT_ASSERT(nnet_socket_write(c, "request", 7, NULL, NULL) >= 0);
}

static void client_on_error2(const nnet_event_t *ev, void *ctx) {
  char msg[64];
  int port = nt_server_port(server2);
  NT_HIT(error2);
  snprintf(msg, sizeof(msg), "connect ECONNREFUSED ::1:%d", port);
  NT_EXPECT_ERROR(ev->u.error, "ECONNREFUSED", msg);
  NT_OK(nnet_server_close(server2, NULL, NULL));
}

static void on_listening2(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  nnet_socket_t *c;
  NT_HIT(listen2);
  nnet_set_default_auto_select_family(false);
  nnet_connect_opts_init(&o);
  o.host = "example.org";
  o.port = nt_server_port(server2);
  o.lookup = mocked_lookup;
  o.lookup_ctx = (void *)&mock;
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &c));
  NT_OK(nnet_socket_on(c, NNET_EV_READY, nt_must_not_call, "ready"));
  NT_OK(nnet_socket_on(c, NNET_EV_ERROR, client_on_error2, NULL));
}

int main(void) {
  nt_init();
  /* Node's test/common: defaultAutoSelectFamilyAttemptTimeout. */
  nnet_set_default_auto_select_family_attempt_timeout(
      nnet_get_default_auto_select_family_attempt_timeout() * 5);
  attempt_timeout = nnet_get_default_auto_select_family_attempt_timeout();

  conns1 = NT_MUST_CALL("ipv4 server connection (default true)", 1);
  data1 = NT_MUST_CALL("ipv4 server data (default true)", 1);
  listen1 = NT_MUST_CALL("listening (default true)", 1);
  end1 = NT_MUST_CALL("client end (default true)", 1);
  data2 = NT_MUST_CALL_AT_LEAST("ipv4 server data (default false)", 0);
  listen2 = NT_MUST_CALL("listening (default false)", 1);
  error2 = NT_MUST_CALL("client error (default false)", 1);
  NT_OK(nnet_create_server(NULL, on_connection1, NULL, &server1));
  NT_OK(nnet_server_listen_tcp(server1, 0, "127.0.0.1"));
  NT_OK(nnet_server_once(server1, NNET_EV_LISTENING, on_listening1, NULL));
  NT_OK(nnet_create_server(NULL, on_connection2, NULL, &server2));
  NT_OK(nnet_server_listen_tcp(server2, 0, "127.0.0.1"));
  NT_OK(nnet_server_once(server2, NNET_EV_LISTENING, on_listening2, NULL));
  return nt_finish();
}
