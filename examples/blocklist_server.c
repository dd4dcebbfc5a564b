/* A server that refuses 10.0.0.0/8 and 192.168.0.0/16 and serves at most
 * two clients at a time; extra clients are dropped ('drop' event). */
#include <nodenet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_connection(const nnet_event_t *ev, void *ctx) {
  const char *msg = "welcome\n";
  nnet_socket_end(ev->u.connection.socket, msg, strlen(msg), NULL, NULL);
}

static void on_drop(const nnet_event_t *ev, void *ctx) {
  fprintf(stderr, "dropped %s:%d (maxConnections)\n", ev->u.drop.remote_address,
          ev->u.drop.remote_port);
}

int main(int argc, char **argv) {
  nnet_blocklist_t *bl = nnet_blocklist_new();
  if (!bl) return 1;
  nnet_blocklist_add_subnet(bl, "10.0.0.0", 8, NNET_IPV4);
  nnet_blocklist_add_subnet(bl, "192.168.0.0", 16, NNET_IPV4);
  nnet_server_opts_t o;
  nnet_server_opts_init(&o);
  o.block_list = bl; /* borrowed: keep it alive while the server runs */
  nnet_server_t *srv;
  if (nnet_create_server(&o, on_connection, NULL, &srv) < 0) return 1;
  nnet_server_set_max_connections(srv, 2);
  nnet_server_on(srv, NNET_EV_DROP, on_drop, NULL);
  int port = argc > 1 ? atoi(argv[1]) : 7001;
  if (nnet_server_listen_tcp(srv, port, "127.0.0.1") < 0) return 1;
  int rc = uv_run(uv_default_loop(), UV_RUN_DEFAULT);
  nnet_blocklist_free(bl);
  return rc;
}
