/* Node: test/parallel/test-net-autoselectfamily-ipv4first.js
 * autoSelectFamily with a mocked lookup answering 127.0.0.1 before ::1,
 * a server on each on the same port: the IPv4 one gets the request, the
 * IPv6 one never sees data. */
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

static const char *const v4_then_v6[] = {"127.0.0.1", "::1"};
static const mock_t mock = {v4_then_v6, 2};

static nnet_server_t *server4, *server6;
static nt_count_t *conns4, *data4, *data6, *listen4, *listen6, *ends;
static char response[64];
static size_t response_len;

static void srv4_on_data(const nnet_event_t *ev, void *ctx) {
  NT_HIT(data4);
  NT_ASSERT(nnet_socket_write(ev->target, "response-ipv4", 13, NULL, NULL) >=
            0);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void srv6_on_data(const nnet_event_t *ev, void *ctx) {
  NT_HIT(data6);
}

static void on_connection4(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns4);
  NT_OK(nnet_socket_on(ev->u.connection.socket, NNET_EV_DATA, srv4_on_data,
                       NULL));
}

static void on_connection6(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_on(ev->u.connection.socket, NNET_EV_DATA, srv6_on_data,
                       NULL));
}

static void client_on_data(const nnet_event_t *ev, void *ctx) {
  NT_ASSERT(response_len + ev->u.data.len < sizeof(response));
  memcpy(response + response_len, ev->u.data.base, ev->u.data.len);
  response_len += ev->u.data.len;
}

static void client_on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  response[response_len] = 0;
  NT_STREQ(response, "response-ipv4");
  NT_OK(nnet_server_close(server4, NULL, NULL));
  NT_OK(nnet_server_close(server6, NULL, NULL));
}

static void on_listening6(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  nnet_socket_t *c;
  NT_HIT(listen6);
  nnet_connect_opts_init(&o);
  o.host = "example.org";
  o.port = nt_server_port(server4);
  o.lookup = mocked_lookup;
  o.lookup_ctx = (void *)&mock;
  o.auto_select_family = 1;
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &c));
  NT_OK(nnet_socket_set_encoding(c, NNET_ENC_UTF8));
  NT_OK(nnet_socket_on(c, NNET_EV_DATA, client_on_data, NULL));
  NT_OK(nnet_socket_on(c, NNET_EV_END, client_on_end, NULL));
  NT_ASSERT(nnet_socket_write(c, "request", 7, NULL, NULL) >= 0);
}

static void on_listening4(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listen4);
  NT_OK(nnet_create_server(NULL, on_connection6, NULL, &server6));
  NT_OK(nnet_server_listen_tcp(server6, nt_server_port(server4), "::1"));
  NT_OK(nnet_server_once(server6, NNET_EV_LISTENING, on_listening6, NULL));
}

int main(void) {
  nt_init();
  conns4 = NT_MUST_CALL("ipv4 connection", 1);
  data4 = NT_MUST_CALL("ipv4 data", 1);
  data6 = NT_MUST_NOT_CALL("ipv6 data");
  listen4 = NT_MUST_CALL("ipv4 listening", 1);
  listen6 = NT_MUST_CALL("ipv6 listening", 1);
  ends = NT_MUST_CALL("client end", 1);
  NT_OK(nnet_create_server(NULL, on_connection4, NULL, &server4));
  NT_OK(nnet_server_listen_tcp(server4, 0, "127.0.0.1"));
  NT_OK(nnet_server_once(server4, NNET_EV_LISTENING, on_listening4, NULL));
  return nt_finish();
}
