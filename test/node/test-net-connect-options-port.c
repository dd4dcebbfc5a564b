/* Node: test/parallel/test-net-connect-options-port.js
 * Every connect form (createConnection / connect / new Socket().connect,
 * with a callback or a 'connect' listener, with and without host) throws
 * ERR_SOCKET_BAD_PORT for an out-of-range port and ERR_INVALID_ARG_VALUE
 * for invalid hints, connects with a valid port, and reports 'error'
 * "connect E..." for port 0 once the server is closed.
 * Left out (JS-only): ports of wrong JS types (true, false, [], {}, null,
 * NaN, Infinity) and port strings ('', ' ', '0x', '-0x1', '1234',
 * '0x4d2'); the valid round is run with the numeric port only (24
 * connections instead of 3 x 24). */
#include "common.h"

#include <netdb.h>

#define N_FORMS 6

static nnet_server_t *server;
static int server_connected;
static nt_count_t *connections, *connect_cbs, *async_errors;

enum cb_kind { CB_MUST_CALL, CB_MUST_NOT_CALL };

static void connect_ok(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connect_cbs);
}

/* doConnect(): form 0-1 createConnection, 2-3 connect (one C call), 4-5
 * new Socket().connect; odd forms add a 'connect' listener instead of
 * passing the callback. Returns the socket, or NULL with *rc set. */
static nnet_socket_t *do_connect(int form, const nnet_connect_opts_t *o,
                                 enum cb_kind kind, int *rc) {
  nnet_socket_t *s = NULL;
  nnet_listener_fn cb = kind == CB_MUST_CALL ? connect_ok : nt_must_not_call;
  void *ctx = kind == CB_MUST_CALL ? NULL : "connect callback";
  bool with_cb = form % 2 == 0;
  if (form < 4) {
    *rc = nnet_create_connection(NT_LOOP, o, with_cb ? cb : NULL, ctx, &s);
    if (*rc < 0) {
      NT_ASSERT(s == NULL);
      return NULL;
    }
  } else {
    NT_OK(nnet_socket_new(NULL, &s));
    *rc = nnet_socket_connect(s, o, with_cb ? cb : NULL, ctx);
    if (*rc < 0) {
      nnet_socket_destroy(s, 0); /* Node: garbage */
      return NULL;
    }
  }
  if (!with_cb) NT_OK(nnet_socket_on(s, NNET_EV_CONNECT, cb, ctx));
  nnet_socket_resume(s);
  return s;
}

static void expect_throws(const nnet_connect_opts_t *o, int code,
                          const char *cls) {
  for (int form = 0; form < N_FORMS; form++) {
    int rc = 0;
    nnet_socket_t *s = do_connect(form, o, CB_MUST_NOT_CALL, &rc);
    if (s != NULL)
      NT_FAIL("form %d port %d: did not throw %s", form, o->port,
              nnet_err_name(code));
    if (rc != code)
      NT_FAIL("form %d port %d: %s, expected %s", form, o->port,
              nnet_err_name(rc), nnet_err_name(code));
    NT_STREQ(nnet_err_class(rc), cls);
  }
}

static void sync_fail_to_connect(int port, int code, const char *cls) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.family = 4;
  /* connect(port) and connect({port}): the same options in C */
  for (int i = 0; i < 2; i++) {
    o.host = NULL;
    expect_throws(&o, code, cls);
    o.host = "localhost";
    expect_throws(&o, code, cls);
  }
}

static void on_async_error(const nnet_event_t *ev, void *ctx) {
  const nnet_error_t *e = ev->u.error;
  NT_HIT(async_errors);
  /* String(err) matches /^Error: connect E\w+.+$/ */
  NT_STREQ(e->name, "Error");
  NT_ASSERT(e->message != NULL && strncmp(e->message, "connect E", 9) == 0);
  const char *p = e->message + 9;
  NT_ASSERT(*p != 0 && *p != ' ');
  while (*p && *p != ' ') p++;
  NT_ASSERT(p[0] == ' ' && p[1] != 0);
}

static void async_fail_to_connect(int port) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.family = 4;
  for (int group = 0; group < 3; group++) {
    o.host = group < 2 ? NULL : "localhost";
    for (int form = 0; form < N_FORMS; form++) {
      int rc = 0;
      nnet_socket_t *s = do_connect(form, &o, CB_MUST_NOT_CALL, &rc);
      NT_ASSERT(s != NULL);
      NT_OK(nnet_socket_on(s, NNET_EV_ERROR, on_async_error, NULL));
    }
  }
}

static void can_connect(int port) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.family = 4;
  for (int group = 0; group < 4; group++) {
    o.host = group % 2 == 0 ? NULL : "localhost";
    for (int form = 0; form < N_FORMS; form++) {
      int rc = 0;
      NT_ASSERT(do_connect(form, &o, CB_MUST_CALL, &rc) != NULL);
    }
  }
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connections);
  NT_OK(nnet_socket_end(ev->u.connection.socket, "ok", 2, NULL, NULL));
  if (++server_connected == 4 * N_FORMS)
    NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  can_connect(nt_server_port(server));
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  async_fail_to_connect(0);
}

int main(void) {
  nt_init();
  connections = NT_MUST_CALL("server connection", 4 * N_FORMS);
  connect_cbs = NT_MUST_CALL("connect callback", 4 * N_FORMS);
  async_errors = NT_MUST_CALL("port 0 connect error", 3 * N_FORMS);

  /* out of range ports (-1 is the C options' "port not set", so the
   * negative case uses -2) */
  sync_fail_to_connect(-2, NNET_ERR_SOCKET_BAD_PORT, "RangeError");
  sync_fail_to_connect(65536, NNET_ERR_SOCKET_BAD_PORT, "RangeError");

  /* invalid hints */
  {
    nnet_connect_opts_t o;
    nnet_connect_opts_init(&o);
    o.port = 42;
    o.hints = (AI_ADDRCONFIG | AI_V4MAPPED | AI_ALL) + 42;
    expect_throws(&o, NNET_ERR_INVALID_ARG_VALUE, "TypeError");
  }

  /* valid connects */
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  NT_OK(nnet_server_on(server, NNET_EV_CLOSE, on_server_close, NULL));
  return nt_finish();
}
