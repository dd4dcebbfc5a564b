/* Node: test/parallel/test-net-large-string.js
 * A 40960-character string ('\u3042' repeated, 3 bytes each in UTF-8)
 * written with encoding 'UTF-8' arrives whole at a server that decodes
 * with setEncoding('UTF-8'): the decoded length (UTF-16 units, as JS
 * counts) is 40960. */
#include "common.h"

#define K_POOL_SIZE (40 * 1024)

static nnet_server_t *server;
static nt_count_t *connections, *ends;
static size_t received_size;
static char *data;

/* JS string length of UTF-8 text: one unit per character, two for a
 * 4-byte sequence (a surrogate pair). */
static size_t utf16_length(const char *s, size_t n) {
  size_t units = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c & 0xC0) != 0x80) units += c >= 0xF0 ? 2 : 1;
  }
  return units;
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  NT_ASSERT(ev->u.data.is_string);
  received_size += utf16_length(ev->u.data.base, ev->u.data.len);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  NT_EQ(received_size, K_POOL_SIZE);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket = ev->u.connection.socket;
  NT_HIT(connections);
  int enc = nnet_encoding_from_name("UTF-8");
  NT_OK(enc);
  NT_OK(nnet_socket_set_encoding(socket, (nnet_encoding_t)enc));
  NT_OK(nnet_socket_on(socket, NNET_EV_DATA, on_data, NULL));
  NT_OK(nnet_socket_on(socket, NNET_EV_END, on_end, NULL));
}

static void client_on_end(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client;
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL,
                                   &client));
  NT_OK(nnet_socket_on(client, NNET_EV_END, client_on_end, NULL));
  int enc = nnet_encoding_from_name("UTF-8");
  NT_OK(enc);
  NT_OK(nnet_socket_write_str(client, data, 3 * K_POOL_SIZE,
                              (nnet_encoding_t)enc, NULL, NULL));
  NT_OK(nnet_socket_end(client, NULL, 0, NULL, NULL));
}

int main(void) {
  nt_init();
  connections = NT_MUST_CALL("connection", 1);
  ends = NT_MUST_CALL("server socket end", 1);
  data = malloc(3 * K_POOL_SIZE);
  NT_ASSERT(data != NULL);
  for (size_t i = 0; i < K_POOL_SIZE; i++)
    memcpy(data + 3 * i, "\xE3\x81\x82", 3);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  int rc = nt_finish();
  free(data);
  return rc;
}
