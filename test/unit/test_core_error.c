/* Error names, classes and Node-formatted payloads. Every expected message
 * was printed by Node v20 for the same failure. */
#include <string.h>

#include "internal.h"
#include "testutil.h"

START_TEST(names_and_classes) {
  ck_assert_str_eq(nnet_err_name(UV_ECONNREFUSED), "ECONNREFUSED");
  ck_assert_str_eq(nnet_err_name(UV_EOF), "EOF");
  ck_assert_str_eq(nnet_err_name(UV_EAI_NONAME), "EAI_NONAME");
  ck_assert_str_eq(nnet_err_name(NNET_ERR_SOCKET_BAD_PORT),
                   "ERR_SOCKET_BAD_PORT");
  ck_assert_str_eq(nnet_err_name(NNET_ABORT_ERR), "ABORT_ERR");
  ck_assert_str_eq(nnet_err_name(NNET_ERR_PATH_TOO_LONG), "ERR_PATH_TOO_LONG");
  ck_assert_str_eq(nnet_err_name(-12345), "UNKNOWN");
  ck_assert_str_eq(nnet_err_name(NNET_ERR_BASE_), "UNKNOWN");
  ck_assert_str_eq(nnet_err_name(NNET_ERR_END_), "UNKNOWN");
  ck_assert_str_eq(nnet_err_name(0), "UNKNOWN");
  ck_assert_str_eq(nnet_err_class(UV_ECONNRESET), "Error");
  ck_assert_str_eq(nnet_err_class(NNET_ERR_SOCKET_BAD_PORT), "RangeError");
  ck_assert_str_eq(nnet_err_class(NNET_ERR_INVALID_ARG_TYPE), "TypeError");
  ck_assert_str_eq(nnet_err_class(NNET_ABORT_ERR), "AbortError");
  ck_assert_str_eq(nnet_strerror(UV_EADDRINUSE), "address already in use");
  ck_assert_str_eq(nnet_strerror(NNET_ERR_STREAM_DESTROYED),
                   "Cannot call write after a stream was destroyed");
  ck_assert_str_eq(nnet_strerror(-12345), "unknown error");
}
END_TEST

START_TEST(connect_refused) {
  nnet__error_t e = {0};
  ck_assert_int_eq(
      nnet__error_sys(&e, UV_ECONNREFUSED, "connect", "127.0.0.1", 9), 0);
  ck_assert_int_eq(e.pub.code, UV_ECONNREFUSED);
  ck_assert_str_eq(e.pub.name, "Error");
  ck_assert_str_eq(e.pub.code_name, "ECONNREFUSED");
  ck_assert_str_eq(e.pub.message, "connect ECONNREFUSED 127.0.0.1:9");
  ck_assert_str_eq(e.pub.syscall, "connect");
  ck_assert_str_eq(e.pub.address, "127.0.0.1");
  ck_assert_int_eq(e.pub.port, 9);
  ck_assert_ptr_null(e.pub.errors);
  nnet__error_clear(&e);
  ck_assert_ptr_null(e.pub.message);
  ck_assert_int_eq(e.pub.port, -1);
}
END_TEST

START_TEST(connect_refused_local) {
  nnet__error_t e = {0};
  ck_assert_int_eq(nnet__error_sys_ex(&e, UV_ECONNREFUSED, "connect",
                                      "127.0.0.1", 9, "127.0.0.1:45671"),
                   0);
  ck_assert_str_eq(
      e.pub.message,
      "connect ECONNREFUSED 127.0.0.1:9 - Local (127.0.0.1:45671)");
  nnet__error_clear(&e);
}
END_TEST

START_TEST(no_address) {
  nnet__error_t e = {0};
  ck_assert_int_eq(nnet__error_sys(&e, UV_ECONNRESET, "read", NULL, -1), 0);
  ck_assert_str_eq(e.pub.message, "read ECONNRESET");
  ck_assert_ptr_null(e.pub.address);
  ck_assert_int_eq(e.pub.port, -1);
  nnet__error_clear(&e);
  /* Node prints and sets the port only when it is > 0. */
  ck_assert_int_eq(nnet__error_sys(&e, UV_EADDRNOTAVAIL, "bind", "10.9.9.9", 0),
                   0);
  ck_assert_str_eq(e.pub.message, "bind EADDRNOTAVAIL 10.9.9.9");
  ck_assert_int_eq(e.pub.port, -1);
  nnet__error_clear(&e);
}
END_TEST

/* Unix paths: no port in the message or the payload. */
START_TEST(unix_paths) {
  nnet__error_t e = {0};
  ck_assert_int_eq(
      nnet__error_sys(&e, UV_ENOENT, "connect", "/tmp/nonexist.sock", -1), 0);
  ck_assert_str_eq(e.pub.message, "connect ENOENT /tmp/nonexist.sock");
  ck_assert_str_eq(e.pub.address, "/tmp/nonexist.sock");
  ck_assert_int_eq(e.pub.port, -1);
  nnet__error_clear(&e);
  ck_assert_int_eq(
      nnet__error_uv(&e, UV_EACCES, "listen", "/nonexist/x.sock", -1), 0);
  ck_assert_str_eq(e.pub.message,
                   "listen EACCES: permission denied /nonexist/x.sock");
  ck_assert_int_eq(e.pub.port, -1);
  nnet__error_clear(&e);
}
END_TEST

