/* Piping stdin/stdout through one socket with backpressure both ways. */
#ifndef NNET_CLI_STDIO_PIPE_H
#define NNET_CLI_STDIO_PIPE_H

#include <stdint.h>

#include "cli.h"

/* Sockets are half-open (allowHalfOpen): the peer's FIN ends only the
 * peer's direction; stdin is still sent to its end. A connection is done
 * once both directions are: stdin sent in full and our FIN out, and the
 * peer's FIN received. exit_status is CLI_ERR whenever stdin was not sent
 * in full (a reset, a write error), with a message saying how much was. */
typedef struct {
  uv_loop_t *loop;
  nnet_socket_t *sock;
  /* listen --keep: the peer's FIN also ends this connection's share of
   * stdin (our FIN follows what was queued); the rest of stdin goes to the
   * next connection. */
  bool split;
  bool verbose;
  int exit_status;
  /* stdin */
  uv_stream_t *in;
  union {
    uv_pipe_t pipe;
    uv_tty_t tty;
  } in_h;
  int in_fd_file; /* >= 0: stdin is a file or device, read with uv_fs_read */
  uv_fs_t in_req;
  char in_buf[65536];
  bool in_open, in_reading, in_eof, in_tty;
  bool idle;          /* no connection: read ahead one chunk, watch for EOF */
  ssize_t in_pending; /* a chunk (in in_buf) read while no connection took it */
  int64_t in_size;    /* regular-file stdin: bytes to send; -1 unknown */
  uint64_t in_total;  /* bytes read from stdin */
  uint64_t in_given;  /* bytes of stdin passed to the socket's write() */
  uint64_t in_sent;   /* ... and handed to the kernel (write callback 0) */
  /* this connection */
  bool connected;
  bool conn_over; /* split: this connection takes no more stdin */
  bool end_called, fin_sent;
  /* stdout */
  uv_stream_t *out;
  union {
    uv_pipe_t pipe;
    uv_tty_t tty;
  } out_h;
  bool out_open, out_failed;
  bool sock_paused;
  /* what to do once the socket has closed (and, with stdio_pipe_idle(),
   * once stdin ends while no connection is attached) */
  void (*on_done)(void *arg);
  void *done_arg;
} stdio_pipe_t;

/* Open stdin/stdout on loop. split: see stdio_pipe_t.split. */
int stdio_pipe_init(stdio_pipe_t *p, uv_loop_t *loop, bool verbose, bool split);
/* Attach the socket (connected or accepted; created with allowHalfOpen)
 * and start piping. */
void stdio_pipe_attach(stdio_pipe_t *p, nnet_socket_t *s);
/* Between connections: read ahead one chunk of stdin for the next one and
 * call on_done if stdin ends meanwhile. */
void stdio_pipe_idle(stdio_pipe_t *p);
/* Close stdin/stdout handles (stdout is flushed first). */
void stdio_pipe_close(stdio_pipe_t *p);
/* Print an event line to stderr when verbose. */
void stdio_pipe_trace(const stdio_pipe_t *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
