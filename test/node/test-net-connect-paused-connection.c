/* Node: test/parallel/test-net-connect-paused-connection.js
 * A client paused right after connect() does not keep the process alive
 * (the server and its accepted socket are unref'd): the loop ends before
 * the unref'd 1 s timer. Node's process exit is uv_run() returning here;
 * the objects left open are then destroyed/closed. */
#include "common.h"

static nnet_server_t *server;
static nnet_socket_t *client, *accepted;
static nt_timer_t *timer;
static nt_count_t *listening;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  accepted = ev->u.connection.socket;
  nnet_socket_unref(accepted);
}

static void expected_to_exit(void *ctx) {
  NT_FAIL("expected to exit");
}

static void on_accepted_close(const nnet_event_t *ev, void *ctx) {
  accepted = NULL;
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), "localhost",
                                   &client));
  nnet_socket_pause(client);
  timer = nt_set_timeout(expected_to_exit, NULL, 1000);
  nt_timer_unref(timer);
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  nnet_server_unref(server);

  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* Node: the process exits here */

  /* teardown of what Node's exit leaves behind */
  nt_clear_timeout(timer);
  if (accepted) {
    NT_OK(nnet_socket_on(accepted, NNET_EV_CLOSE, on_accepted_close, NULL));
    nnet_socket_destroy(accepted, 0);
  }
  nnet_socket_destroy(client, 0);
  NT_OK(nnet_server_close(server, NULL, NULL));
  return nt_finish();
}
