/* Node: test/parallel/test-net-reuseport.js
 * With reusePort, a second server can listen on the port a first one
 * already listens on, for 127.0.0.1 and for "::" (SO_REUSEPORT, Linux >=
 * 3.9, which Node's checkSupportReusePort() accepts here). */
#include "common.h"

typedef struct {
  const char *host;
  nnet_server_t *server1, *server2;
} rp_t;

static nt_count_t *l1, *l2;

static void listen_reuse(nnet_server_t *s, const char *host, int port,
                         nnet_listener_fn cb, void *ctx) {
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = port;
  lo.host = host;
  lo.reuse_port = true;
  NT_OK(nnet_server_listen(s, &lo, cb, ctx));
}

static void on_listening2(const nnet_event_t *ev, void *ctx) {
  rp_t *t = ctx;
  NT_HIT(l2);
  NT_EQ(nt_server_port(t->server2), nt_server_port(t->server1));
  NT_OK(nnet_server_close(t->server1, NULL, NULL));
  NT_OK(nnet_server_close(t->server2, NULL, NULL));
}

static void on_listening1(const nnet_event_t *ev, void *ctx) {
  rp_t *t = ctx;
  NT_HIT(l1);
  int port = nt_server_port(t->server1);
  listen_reuse(t->server2, t->host, port, on_listening2, t);
}

static void test(rp_t *t) {
  NT_OK(nnet_create_server(NULL, NULL, NULL, &t->server1));
  NT_OK(nnet_create_server(NULL, NULL, NULL, &t->server2));
  listen_reuse(t->server1, t->host, 0, on_listening1, t);
}

int main(void) {
  static rp_t tests[2] = {{.host = "127.0.0.1"}, {.host = "::"}};
  nt_init();
  l1 = NT_MUST_CALL("server1 listening", 2);
  l2 = NT_MUST_CALL("server2 listening", 2);
  test(&tests[0]);
  test(&tests[1]);
  return nt_finish();
}
