/* Writing to a connection the peer closed must never kill the process,
 * even with SIGPIPE at its default disposition. */
#include <signal.h>

#include "test_socket_peer.h"

static void keep_writing(nnet_socket_t *s, int status, void *ctx);

static void write_more(nnet_socket_t *s) {
  static char buf[4096];
  if (!nnet_socket_is_destroyed(s))
    nnet_socket_write(s, buf, sizeof buf, keep_writing, NULL);
}

static void keep_writing(nnet_socket_t *s, int status, void *ctx) {
  if (status == 0) write_more(s);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  /* The app resets SIGPIPE to default after the socket exists. */
  signal(SIGPIPE, SIG_DFL);
  write_more(ev->target);
}

START_TEST(epipe_survives) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  signal(SIGPIPE, SIG_DFL);
  peer_t p;
  peer_start_tcp(&p, &loop, PEER_CLOSE);
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection_tcp(&loop, p.port, "127.0.0.1", &s),
                   0);
  rec_t r;
  rec_all(s, &r);
  nnet_socket_on(s, NNET_EV_CONNECT, on_connect, NULL);
  nnet_test_run(&loop, 10000);
  ck_assert_int_eq(r.counts[NNET_EV_ERROR], 1);
  ck_assert(strcmp(r.error_code_name, "EPIPE") == 0 ||
            strcmp(r.error_code_name, "ECONNRESET") == 0);
  ck_assert_int_eq(r.counts[NNET_EV_CLOSE], 1);
  peer_close(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("socket_sigpipe");
  TCase *tc = tcase_create("sigpipe");
  tcase_add_test(tc, epipe_survives);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
