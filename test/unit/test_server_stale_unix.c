/* listen({path, unlink_stale}): a socket file left by a dead server (bound,
 * then closed without unlink) is replaced; a live server's file, a regular
 * file and an abstract name in use are left alone and the listen fails
 * with EADDRINUSE, as without the option. */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutil.h"

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  int listening, errors, closes;
  char code[32], syscall[16];
} ctx_t;

static void on_listening(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->listening++;
  nnet_server_close(c->srv, NULL, NULL);
}
static void on_error(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->errors++;
  snprintf(c->code, sizeof(c->code), "%s", ev->u.error->code_name);
  snprintf(c->syscall, sizeof(c->syscall), "%s", ev->u.error->syscall);
  nnet_server_close(c->srv, NULL, NULL);
}
static void on_close(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->closes++;
}

/* Listens on path (len 0: a C string) and runs the loop to the end. */
static void run_listen(ctx_t *c, const char *path, size_t len, bool stale) {
  memset(c, 0, sizeof(*c));
  uv_loop_init(&c->loop);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &c->loop;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &c->srv), 0);
  nnet_server_on(c->srv, NNET_EV_LISTENING, on_listening, c);
  nnet_server_on(c->srv, NNET_EV_ERROR, on_error, c);
  nnet_server_on(c->srv, NNET_EV_CLOSE, on_close, c);
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  ck_assert(!o.unlink_stale); /* Node's behaviour by default */
  o.path = path;
  o.path_len = len;
  o.unlink_stale = stale;
  ck_assert_int_eq(nnet_server_listen(c->srv, &o, NULL, NULL), 0);
  nnet_test_run(&c->loop, 10000);
  ck_assert_int_eq(c->closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&c->loop), 0);
}

/* A raw Unix socket bound to path; listening if `listen_too`. */
static int raw_bound(const char *path, size_t len, bool listen_too) {
  struct sockaddr_un sun;
  memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  memcpy(sun.sun_path, path, len);
  socklen_t slen = offsetof(struct sockaddr_un, sun_path) + len;
  if (path[0] != '\0') slen++;
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, slen), 0);
  if (listen_too) ck_assert_int_eq(listen(fd, 8), 0);
  return fd;
}

static const char *sock_path(const char *name) {
  static char path[256];
  snprintf(path, sizeof(path), "%s/%s", nnet_test_tmpdir(), name);
  return path;
}

START_TEST(stale_file_recovered) {
  ctx_t c;
  char path[256];
  snprintf(path, sizeof(path), "%s", sock_path("stale.sock"));
  close(raw_bound(path, strlen(path), true)); /* died without unlink */
  struct stat st;
  ck_assert_int_eq(lstat(path, &st), 0);
  ck_assert(S_ISSOCK(st.st_mode));

  run_listen(&c, path, 0, false); /* without the option: Node's error */
  ck_assert_int_eq(c.errors, 1);
  ck_assert_str_eq(c.code, "EADDRINUSE");
  ck_assert_int_eq(lstat(path, &st), 0);

  run_listen(&c, path, 0, true);
  ck_assert_int_eq(c.errors, 0);
  ck_assert_int_eq(c.listening, 1);
  /* The server unlinked its own file on close. */
  ck_assert_int_eq(lstat(path, &st), -1);
}
END_TEST

START_TEST(live_server_kept) {
  ctx_t c;
  char path[256];
  snprintf(path, sizeof(path), "%s", sock_path("live.sock"));
  int fd = raw_bound(path, strlen(path), true);
  struct stat before, after;
  ck_assert_int_eq(lstat(path, &before), 0);
  run_listen(&c, path, 0, true);
  ck_assert_int_eq(c.listening, 0);
  ck_assert_int_eq(c.errors, 1);
  ck_assert_str_eq(c.code, "EADDRINUSE");
  ck_assert_str_eq(c.syscall, "listen");
  ck_assert_int_eq(lstat(path, &after), 0);
  ck_assert(before.st_ino == after.st_ino);
  close(fd);
}
END_TEST

START_TEST(regular_file_never_unlinked) {
  ctx_t c;
  char path[256];
  snprintf(path, sizeof(path), "%s", sock_path("data.txt"));
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, "keep", 4), 4);
  close(fd);
  run_listen(&c, path, 0, true);
  ck_assert_int_eq(c.listening, 0);
  ck_assert_int_eq(c.errors, 1);
  ck_assert_str_eq(c.code, "EADDRINUSE");
  struct stat st;
  ck_assert_int_eq(lstat(path, &st), 0);
  ck_assert(S_ISREG(st.st_mode));
  ck_assert_int_eq(st.st_size, 4);
}
END_TEST

START_TEST(abstract_in_use) {
  ctx_t c;
  char name[64];
  int n = snprintf(name, sizeof(name), "%cnnet-stale-%d", '\0', (int)getpid());
  int fd = raw_bound(name, (size_t)n, true);
  run_listen(&c, name, (size_t)n, true);
  ck_assert_int_eq(c.listening, 0);
  ck_assert_int_eq(c.errors, 1);
  ck_assert_str_eq(c.code, "EADDRINUSE");
  close(fd);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("server_stale_unix");
  TCase *tc = tcase_create("stale");
  tcase_add_test(tc, stale_file_recovered);
  tcase_add_test(tc, live_server_kept);
  tcase_add_test(tc, regular_file_never_unlinked);
  tcase_add_test(tc, abstract_in_use);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
