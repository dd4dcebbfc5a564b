/* Node-level error codes.
 *
 * Functions return 0 (or a count) on success and a negative code on error.
 * System errors are libuv's UV_E* codes passed through unchanged; the codes
 * below are the ones Node raises itself. They are numbered from
 * NNET_ERR_BASE_ upward, far below libuv's range (a static assertion in
 * src/core/error.c keeps it so).
 *
 * XX(code, Node error class, default message). The message is Node's text;
 * where Node's text has a variable part, the error payload of an event
 * carries the formatted text and this is the fixed prefix. */
#ifndef NODENET_ERRORS_H
#define NODENET_ERRORS_H

#include "export.h"

#define NNET_ERR_MAP(XX)                                                      \
  XX(ERR_SERVER_ALREADY_LISTEN, "Error",                                      \
     "Listen method has been called more than once without closing.")         \
  XX(ERR_SERVER_NOT_RUNNING, "Error", "Server is not running.")               \
  XX(ERR_SOCKET_CLOSED, "Error", "Socket is closed")                          \
  XX(ERR_SOCKET_CLOSED_BEFORE_CONNECTION, "Error",                            \
     "Socket closed before the connection was established")                   \
  XX(ERR_SOCKET_BAD_PORT, "RangeError", "Port should be >= 0 and < 65536.")   \
  XX(ERR_SOCKET_CONNECTION_TIMEOUT, "Error", "Socket connection timeout")     \
  XX(ERR_STREAM_WRITE_AFTER_END, "Error", "write after end")                  \
  XX(ERR_STREAM_DESTROYED, "Error",                                           \
     "Cannot call write after a stream was destroyed")                        \
  XX(ERR_STREAM_PREMATURE_CLOSE, "Error", "Premature close")                  \
  XX(ERR_INVALID_ARG_VALUE, "TypeError", "The argument is invalid.")          \
  XX(ERR_INVALID_ARG_TYPE, "TypeError", "The argument has the wrong type.")   \
  XX(ERR_OUT_OF_RANGE, "RangeError", "The value is out of range.")            \
  XX(ERR_MISSING_ARGS, "TypeError", "A required argument is missing.")        \
  XX(ERR_INVALID_IP_ADDRESS, "TypeError", "Invalid IP address")               \
  XX(ERR_INVALID_ADDRESS_FAMILY, "RangeError", "Invalid address family")      \
  XX(ERR_INVALID_FD_TYPE, "TypeError", "Unsupported fd type")                 \
  XX(ERR_INVALID_HANDLE_TYPE, "TypeError", "This handle type cannot be sent") \
  XX(ERR_UNKNOWN_ENCODING, "TypeError", "Unknown encoding")                   \
  XX(ERR_IP_BLOCKED, "Error", "IP is blocked by net.BlockList")               \
  XX(ERR_INVALID_STATE, "Error", "Invalid state")                             \
  XX(ABORT_ERR, "AbortError", "The operation was aborted")                    \
  XX(ERR_PATH_TOO_LONG, "RangeError",                                         \
     "The Unix socket path is longer than the platform allows")               \
  XX(ERR_INVALID_ADDRESS, "Error", "Invalid socket address")                  \
  XX(ERR_STREAM_ALREADY_FINISHED, "Error",                                    \
     "Cannot call end after a stream was finished")                           \
  XX(ERR_SOCKET_HANDLE_ADOPTED, "Error",                                      \
     "The bound socket has already been adopted by a server or socket")       \
  XX(ERR_WRITE_BUFFER_FULL, "Error",                                          \
     "Write refused: the socket's write buffer would exceed its limit")       \
  XX(ERR_WORKER_HANDLE_NOT_TRANSFERABLE, "Error",                             \
     "The socket or server is not in a transferable state")                   \
  XX(ERR_TRANSFER_NO_RECEIVER, "Error",                                       \
     "The target loop does not accept transfers")

/* Node-level error codes (NNET_ERR_SOCKET_BAD_PORT is Node's
 * 'ERR_SOCKET_BAD_PORT'): negative, far below libuv's UV_E* range, so one
 * int carries either. */
typedef enum {
  NNET_ERR_BASE_ = -20000,
#define NNET_ERR_ENUM_(code, cls, msg) NNET_##code,
  NNET_ERR_MAP(NNET_ERR_ENUM_)
#undef NNET_ERR_ENUM_
      NNET_ERR_END_
} nnet_errno_t;

/* Node's err.code for any code this library returns: "ECONNREFUSED",
 * "ERR_SOCKET_BAD_PORT". Unknown codes give "UNKNOWN". Never NULL. */
NNET_EXTERN const char *nnet_err_name(int code);

/* Node's error class for the code: "Error", "TypeError", "RangeError",
 * "AbortError". System errors are "Error". Never NULL. */
NNET_EXTERN const char *nnet_err_class(int code);

/* A human-readable default message: Node's fixed text for NNET_ codes,
 * libuv's uv_strerror() text for system codes. Never NULL. */
NNET_EXTERN const char *nnet_strerror(int code);

#endif
