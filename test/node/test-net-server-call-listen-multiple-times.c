/* Node: test/parallel/test-net-server-call-listen-multiple-times.js
 * listen() may be called again after a listen 'error' (EADDRINUSE) and
 * after close(); calling it while already listening fails with
 * ERR_SERVER_ALREADY_LISTEN (thrown in Node, returned here). */
#include "common.h"

static nt_count_t *dummy_listening, *b1_error, *b1_listening, *b2_listening,
    *b3_listening, *b3_listening2;
static nnet_server_t *dummy, *server1, *server2, *server3;

/* ---- 1: listen again after an error ---- */
static void b1_on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(b1_listening);
  NT_OK(nnet_server_close(dummy, NULL, NULL));
  NT_OK(nnet_server_close(server1, NULL, NULL));
}

static void b1_on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(b1_error);
  NT_OK(nnet_server_listen(server1, NULL, b1_on_listening, NULL));
}

static void dummy_on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(dummy_listening);
  NT_OK(nnet_server_listen_tcp(server1, nt_server_port(dummy), NULL));
}

/* ---- 2: listen while listening ---- */
static void b2_on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(b2_listening);
  NT_OK(nnet_server_close(server2, NULL, NULL));
}

/* ---- 3: listen again right after close ---- */
static void b3_on_listening2(const nnet_event_t *ev, void *ctx) {
  NT_HIT(b3_listening2);
  NT_OK(nnet_server_close(server3, NULL, NULL));
}

static void b3_on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(b3_listening);
  NT_OK(nnet_server_close(server3, NULL, NULL));
  NT_OK(nnet_server_listen(server3, NULL, b3_on_listening2, NULL));
}

int main(void) {
  nt_init();
  dummy_listening = NT_MUST_CALL("dummyServer listening", 1);
  b1_error = NT_MUST_CALL("server error", 1);
  b1_listening = NT_MUST_CALL("server listening after error", 1);
  b2_listening = NT_MUST_CALL("server 2 listening", 1);
  b3_listening = NT_MUST_CALL("server 3 listening", 1);
  b3_listening2 = NT_MUST_CALL("server 3 listening again", 1);

  NT_OK(nnet_create_server(NULL, NULL, NULL, &dummy));
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server1));
  NT_OK(nnet_server_listen(dummy, NULL, dummy_on_listening, NULL));
  NT_OK(nnet_server_on(server1, NNET_EV_ERROR, b1_on_error, NULL));

  NT_OK(nnet_create_server(NULL, NULL, NULL, &server2));
  NT_OK(nnet_server_listen(server2, NULL, b2_on_listening, NULL));
  int rc = nnet_server_listen(server2, NULL, NULL, NULL);
  NT_ERR(rc, NNET_ERR_SERVER_ALREADY_LISTEN);
  NT_STREQ(nnet_err_name(rc), "ERR_SERVER_ALREADY_LISTEN");
  NT_STREQ(nnet_err_class(rc), "Error");

  NT_OK(nnet_create_server(NULL, NULL, NULL, &server3));
  NT_OK(nnet_server_listen(server3, NULL, b3_on_listening, NULL));
  return nt_finish();
}
