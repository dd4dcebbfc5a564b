/* Node: test/parallel/test-net-pause-resume-connecting.js
 * pause()/resume() called while still connecting take effect once
 * connected: the three clients whose last call was resume() get 'data',
 * the two left paused get none (100 ms later their 'data' listeners are
 * removed and they are resumed so they can finish). */
#include "common.h"

static nnet_server_t *server;
static int connections, data_events;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  static const char msg[] = "This was the year he fell to pieces.";
  connections++;
  NT_OK(nnet_socket_end(ev->u.connection.socket, msg, sizeof(msg) - 1, NULL,
                        NULL));
  if (connections == 5) NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_data_ok(const nnet_event_t *ev, void *ctx) {
  data_events++;
}

static void tear_down(void *ctx) {
  nnet_socket_t *conn = ctx;
  NT_OK(nnet_socket_remove_all(conn, NNET_EV_DATA));
  nnet_socket_resume(conn);
}

static void schedule_tear_down(nnet_socket_t *conn) {
  nt_set_timeout(tear_down, conn, 100);
}

static nnet_socket_t *client(int port) {
  nnet_socket_t *conn;
  NT_OK(nnet_create_connection_tcp(NT_LOOP, port, "localhost", &conn));
  return conn;
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  int port = nt_server_port(server);
  nnet_socket_t *conn;

  /* Client 1 */
  conn = client(port);
  nnet_socket_resume(conn);
  NT_OK(nnet_socket_on(conn, NNET_EV_DATA, on_data_ok, NULL));

  /* Client 2 */
  conn = client(port);
  nnet_socket_pause(conn);
  nnet_socket_resume(conn);
  NT_OK(nnet_socket_on(conn, NNET_EV_DATA, on_data_ok, NULL));

  /* Client 3 */
  conn = client(port);
  nnet_socket_pause(conn);
  NT_OK(nnet_socket_on(conn, NNET_EV_DATA, nt_must_not_call, "data (3)"));
  schedule_tear_down(conn);

  /* Client 4 */
  conn = client(port);
  nnet_socket_resume(conn);
  nnet_socket_pause(conn);
  nnet_socket_resume(conn);
  NT_OK(nnet_socket_on(conn, NNET_EV_DATA, on_data_ok, NULL));

  /* Client 5 */
  conn = client(port);
  nnet_socket_resume(conn);
  nnet_socket_resume(conn);
  nnet_socket_pause(conn);
  NT_OK(nnet_socket_on(conn, NNET_EV_DATA, nt_must_not_call, "data (5)"));
  schedule_tear_down(conn);
}

int main(void) {
  nt_init();
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* process 'exit' */
  NT_EQ(connections, 5);
  NT_EQ(data_events, 3);
  return nt_finish();
}
