/* A raw-libuv peer for the socket tests (header-only, static). */
#ifndef TEST_SOCKET_PEER_H
#define TEST_SOCKET_PEER_H

#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef enum {
  PEER_ECHO,   /* echo everything, end when the client ends */
  PEER_SILENT, /* accept, never read */
  PEER_CLOSE,  /* close right after accept */
  PEER_SINK,   /* read and discard, end when the client ends */
} peer_mode_t;

typedef struct {
  uv_loop_t *loop;
  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
    uv_stream_t stream;
  } srv;
  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
    uv_stream_t stream;
  } conn;
  bool is_pipe, has_conn;
  peer_mode_t mode;
  int port;
  char path[200];
  size_t received;
  int eof;
} peer_t;

static char peer_buf[65536];

static inline void peer_alloc(uv_handle_t *h, size_t n, uv_buf_t *b) {
  b->base = peer_buf;
  b->len = sizeof(peer_buf);
}

static inline void peer_write_done(uv_write_t *w, int status) {
  free(w);
}

static inline void peer_shutdown_done(uv_shutdown_t *r, int status) {
  free(r);
}

static inline void peer_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b) {
  peer_t *p = st->data;
  if (n > 0) {
    p->received += (size_t)n;
    if (p->mode == PEER_ECHO) {
      uv_write_t *w = malloc(sizeof(*w) + (size_t)n);
      memcpy((char *)(w + 1), b->base, (size_t)n);
      uv_buf_t buf = uv_buf_init((char *)(w + 1), (unsigned)n);
      uv_write(w, st, &buf, 1, peer_write_done);
    }
  } else if (n < 0) {
    p->eof++;
    uv_read_stop(st);
    if (n == UV_EOF) {
      uv_shutdown_t *r = malloc(sizeof(*r));
      if (uv_shutdown(r, st, peer_shutdown_done) != 0) free(r);
    }
    uv_close((uv_handle_t *)st, NULL);
    p->has_conn = false;
  }
}

static inline void peer_on_conn(uv_stream_t *srv, int status) {
  peer_t *p = srv->data;
  ck_assert_int_eq(status, 0);
  ck_assert(!p->has_conn);
  if (p->is_pipe)
    uv_pipe_init(p->loop, &p->conn.pipe, 0);
  else
    uv_tcp_init(p->loop, &p->conn.tcp);
  p->conn.stream.data = p;
  ck_assert_int_eq(uv_accept(srv, &p->conn.stream), 0);
  p->has_conn = true;
  if (p->mode == PEER_CLOSE) {
    uv_close((uv_handle_t *)&p->conn, NULL);
    p->has_conn = false;
  } else if (p->mode != PEER_SILENT) {
    uv_read_start(&p->conn.stream, peer_alloc, peer_read);
  }
  /* one connection per peer: stop listening */
  uv_close((uv_handle_t *)&p->srv, NULL);
}

static inline void peer_start_tcp(peer_t *p, uv_loop_t *loop,
                                  peer_mode_t mode) {
  memset(p, 0, sizeof(*p));
  p->loop = loop;
  p->mode = mode;
  uv_tcp_init(loop, &p->srv.tcp);
  p->srv.stream.data = p;
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  ck_assert_int_eq(uv_tcp_bind(&p->srv.tcp, (struct sockaddr *)&a, 0), 0);
  ck_assert_int_eq(uv_listen(&p->srv.stream, 16, peer_on_conn), 0);
  int len = sizeof(a);
  uv_tcp_getsockname(&p->srv.tcp, (struct sockaddr *)&a, &len);
  p->port = ntohs(a.sin_port);
}

static inline void peer_start_pipe(peer_t *p, uv_loop_t *loop,
                                   peer_mode_t mode) {
  memset(p, 0, sizeof(*p));
  p->loop = loop;
  p->mode = mode;
  p->is_pipe = true;
  static int n;
  snprintf(p->path, sizeof(p->path), "%.150s/p%d.sock", nnet_test_tmpdir(),
           n++);
  uv_pipe_init(loop, &p->srv.pipe, 0);
  p->srv.stream.data = p;
  ck_assert_int_eq(uv_pipe_bind(&p->srv.pipe, p->path), 0);
  ck_assert_int_eq(uv_listen(&p->srv.stream, 16, peer_on_conn), 0);
}

/* Peer resumes reading (PEER_SILENT → PEER_SINK). */
static inline void peer_resume(peer_t *p) {
  p->mode = PEER_SINK;
  if (p->has_conn) uv_read_start(&p->conn.stream, peer_alloc, peer_read);
}

static inline void peer_close(peer_t *p) {
  if (p->has_conn && !uv_is_closing((uv_handle_t *)&p->conn))
    uv_close((uv_handle_t *)&p->conn, NULL);
  p->has_conn = false;
  if (!uv_is_closing((uv_handle_t *)&p->srv))
    uv_close((uv_handle_t *)&p->srv, NULL);
}

/* Event recorder: a trace string of event names. */
typedef struct {
  char trace[512];
  int counts[NNET_EV_COUNT_];
  int error_code;
  char error_msg[256];
  char error_code_name[64];
  char error_syscall[32];
  char error_address[128];
  int error_port;
  bool had_error;
  char data[4096];
  size_t data_len;
} rec_t;

static inline void rec_fn(const nnet_event_t *ev, void *ctx) {
  rec_t *r = ctx;
  r->counts[ev->type]++;
  if (r->trace[0]) strcat(r->trace, ",");
  strcat(r->trace, nnet_event_name(ev->type));
  if (ev->type == NNET_EV_ERROR) {
    const nnet_error_t *e = ev->u.error;
    r->error_code = e->code;
    snprintf(r->error_msg, sizeof r->error_msg, "%s", e->message);
    snprintf(r->error_code_name, sizeof r->error_code_name, "%s", e->code_name);
    snprintf(r->error_syscall, sizeof r->error_syscall, "%s",
             e->syscall ? e->syscall : "");
    snprintf(r->error_address, sizeof r->error_address, "%s",
             e->address ? e->address : "");
    r->error_port = e->port;
  } else if (ev->type == NNET_EV_CLOSE) {
    r->had_error = ev->u.close.had_error;
  } else if (ev->type == NNET_EV_DATA) {
    size_t n = ev->u.data.len;
    if (r->data_len + n > sizeof(r->data)) n = sizeof(r->data) - r->data_len;
    memcpy(r->data + r->data_len, ev->u.data.base, n);
    r->data_len += n;
  }
}

static inline void rec_all(nnet_socket_t *s, rec_t *r) {
  memset(r, 0, sizeof(*r));
  /* The connectionAttempt* events are test_connect_*'s business. */
  for (int t = 0; t < NNET_EV_CONNECTION_ATTEMPT; t++)
    nnet_socket_on(s, (nnet_event_type_t)t, rec_fn, r);
}

static inline void rec_append(rec_t *r, const char *what) {
  if (r->trace[0]) strcat(r->trace, ",");
  strcat(r->trace, what);
}

#endif
