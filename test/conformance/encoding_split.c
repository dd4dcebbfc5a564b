/* Twin of encoding_split.js: setEncoding utf16le / base64 / hex with the
 * bytes split across two reads 100 ms apart. */
#include <stdlib.h>

#include "trace.h"

static nnet_server_t *server;
static int closed;
static const char chunk0[] = {0x41, 0x00, 0x3d, (char)0xd8};
static const char chunk1[] = {0x00, (char)0xde, 0x42};

static void free_timer(uv_handle_t *h) {
  free(h);
}

static void second_chunk(uv_timer_t *t) {
  nnet_socket_end(t->data, chunk1, sizeof(chunk1), NULL, NULL);
  uv_close((uv_handle_t *)t, free_timer);
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  if (++closed == 3) nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  nnet_socket_write(c, chunk0, sizeof(chunk0), NULL, NULL);
  uv_timer_t *t = malloc(sizeof(*t));
  uv_timer_init(tr_loop(), t);
  t->data = c;
  uv_timer_start(t, second_chunk, 100, 0);
  nnet_socket_resume(c);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  static const struct {
    const char *name;
    nnet_encoding_t enc;
  } encs[] = {
      {"utf16le", NNET_ENC_UTF16LE},
      {"base64", NNET_ENC_BASE64},
      {"hex", NNET_ENC_HEX},
  };
  for (int i = 0; i < 3; i++) {
    nnet_socket_t *c = tr_connect(port, "127.0.0.1");
    int rc = nnet_socket_set_encoding(c, encs[i].enc);
    tr_log(encs[i].name, "setEncoding returns this %s", tr_bool(rc >= 0));
    tr_watch_opts_t o;
    tr_watch_opts_init(&o);
    o.each_data = true;
    o.enc = (int)encs[i].enc;
    o.skip = (1u << NNET_EV_CONNECT) | (1u << NNET_EV_READY) |
             (1u << NNET_EV_FINISH);
    tr_watch(c, encs[i].name, &o);
  }
}

int main(void) {
  tr_init();
  server = tr_create_server(NULL, on_connection, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