START_TEST(listen_in_use) {
  nnet__error_t e = {0};
  ck_assert_int_eq(
      nnet__error_uv(&e, UV_EADDRINUSE, "listen", "127.0.0.1", 45149), 0);
  ck_assert_str_eq(e.pub.name, "Error");
  ck_assert_str_eq(e.pub.code_name, "EADDRINUSE");
  ck_assert_str_eq(e.pub.message,
                   "listen EADDRINUSE: address already in use 127.0.0.1:45149");
  ck_assert_str_eq(e.pub.syscall, "listen");
  ck_assert_str_eq(e.pub.address, "127.0.0.1");
  ck_assert_int_eq(e.pub.port, 45149);
  nnet__error_clear(&e);
}
END_TEST

START_TEST(node_errors) {
  nnet__error_t e = {0};
  ck_assert_int_eq(nnet__error_node(&e, NNET_ERR_SOCKET_BAD_PORT,
                                    "Port should be >= 0 and < 65536. "
                                    "Received type number (%d).",
                                    70000),
                   0);
  ck_assert_str_eq(e.pub.name, "RangeError");
  ck_assert_str_eq(e.pub.code_name, "ERR_SOCKET_BAD_PORT");
  ck_assert_str_eq(e.pub.message,
                   "Port should be >= 0 and < 65536. Received "
                   "type number (70000).");
  ck_assert_ptr_null(e.pub.syscall);
  ck_assert_int_eq(e.pub.port, -1);
  nnet__error_clear(&e);
  ck_assert_int_eq(nnet__error_node(&e, NNET_ERR_STREAM_DESTROYED, NULL), 0);
  ck_assert_str_eq(e.pub.message,
                   "Cannot call write after a stream was destroyed");
  nnet__error_clear(&e);
}
END_TEST

/* Node's NodeAggregateError: name AggregateError, message "", code of the
 * first part, parts in .errors. */
START_TEST(aggregate) {
  nnet__error_t p[2];
  memset(p, 0, sizeof p);
  nnet__error_sys(&p[0], UV_ECONNREFUSED, "connect", "::1", 9);
  nnet__error_sys(&p[1], UV_ETIMEDOUT, "connect", "127.0.0.1", 9);
  nnet_error_t pub[2] = {p[0].pub, p[1].pub};
  nnet__error_t e = {0};
  ck_assert_int_eq(nnet__error_aggregate(&e, pub, 2), 0);
  nnet__error_clear(&p[0]); /* parts were deep-copied */
  nnet__error_clear(&p[1]);
  ck_assert_str_eq(e.pub.name, "AggregateError");
  ck_assert_str_eq(e.pub.message, "");
  ck_assert_int_eq(e.pub.code, UV_ECONNREFUSED);
  ck_assert_str_eq(e.pub.code_name, "ECONNREFUSED");
  ck_assert_ptr_null(e.pub.syscall);
  ck_assert_uint_eq(e.pub.n_errors, 2);
  ck_assert_str_eq(e.pub.errors[0].message, "connect ECONNREFUSED ::1:9");
  ck_assert_str_eq(e.pub.errors[1].message, "connect ETIMEDOUT 127.0.0.1:9");
  ck_assert_str_eq(e.pub.errors[1].address, "127.0.0.1");
  ck_assert_int_eq(e.pub.errors[1].port, 9);
  /* A copy of the aggregate is deep too. */
  nnet__error_t c = {0};
  ck_assert_int_eq(nnet__error_copy(&c, &e.pub), 0);
  nnet__error_clear(&e);
  ck_assert_str_eq(c.pub.name, "AggregateError");
  ck_assert_str_eq(c.pub.errors[0].code_name, "ECONNREFUSED");
  ck_assert_str_eq(c.pub.errors[0].syscall, "connect");
  nnet__error_clear(&c);
}
END_TEST

START_TEST(copy_foreign) {
  char name[] = "MyError", code[] = "EMINE", msg[] = "mine", addr[] = "x";
  nnet_error_t src = {.code = -5,
                      .name = name,
                      .code_name = code,
                      .message = msg,
                      .address = addr,
                      .port = 7};
  nnet__error_t c = {0};
  ck_assert_int_eq(nnet__error_copy(&c, &src), 0);
  memset(name, 0, sizeof name);
  memset(msg, 0, sizeof msg);
  ck_assert_str_eq(c.pub.name, "MyError");
  ck_assert_str_eq(c.pub.code_name, "EMINE");
  ck_assert_str_eq(c.pub.message, "mine");
  ck_assert_str_eq(c.pub.address, "x");
  ck_assert_ptr_null(c.pub.syscall);
  ck_assert_int_eq(c.pub.port, 7);
  nnet__error_clear(&c);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("core_error");
  TCase *tc = tcase_create("error");
  tcase_add_test(tc, names_and_classes);
  tcase_add_test(tc, connect_refused);
  tcase_add_test(tc, connect_refused_local);
  tcase_add_test(tc, no_address);
  tcase_add_test(tc, unix_paths);
  tcase_add_test(tc, listen_in_use);
  tcase_add_test(tc, node_errors);
  tcase_add_test(tc, aggregate);
  tcase_add_test(tc, copy_foreign);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
