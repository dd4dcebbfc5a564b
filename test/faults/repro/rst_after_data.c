/* Found by the reliability suite (docs/reliability.md): an RST that arrives
 * together with unread data is reported as a clean 'end', not 'error'.
 *
 * A nodenet server answers 30 bytes and resetAndDestroy()s at once; the
 * nodenet client gets the 30 bytes, then 'end' and 'close' had_error=false.
 * strace shows the RST (SO_LINGER 0) and the client never reading again:
 * libuv's uv__stream_io() turns POLLHUP after a partial read into EOF. Node
 * 20 (libuv 1.46) prints the same (rst_after_data.js), so this is libuv's
 * behaviour and nodenet matches Node; a raw recv() loop does see
 * ECONNRESET. argv[1]: 0 the client does not end(); 1 it end()s after
 * writing; 2 it end()s and the server resets on 'end'.
 *   cc rst_after_data.c $(pkg-config --cflags --libs nodenet) && ./a.out 0
 *   node rst_after_data.js 0 */
#include <nodenet.h>
#include <stdio.h>
#include <stdlib.h>
static int mode;
static size_t got;
static void s_data(const nnet_event_t *ev, void *ctx) {
  if (mode == 2) return;
  nnet_socket_write(ev->target, "012345678901234567890123456789", 30, NULL,
                    NULL);
  printf("server: reset -> %d\n", nnet_socket_reset_and_destroy(ev->target));
}
static void s_end(const nnet_event_t *ev, void *ctx) {
  if (mode != 2) return;
  nnet_socket_write(ev->target, "012345678901234567890123456789", 30, NULL,
                    NULL);
  printf("server: reset after 'end' -> %d\n",
         nnet_socket_reset_and_destroy(ev->target));
}
static void on_conn(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socket_on(s, NNET_EV_DATA, s_data, NULL);
  nnet_socket_on(s, NNET_EV_END, s_end, NULL);
}
static void c_data(const nnet_event_t *ev, void *ctx) {
  got += ev->u.data.len;
}
static void c_end(const nnet_event_t *ev, void *ctx) {
  printf("client: 'end' after %zu bytes\n", got);
}
static void c_error(const nnet_event_t *ev, void *ctx) {
  printf("client: 'error' %s after %zu bytes\n", ev->u.error->code_name, got);
}
static void c_close(const nnet_event_t *ev, void *ctx) {
  printf("client: 'close' had_error=%d\n", ev->u.close.had_error);
  nnet_server_close(ctx, NULL, NULL);
}
static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socketaddress_t sa;
  nnet_server_address(ev->target, &sa);
  nnet_socket_t *c;
  nnet_create_connection_tcp(NULL, sa.port, "127.0.0.1", &c);
  nnet_socket_on(c, NNET_EV_DATA, c_data, NULL);
  nnet_socket_on(c, NNET_EV_END, c_end, NULL);
  nnet_socket_on(c, NNET_EV_ERROR, c_error, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, c_close, ev->target);
  nnet_socket_write(c, "hello", 5, NULL, NULL);
  if (mode >= 1) nnet_socket_end(c, NULL, 0, NULL, NULL);
}
int main(int argc, char **argv) {
  mode = argc > 1 ? atoi(argv[1]) : 0;
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.allow_half_open = true;
  nnet_server_t *srv;
  nnet_create_server(&so, on_conn, NULL, &srv);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  nnet_server_listen(srv, &lo, on_listening, NULL);
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
