/* Node: test/parallel/test-net-bytes-written-large.js
 * bytesWritten counts a 10 MB end(data) at once (queued bytes included)
 * and still at the end() callback; likewise two 10 MB writes under cork;
 * the client reads every byte. Node's Buffer and 'a'.repeat(N) string
 * variants are both kept (bytes vs write_str). */
#include "common.h"

#define N 10000000

typedef struct {
  int id;
  nnet_server_t *server;
  nt_count_t *conns, *listens, *end_cbs, *closes;
} blk_t;

static blk_t blks[3];
static char *zeros, *as;

static void end_cb(nnet_socket_t *s, int status, void *ctx) {
  blk_t *b = ctx;
  NT_HIT(b->end_cbs);
  NT_OK(status);
  NT_EQ(nnet_socket_bytes_written(s), b->id == 2 ? 2 * (uint64_t)N : N);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  blk_t *b = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  NT_HIT(b->conns);
  switch (b->id) {
    case 0:
      NT_OK(nnet_socket_end(s, zeros, N, end_cb, b));
      NT_EQ(nnet_socket_bytes_written(s), N);
      break;
    case 1:
      NT_OK(nnet_socket_write_str(s, as, N, NNET_ENC_UTF8, NULL, NULL));
      NT_OK(nnet_socket_end(s, NULL, 0, end_cb, b));
      NT_EQ(nnet_socket_bytes_written(s), N);
      break;
    default:
      nnet_socket_cork(s);
      NT_OK(nnet_socket_write_str(s, as, N, NNET_ENC_UTF8, NULL, NULL));
      NT_EQ(nnet_socket_bytes_written(s), N);
      NT_OK(nnet_socket_write(s, zeros, N, NULL, NULL));
      NT_EQ(nnet_socket_bytes_written(s), 2 * (uint64_t)N);
      NT_OK(nnet_socket_end(s, "", 0, end_cb, b));
      nnet_socket_uncork(s);
      break;
  }
}

static void client_on_close(const nnet_event_t *ev, void *ctx) {
  blk_t *b = ctx;
  NT_HIT(b->closes);
  NT_EQ(nnet_socket_bytes_read(ev->target), b->id == 2 ? 2 * (uint64_t)N : N);
  NT_OK(nnet_server_close(b->server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  blk_t *b = ctx;
  nnet_socket_t *client;
  NT_HIT(b->listens);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(b->server), NULL,
                                   &client));
  nnet_socket_resume(client);
  NT_OK(nnet_socket_on(client, NNET_EV_CLOSE, client_on_close, b));
}

int main(void) {
  nt_init();
  zeros = calloc(1, N);
  as = malloc(N);
  NT_ASSERT(zeros != NULL && as != NULL);
  memset(as, 'a', N);
  for (int i = 0; i < 3; i++) {
    blk_t *b = &blks[i];
    nnet_listen_opts_t lo;
    b->id = i;
    b->conns = NT_MUST_CALL("connection", 1);
    b->listens = NT_MUST_CALL("listening", 1);
    b->end_cbs = NT_MUST_CALL("end callback", 1);
    b->closes = NT_MUST_CALL("client close", 1);
    NT_OK(nnet_create_server(NULL, on_connection, b, &b->server));
    nnet_listen_opts_init(&lo);
    lo.port = 0;
    NT_OK(nnet_server_listen(b->server, &lo, on_listening, b));
  }
  int rc = nt_finish();
  free(zeros);
  free(as);
  return rc;
}
