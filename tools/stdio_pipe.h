/* Piping stdin/stdout through one socket with backpressure both ways. */
#ifndef NNET_CLI_STDIO_PIPE_H
#define NNET_CLI_STDIO_PIPE_H

#include "cli.h"

typedef struct {
  uv_loop_t *loop;
  nnet_socket_t *sock;
  bool half_close; /* keep sending stdin after the peer ended */
  bool verbose;
  int exit_status;
  /* stdin */
  uv_stream_t *in;
  union {
    uv_pipe_t pipe;
    uv_tty_t tty;
  } in_h;
  int in_fd_file; /* >= 0: stdin is a regular file, read with uv_fs_read */
  uv_fs_t in_req;
  char in_buf[65536];
  bool in_open, in_reading, in_eof;
  bool conn_over;     /* the peer ended (no --half-close): no more stdin */
  ssize_t in_pending; /* a file chunk read while no connection took it */
  /* stdout */
  uv_stream_t *out;
  union {
    uv_pipe_t pipe;
    uv_tty_t tty;
  } out_h;
  bool out_open;
  bool sock_paused;
  /* what to do once the socket has closed */
  void (*on_done)(void *arg);
  void *done_arg;
} stdio_pipe_t;

/* Open stdin/stdout on loop. */
int stdio_pipe_init(stdio_pipe_t *p, uv_loop_t *loop, bool verbose,
                    bool half_close);
/* Attach the socket (connected or accepted) and start piping. */
void stdio_pipe_attach(stdio_pipe_t *p, nnet_socket_t *s);
/* Close stdin/stdout handles. */
void stdio_pipe_close(stdio_pipe_t *p);
/* Print an event line to stderr when verbose. */
void stdio_pipe_trace(const stdio_pipe_t *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
