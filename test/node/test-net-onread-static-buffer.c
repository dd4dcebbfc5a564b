/* Node: test/parallel/test-net-onread-static-buffer.js
 * The onread option: bytes are read into the caller's 8-byte buffer and
 * handed to the callback (never as 'data'); 'end' follows with the whole
 * message received. Also with an explicit pause() in the callback and
 * with the callback returning false (implicit pause), each resumed
 * 100 ms later: no callback runs while paused.
 * Left out: the Uint8Array variants (a JS type; the C buffer is bytes) and
 * the buffer-as-function variants (onread.buffer returning a buffer per
 * read: the C API takes one static buffer only). */
#include "common.h"

#define MESSAGE     "hello world"
#define MESSAGE_LEN (sizeof(MESSAGE) - 1)

enum mode { PLAIN, EXPLICIT_PAUSE, IMPLICIT_PAUSE };

typedef struct scenario_s {
  enum mode mode;
  nnet_server_t *server;
  nnet_socket_t *client;
  char sock_buf[8];
  char got[64];
  size_t received;
  bool paused;
  nt_count_t *connections, *listening, *reads, *ends;
} scenario_t;

static scenario_t scenarios[3];

static void on_connection(const nnet_event_t *ev, void *ctx) {
  scenario_t *sc = ctx;
  NT_HIT(sc->connections);
  NT_OK(nnet_server_close(sc->server, NULL, NULL));
  NT_OK(nnet_socket_end(ev->u.connection.socket, MESSAGE, MESSAGE_LEN, NULL,
                        NULL));
}

static void resume_later(void *ctx) {
  scenario_t *sc = ctx;
  sc->paused = false;
  nnet_socket_resume(sc->client);
}

static bool on_read(nnet_socket_t *s, char *buf, size_t nread, void *ctx) {
  scenario_t *sc = ctx;
  NT_HIT(sc->reads);
  NT_EQ(sc->paused, false);
  NT_ASSERT(buf == sc->sock_buf);
  NT_ASSERT(sc->received + nread <= sizeof(sc->got));
  memcpy(sc->got + sc->received, buf, nread);
  sc->received += nread;
  if (sc->mode == PLAIN) return true;
  sc->paused = true;
  if (sc->mode == EXPLICIT_PAUSE) nnet_socket_pause(s);
  nt_set_timeout(resume_later, sc, 100);
  return sc->mode != IMPLICIT_PAUSE;
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  scenario_t *sc = ctx;
  NT_HIT(sc->ends);
  NT_EQ(sc->received, MESSAGE_LEN);
  NT_ASSERT(memcmp(sc->got, MESSAGE, MESSAGE_LEN) == 0);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  scenario_t *sc = ctx;
  NT_HIT(sc->listening);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.onread_buf = sc->sock_buf;
  so.onread_len = sizeof(sc->sock_buf);
  so.onread = on_read;
  so.onread_ctx = sc;
  NT_OK(nnet_socket_new(&so, &sc->client));
  /* the client's memory is read by resume_later: keep it until exit */
  nnet_socket_retain(sc->client);
  nnet_connect_opts_t co;
  nnet_connect_opts_init(&co);
  co.port = nt_server_port(sc->server);
  NT_OK(nnet_socket_connect(sc->client, &co, NULL, NULL));
  NT_OK(nnet_socket_on(sc->client, NNET_EV_DATA, nt_must_not_call, "data"));
  NT_OK(nnet_socket_on(sc->client, NNET_EV_END, on_end, sc));
}

static void run(scenario_t *sc, enum mode mode) {
  sc->mode = mode;
  sc->connections = NT_MUST_CALL("connection", 1);
  sc->listening = NT_MUST_CALL("listening", 1);
  sc->reads = NT_MUST_CALL_AT_LEAST("onread callback", 1);
  sc->ends = NT_MUST_CALL("end", 1);
  NT_OK(nnet_create_server(NULL, on_connection, sc, &sc->server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(sc->server, &lo, on_listening, sc));
}

int main(void) {
  nt_init();
  run(&scenarios[0], PLAIN);
  run(&scenarios[1], EXPLICIT_PAUSE);
  run(&scenarios[2], IMPLICIT_PAUSE);
  uv_run(NT_LOOP, UV_RUN_DEFAULT);
  for (int i = 0; i < 3; i++) nnet_socket_release(scenarios[i].client);
  return nt_finish();
}
