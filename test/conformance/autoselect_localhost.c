/* Twin of autoselect_localhost.js: connect to 'localhost' with
 * autoSelectFamily=true and an IPv4-only server. Host-dependent: skipped
 * (with the reason) when 'localhost' does not resolve here. */
#include "trace.h"

static nnet_server_t *server;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->u.connection.socket, "ok", 2, NULL, NULL);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  size_t n = nnet_socket_attempted_address_count(c);
  const char *list = "undefined";
  if (n > 0) {
    list = "[";
    for (size_t i = 0; i < n; i++)
      list = tr_fmt("%s%s%s", list, i ? "," : "",
                    tr_q(nnet_socket_attempted_address(c, i)));
    list = tr_fmt("%s]", list);
  }
  tr_log("client", "attempted %s remote %s", list, tr_remote_address(c));
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *c = NULL;
  if (nnet_socket_new(NULL, &c) < 0) return;
  tr_watch(c, "client", NULL);
  nnet_socket_on(c, NNET_EV_CONNECT, on_connect, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, on_close, NULL);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = "localhost";
  o.port = port;
  o.auto_select_family = 1;
  nnet_socket_connect(c, &o, NULL, NULL);
}

static bool localhost_resolves(void) {
  uv_getaddrinfo_t req;
  struct addrinfo hints = {0};
  hints.ai_socktype = SOCK_STREAM;
  int rc = uv_getaddrinfo(tr_loop(), &req, NULL, "localhost", NULL, &hints);
  if (rc == 0) uv_freeaddrinfo(req.addrinfo);
  return rc == 0;
}

int main(void) {
  if (!localhost_resolves()) {
    puts("SKIP: 'localhost' does not resolve on this host");
    return 0;
  }
  tr_init();
  tr_log(
      "main",
      "getDefaultAutoSelectFamily %s getDefaultAutoSelectFamilyAttemptTimeout "
      "%u",
      tr_bool(nnet_get_default_auto_select_family()),
      nnet_get_default_auto_select_family_attempt_timeout());
  server = tr_create_server(NULL, on_connection, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
