/* Happy Eyeballs: connect to a name with several addresses. nodenet races
 * them (RFC 8305: a new attempt every attempt delay, earlier ones kept
 * alive); NNET_HE_SEQUENTIAL gives Node's one-at-a-time behaviour. Prints
 * every attempt and the addresses tried.
 * Run: ./happy_eyeballs localhost 7000 */
#include <nodenet.h>
#include <stdio.h>
#include <stdlib.h>

static void on_attempt(const nnet_event_t *ev, void *ctx) {
  printf("attempt %s port %d (IPv%d)%s%s\n", ev->u.attempt.address,
         ev->u.attempt.port, ev->u.attempt.family,
         ev->u.attempt.err ? ": " : "",
         ev->u.attempt.err ? ev->u.attempt.err->message : "");
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->target;
  size_t n = nnet_socket_attempted_address_count(s);
  for (size_t i = 0; i < n; i++)
    printf("tried %s\n", nnet_socket_attempted_address(s, i));
  puts("connected");
  nnet_socket_end(s, NULL, 0, NULL, NULL);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  /* All attempts failed: an AggregateError listing each one. */
  const nnet_error_t *e = ev->u.error;
  printf("error %s %s\n", e->name, e->code_name);
  for (size_t i = 0; i < e->n_errors; i++)
    printf("  %s\n", e->errors[i].message);
}

int main(int argc, char **argv) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = argc > 1 ? argv[1] : "localhost";
  o.port = argc > 2 ? atoi(argv[2]) : 7000;
  o.auto_select_family = 1;
  o.auto_select_family_attempt_timeout = 100; /* the attempt delay, ms */
  o.connect_timeout = 5000;                   /* the whole connect */
  nnet_socket_t *s;
  if (nnet_create_connection(NULL, &o, on_connect, NULL, &s) < 0) return 2;
  nnet_socket_on(s, NNET_EV_CONNECTION_ATTEMPT, on_attempt, NULL);
  nnet_socket_on(s, NNET_EV_CONNECTION_ATTEMPT_FAILED, on_attempt, NULL);
  nnet_socket_on(s, NNET_EV_ERROR, on_error, NULL);
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
