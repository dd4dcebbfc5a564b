/* Node: test/parallel/test-net-end-close.js
 * A socket that is not writable and reads EOF emits 'end' and then
 * 'close'. Node drives a mock handle that reports UV_EOF; here the socket
 * wraps one end of a socketpair (writable: false) whose peer is closed. */
#include "common.h"

#include <sys/socket.h>
#include <unistd.h>

static char events[8];
static int n_events;

static void on_end(const nnet_event_t *ev, void *ctx) {
  events[n_events++] = 'e';
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  events[n_events++] = 'c';
}

int main(void) {
  int sv[2];
  nnet_socket_t *s;
  nt_init();
  NT_ASSERT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  close(sv[1]); /* the peer: reads give EOF */
  nnet_socket_opts_t o;
  nnet_socket_opts_init(&o);
  o.fd = sv[0];
  o.writable = false;
  NT_OK(nnet_socket_new(&o, &s));
  nnet_socket_resume(s);
  NT_OK(nnet_socket_on(s, NNET_EV_END, on_end, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_CLOSE, on_close, NULL));

  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* process 'exit' */
  NT_EQ(n_events, 2);
  NT_ASSERT(events[0] == 'e' && events[1] == 'c');
  return nt_finish();
}
