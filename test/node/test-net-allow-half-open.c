/* Node: test/parallel/test-net-allow-half-open.js
 * With allowHalfOpen false a client that receives the server's FIN ends its
 * own side and is not destroyed before 'end' (checked a tick later) or
 * 'finish'; both when the client waits for the server (case 0) and when it
 * calls end('asd') itself at once (case 1).
 * In case 1 the server's socket never reads the buffered 'asd', so it never
 * sees 'end' and stays open but idle (Node exits with it so). The C port
 * runs the loop until it stops as Node's process would, then destroys that
 * socket so nt_finish() can close the loop. */
#include "common.h"

typedef struct {
  int id;
  nnet_server_t *server;
  nnet_socket_t *socket;
  nnet_socket_t *accepted; /* until its 'close' */
  nt_count_t *conns, *listens, *ends, *finishes, *closes;
} half_t;

static half_t cases[2];
static char big[1024];

static void accepted_on_close(const nnet_event_t *ev, void *ctx) {
  half_t *h = ctx;
  h->accepted = NULL;
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  half_t *h = ctx;
  NT_HIT(h->conns);
  h->accepted = ev->u.connection.socket;
  NT_OK(nnet_socket_on(h->accepted, NNET_EV_CLOSE, accepted_on_close, h));
  NT_OK(nnet_socket_end(ev->u.connection.socket, big, sizeof(big), NULL, NULL));
}

static void after_end_tick(void *ctx) {
  half_t *h = ctx;
  /* Not destroyed straight away without a proper shutdown. */
  NT_ASSERT(!nnet_socket_is_destroyed(h->socket));
  NT_OK(nnet_server_close(h->server, NULL, NULL));
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  half_t *h = ctx;
  NT_HIT(h->ends);
  if (h->id == 0)
    NT_OK(nnet_next_tick(NT_LOOP, after_end_tick, h));
  else
    NT_ASSERT(!nnet_socket_is_destroyed(h->socket));
}

static void on_finish(const nnet_event_t *ev, void *ctx) {
  half_t *h = ctx;
  NT_HIT(h->finishes);
  NT_ASSERT(!nnet_socket_is_destroyed(h->socket));
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  half_t *h = ctx;
  NT_HIT(h->closes);
  nnet_socket_release(h->socket);
  if (h->id == 1) NT_OK(nnet_server_close(h->server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  half_t *h = ctx;
  nnet_socket_t *s;
  NT_HIT(h->listens);
  NT_OK(
      nnet_create_connection_tcp(NT_LOOP, nt_server_port(h->server), NULL, &s));
  h->socket = s;
  nnet_socket_retain(s); /* is_destroyed() stays safe to ask */
  NT_ASSERT(!nnet_socket_allow_half_open(s));
  nnet_socket_resume(s);
  NT_OK(nnet_socket_on(s, NNET_EV_END, on_end, h));
  if (h->id == 1) NT_OK(nnet_socket_end(s, "asd", 3, NULL, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_FINISH, on_finish, h));
  NT_OK(nnet_socket_on(s, NNET_EV_CLOSE, on_close, h));
}

int main(void) {
  nt_init();
  for (int i = 0; i < 2; i++) {
    half_t *h = &cases[i];
    nnet_listen_opts_t lo;
    h->id = i;
    h->conns = NT_MUST_CALL("server connection", 1);
    h->listens = NT_MUST_CALL("listening", 1);
    h->ends = NT_MUST_CALL("client end", 1);
    h->finishes = NT_MUST_CALL("client finish", 1);
    h->closes = NT_MUST_CALL("client close", 1);
    NT_OK(nnet_create_server(NULL, on_connection, h, &h->server));
    nnet_listen_opts_init(&lo);
    lo.port = 0;
    NT_OK(nnet_server_listen(h->server, &lo, on_listening, h));
  }
  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* where Node's process exits */
  for (int i = 0; i < 2; i++)
    if (cases[i].accepted) nnet_socket_destroy(cases[i].accepted, 0);
  return nt_finish();
}
