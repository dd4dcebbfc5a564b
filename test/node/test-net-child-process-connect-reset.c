/* Node: test/parallel/test-net-child-process-connect-reset.js
 * A client (using the onread option) connected to a server in a child
 * process that is SIGKILLed right after 'connect': the client may see
 * ECONNRESET (and no other error), and the child dies of SIGKILL. Node
 * spawns itself with an IPC channel; here the child is fork()ed and sends
 * its port through a pipe. */
#include "common.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;
static int port_pipe[2];
static nt_count_t *exits, *connects, *errors;
static char onread_buf[65536];

static void child_on_listening(const nnet_event_t *ev, void *ctx) {
  int port = nt_server_port(ev->target);
  if (write(port_pipe[1], &port, sizeof(port)) != sizeof(port)) _exit(1);
}

static void run_child(void) {
  nnet_server_t *server;
  close(port_pipe[0]);
  if (nnet_create_server(NULL, NULL, NULL, &server) != 0 ||
      nnet_server_listen(server, NULL, child_on_listening, NULL) != 0)
    _exit(1);
  uv_run(uv_default_loop(), UV_RUN_DEFAULT); /* until SIGKILL */
  _exit(1);
}

static bool onread_cb(nnet_socket_t *s, char *buf, size_t nread, void *ctx) {
  return true;
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  NT_STREQ(ev->u.error->code_name, "ECONNRESET");
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  int status;
  NT_HIT(connects);
  NT_EQ(kill(child, SIGKILL), 0);
  /* cp.on('exit'): code null, signal SIGKILL */
  NT_EQ(waitpid(child, &status, 0), child);
  NT_HIT(exits);
  NT_ASSERT(WIFSIGNALED(status));
  NT_EQ(WTERMSIG(status), SIGKILL);
}

int main(void) {
  nnet_socket_opts_t so;
  nnet_connect_opts_t o;
  nnet_socket_t *conn;
  int port;
  NT_ASSERT(pipe(port_pipe) == 0);
  child = fork();
  NT_ASSERT(child >= 0);
  if (child == 0) run_child();
  close(port_pipe[1]);
  nt_init();
  exits = NT_MUST_CALL("child exit", 1);
  connects = NT_MUST_CALL("connect", 1);
  errors = NT_MUST_CALL_AT_LEAST("ECONNRESET", 0);
  /* cp.on('message'): the child's port */
  NT_EQ(read(port_pipe[0], &port, sizeof(port)), sizeof(port));
  close(port_pipe[0]);
  nnet_socket_opts_init(&so);
  so.onread_buf = onread_buf;
  so.onread_len = sizeof(onread_buf);
  so.onread = onread_cb;
  NT_OK(nnet_socket_new(&so, &conn));
  NT_OK(nnet_socket_on(conn, NNET_EV_ERROR, on_error, NULL));
  nnet_connect_opts_init(&o);
  o.port = port;
  NT_OK(nnet_socket_connect(conn, &o, on_connect, NULL));
  return nt_finish();
}
