/* Node: test/parallel/test-net-server-listen-path.js
 * listen(path) and listen({path}), with the listener passed or added for
 * 'listening'; readableAll/writableAll make the socket file readable and
 * writable by others; a second server on a path in use fails with
 * EADDRINUSE ("listen EADDRINUSE: address already in use ..."). */
#include <sys/stat.h>

#include "common.h"

static nt_count_t *closes, *rw_listening, *s1_listening, *s2_error;
static int counter;
static char paths[6][320];
static nnet_server_t *server1;

static const char *random_pipe_path(void) {
  char *p = paths[counter];
  snprintf(p, sizeof(paths[0]), "%s-listen-path-%d", nt_pipe_path(), counter);
  counter++;
  return p;
}

static void close_server(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
  NT_OK(nnet_server_close(ev->target, NULL, NULL));
}

static void rw_on_listening(const nnet_event_t *ev, void *ctx) {
  struct stat st;
  NT_HIT(rw_listening);
  NT_OK(stat((const char *)ctx, &st));
  NT_ASSERT((st.st_mode & S_IROTH) != 0);
  NT_ASSERT((st.st_mode & S_IWOTH) != 0);
  NT_OK(nnet_server_close(ev->target, NULL, NULL));
}

static void s2_on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(s2_error);
  NT_OK(nnet_server_close(server1, NULL, NULL));
  NT_STREQ(ev->u.error->code_name, "EADDRINUSE");
  const char *prefix = "listen EADDRINUSE: address already in use";
  NT_ASSERT(ev->u.error->message != NULL);
  NT_ASSERT(strncmp(ev->u.error->message, prefix, strlen(prefix)) == 0);
  NT_OK(nnet_server_close(ev->target, NULL, NULL));
}

static void s1_on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_server_t *server2;
  NT_HIT(s1_listening);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server2));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.path = (const char *)ctx;
  lo.writable_all = true;
  NT_OK(nnet_server_listen(server2, &lo, nt_must_not_call, "listening"));
  NT_OK(nnet_server_on(server2, NNET_EV_ERROR, s2_on_error, NULL));
}

int main(void) {
  nnet_server_t *s;
  nnet_listen_opts_t lo;
  nt_init();
  closes = NT_MUST_CALL("closeServer", 4);
  rw_listening = NT_MUST_CALL("readableAll/writableAll listening", 1);
  s1_listening = NT_MUST_CALL("server1 listening", 1);
  s2_error = NT_MUST_CALL("server2 error", 1);

  NT_OK(nnet_create_server(NULL, NULL, NULL, &s));
  NT_OK(nnet_server_listen_path(s, random_pipe_path()));
  NT_OK(nnet_server_on(s, NNET_EV_LISTENING, close_server, NULL));

  NT_OK(nnet_create_server(NULL, NULL, NULL, &s));
  nnet_listen_opts_init(&lo);
  lo.path = random_pipe_path();
  NT_OK(nnet_server_listen(s, &lo, NULL, NULL));
  NT_OK(nnet_server_on(s, NNET_EV_LISTENING, close_server, NULL));

  /* listen(path, cb) and listen({path}, cb): the same call in C. */
  for (int i = 0; i < 2; i++) {
    NT_OK(nnet_create_server(NULL, NULL, NULL, &s));
    nnet_listen_opts_init(&lo);
    lo.path = random_pipe_path();
    NT_OK(nnet_server_listen(s, &lo, close_server, NULL));
  }

  NT_OK(nnet_create_server(NULL, NULL, NULL, &s));
  nnet_listen_opts_init(&lo);
  lo.path = random_pipe_path();
  lo.readable_all = true;
  lo.writable_all = true;
  NT_OK(nnet_server_listen(s, &lo, rw_on_listening, (void *)lo.path));

  NT_OK(nnet_create_server(NULL, NULL, NULL, &server1));
  nnet_listen_opts_init(&lo);
  lo.path = random_pipe_path();
  NT_OK(nnet_server_listen(server1, &lo, s1_on_listening, (void *)lo.path));
  return nt_finish();
}
