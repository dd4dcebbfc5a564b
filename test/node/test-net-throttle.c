/* Node: test/parallel/test-net-throttle.js
 * The server writes 1 KB strings until write() says wait, then two more
 * (nothing may be lost), and ends; writableLength never exceeds what was
 * written. The client (ascii) pauses at each 'data' while not paused and
 * resumes 100 ms later; no data arrives while paused. At exit every byte
 * arrived and the client paused more than once. */
#include "common.h"

static nt_count_t *conns, *listens, *datas, *resumes;
static nnet_server_t *server;
static nnet_socket_t *client;
static size_t chars_recved, total_length;
static int npauses;
static bool paused, client_closed;
static int timers_pending;

/* The client is retained: a resume timer may fire after its 'close'. */
static void maybe_release(void) {
  if (client_closed && timers_pending == 0) nnet_socket_release(client);
}
static char body[1024];

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *connection = ev->u.connection.socket;
  size_t n = 1;
  NT_HIT(conns);
  for (;;) {
    int rc = nnet_socket_write_str(connection, body, sizeof body, NNET_ENC_UTF8,
                                   NULL, NULL);
    NT_OK(rc);
    if (rc == 0) break;
    n++;
  }
  /* Throttled now; these must not be lost either. */
  NT_OK(nnet_socket_write_str(connection, body, sizeof body, NNET_ENC_UTF8,
                              NULL, NULL));
  NT_OK(nnet_socket_write_str(connection, body, sizeof body, NNET_ENC_UTF8,
                              NULL, NULL));
  n += 2;
  total_length = n * sizeof body;
  NT_ASSERT(nnet_socket_writable_length(connection) <= total_length);
  NT_OK(nnet_socket_end(connection, NULL, 0, NULL, NULL));
}

static void do_resume(void *ctx) {
  NT_HIT(resumes);
  NT_EQ(chars_recved, (size_t)(uintptr_t)ctx);
  nnet_socket_resume(client);
  paused = false;
  timers_pending--;
  maybe_release();
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  client_closed = true;
  maybe_release();
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  NT_HIT(datas);
  NT_ASSERT(ev->u.data.is_string);
  chars_recved += ev->u.data.len;
  if (!paused) {
    nnet_socket_pause(client);
    npauses += 1;
    paused = true;
    timers_pending++;
    nt_set_timeout(do_resume, (void *)(uintptr_t)chars_recved, 100);
  }
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_server_close(server, NULL, NULL));
  (void)nnet_socket_end(client, NULL, 0, NULL, NULL);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL,
                                   &client));
  nnet_socket_retain(client);
  NT_OK(nnet_socket_on(client, NNET_EV_CLOSE, on_close, NULL));
  NT_OK(nnet_socket_set_encoding(client, NNET_ENC_ASCII));
  NT_OK(nnet_socket_on(client, NNET_EV_DATA, on_data, NULL));
  NT_OK(nnet_socket_on(client, NNET_EV_END, on_end, NULL));
}

int main(void) {
  nt_init();
  memset(body, 'C', sizeof body);
  conns = NT_MUST_CALL_AT_LEAST("connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  datas = NT_MUST_CALL_AT_LEAST("data", 1);
  resumes = NT_MUST_CALL_AT_LEAST("resume timer", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, NULL));
  NT_OK(nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL));
  uv_run(NT_LOOP, UV_RUN_DEFAULT);
  /* process 'exit' */
  NT_EQ(chars_recved, total_length);
  NT_ASSERT(npauses > 1);
  NT_EQ(resumes->calls, npauses); /* each timer was a mustCall */
  return nt_finish();
}
