/* Node: test/parallel/test-net-binary.js
 * Every byte value survives a latin1 ('binary') round trip through an echo
 * server that decodes and re-encodes latin1: the client sends the 256
 * characters 255..0, then one character per character received, and gets
 * back 512 characters, the first 256 the reverse of the last 256. JS
 * strings are UTF-8 text here (write_str with NNET_ENC_LATIN1; 'data' after
 * setEncoding('latin1') is UTF-8 text), compared as code points. Node
 * checks the result at exit; here at the client's 'close', the last
 * event. */
#include "common.h"

static nnet_server_t *echo_server;
static nnet_socket_t *c;
static int j;
static int recv_cp[1024];
static int recv_len;
static nt_count_t *closes;

/* Code points of UTF-8 text (only U+0000..U+00FF occur). */
static int decode(const char *s, size_t len, int *out, int max) {
  int n = 0;
  for (size_t i = 0; i < len;) {
    unsigned char b = (unsigned char)s[i];
    NT_ASSERT(n < max);
    if (b < 0x80) {
      out[n++] = b;
      i++;
    } else {
      NT_ASSERT((b & 0xe0) == 0xc0 && i + 1 < len);
      out[n++] = ((b & 0x1f) << 6) | ((unsigned char)s[i + 1] & 0x3f);
      i += 2;
    }
  }
  return n;
}

/* String.fromCharCode(cp) as UTF-8. */
static size_t encode(int cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  out[0] = (char)(0xc0 | (cp >> 6));
  out[1] = (char)(0x80 | (cp & 0x3f));
  return 2;
}

static void srv_on_data(const nnet_event_t *ev, void *ctx) {
  NT_ASSERT(ev->u.data.is_string);
  NT_ASSERT(nnet_socket_write_str(ev->target, ev->u.data.base, ev->u.data.len,
                                  NNET_ENC_LATIN1, NULL, NULL) >= 0);
}

static void srv_on_end(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *conn = ev->u.connection.socket;
  NT_OK(nnet_socket_set_encoding(conn, NNET_ENC_LATIN1));
  NT_OK(nnet_socket_on(conn, NNET_EV_DATA, srv_on_data, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_END, srv_on_end, NULL));
}

static void c_on_data(const nnet_event_t *ev, void *ctx) {
  int cps[1024];
  int len = decode(ev->u.data.base, ev->u.data.len, cps, 1024);
  int n = j + len;
  NT_ASSERT(ev->u.data.is_string);
  while (j < n && j < 256) {
    char buf[2];
    NT_ASSERT(nnet_socket_write_str(c, buf, encode(j, buf), NNET_ENC_LATIN1,
                                    NULL, NULL) >= 0);
    j++;
  }
  /* Called again for later chunks, as in Node; once 'finish' has passed
   * that is NNET_ERR_STREAM_ALREADY_FINISHED (Node: silently ignored). */
  if (j == 256) {
    int rc = nnet_socket_end(c, NULL, 0, NULL, NULL);
    NT_ASSERT(rc == 0 || rc == NNET_ERR_STREAM_ALREADY_FINISHED);
  }
  NT_ASSERT(recv_len + len <= 1024);
  memcpy(recv_cp + recv_len, cps, len * sizeof(int));
  recv_len += len;
}

static void c_on_connect(const nnet_event_t *ev, void *ctx) {
  char binary_string[512];
  size_t len = 0;
  for (int i = 255; i >= 0; i--) len += encode(i, binary_string + len);
  NT_ASSERT(nnet_socket_write_str(c, binary_string, len, NNET_ENC_LATIN1, NULL,
                                  NULL) >= 0);
}

static void c_on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
  NT_OK(nnet_server_close(echo_server, NULL, NULL));
  NT_EQ(recv_len, 2 * 256);
  for (int i = 0; i < 256; i++) NT_EQ(recv_cp[255 - i], recv_cp[256 + i]);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(echo_server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &c));
  NT_OK(nnet_socket_set_encoding(c, NNET_ENC_LATIN1));
  NT_OK(nnet_socket_on(c, NNET_EV_DATA, c_on_data, NULL));
  NT_OK(nnet_socket_on(c, NNET_EV_CONNECT, c_on_connect, NULL));
  NT_OK(nnet_socket_on(c, NNET_EV_CLOSE, c_on_close, NULL));
}

int main(void) {
  nt_init();
  closes = NT_MUST_CALL("client close", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &echo_server));
  NT_OK(nnet_server_listen_tcp(echo_server, 0, NULL));
  NT_OK(nnet_server_on(echo_server, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
