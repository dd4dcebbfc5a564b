/* Node: test/parallel/test-net-connect-abort-controller.js
 * A socket given an AbortController signal is destroyed with an
 * AbortError ('error' before 'close') when the signal is aborted: after
 * connect(), before it, on a later turn (setImmediate), and for a socket
 * only constructed (new net.Socket) with an aborted signal, aborted after
 * construction, or on a later turn. The cases run one after another, as the
 * Node test awaits each 'close'. Left out: listenerCount(signal, 'abort')
 * (the signal's own listeners are not visible in C). */
#include "common.h"

#define MAX_LIVE 16

static nnet_server_t *server;
static int port;
static nnet_socket_t *live[MAX_LIVE];
static nt_count_t *listens, *aborts, *server_closes;
static int step;
static nnet_abort_controller_t *ac;
static bool got_error;

static void conn_on_close(const nnet_event_t *ev, void *ctx) {
  for (int i = 0; i < MAX_LIVE; i++)
    if (live[i] == ev->target) live[i] = NULL;
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  int i = 0;
  while (i < MAX_LIVE && live[i] != NULL) i++;
  NT_ASSERT(i < MAX_LIVE);
  live[i] = s;
  NT_OK(nnet_socket_on(s, NNET_EV_CLOSE, conn_on_close, NULL));
}

static void run_step(void);

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_STREQ(ev->u.error->name, "AbortError");
  NT_STREQ(ev->u.error->code_name, "ABORT_ERR");
  got_error = true;
}

/* await once(socket, 'close') must reject with the AbortError. */
static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(aborts);
  NT_ASSERT(got_error);
  nnet_abort_controller_free(ac);
  ac = NULL;
  step++;
  run_step();
}

static void abort_now(void *ctx) {
  nnet_abort_controller_abort(ctx);
}

static nnet_socket_t *new_socket(void) {
  nnet_socket_opts_t so;
  nnet_socket_t *s;
  nnet_socket_opts_init(&so);
  so.signal = ac;
  NT_OK(nnet_socket_new(&so, &s));
  got_error = false;
  NT_OK(nnet_socket_on(s, NNET_EV_ERROR, on_error, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_CLOSE, on_close, NULL));
  return s;
}

static void connect_socket(nnet_socket_t *s) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "localhost";
  NT_OK(nnet_socket_connect(s, &o, NULL, NULL));
}

static void run_step(void) {
  nnet_socket_t *s;
  if (step < 6) {
    ac = nnet_abort_controller_new();
    NT_ASSERT(ac != NULL);
  }
  switch (step) {
    case 0: /* postAbort */
      connect_socket(new_socket());
      nnet_abort_controller_abort(ac);
      break;
    case 1: /* preAbort */
      nnet_abort_controller_abort(ac);
      connect_socket(new_socket());
      break;
    case 2: /* tickAbort */
      NT_OK(nnet_set_immediate(NT_LOOP, abort_now, ac));
      connect_socket(new_socket());
      break;
    case 3: /* testConstructor */
      nnet_abort_controller_abort(ac);
      (void)new_socket();
      break;
    case 4: /* testConstructorPost */
      (void)new_socket();
      nnet_abort_controller_abort(ac);
      break;
    case 5: /* testConstructorPostTick */
      s = new_socket();
      (void)s;
      NT_OK(nnet_set_immediate(NT_LOOP, abort_now, ac));
      break;
    default:
      for (int i = 0; i < MAX_LIVE; i++)
        if (live[i] != NULL) nnet_socket_destroy(live[i], 0);
      NT_OK(nnet_server_close(server, NULL, NULL));
      break;
  }
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(server_closes);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  port = nt_server_port(server);
  run_step();
}

int main(void) {
  nnet_listen_opts_t lo;
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  aborts = NT_MUST_CALL("aborted close", 6);
  server_closes = NT_MUST_CALL("server close", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_on(server, NNET_EV_CLOSE, on_server_close, NULL));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
