/* The C side of the conformance trace format (test/conformance/README.md).
 *
 * A twin NAME.c prints, line for line, what NAME.js prints under Node. The
 * helpers here mirror the JS preamble every scenario shares: log() buffered
 * per actor, label()/scrub(), q()/fmtErr()/tryThrow(), watch(), tmpPath()
 * and the 4 s watchdog. All strings handed in are UTF-8; all output is the
 * pure-ASCII form Node prints. Test code: plain malloc, exits on OOM. */
#ifndef NNET_CONF_TRACE_H
#define NNET_CONF_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "nodenet.h"

/* Set up: uncaught-'error' handler (Node would die with exit code 1),
 * and the unref'd 4 s watchdog on uv_default_loop(). Call first. */
void tr_init(void);
/* The loop every twin runs on (uv_default_loop(), like Node's one loop). */
uv_loop_t *tr_loop(void);

/* JS log(actor, ...parts): one line "actor <formatted>". */
void tr_log(const char *actor, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* JS label(value, name): value replaced by name in every printed line;
 * all-digit values only as whole numbers. */
void tr_label(const char *value, const char *name);
void tr_label_port(int port); /* label(port, 'PORT') */

/* Formatters. Results live in a ring of 64 slots: use them within the
 * next few calls (one tr_log), never keep them. */
const char *tr_q(const char *utf8);                /* q(string) */
const char *tr_qn(const char *utf8, size_t len);   /* q(string) */
const char *tr_hex(const void *bytes, size_t len); /* q(Buffer) */
const char *tr_latin1(const void *bytes,
                      size_t len); /* q(buf.toString('latin1')) */
const char *tr_bool(bool b);       /* "true"/"false" */
/* A 'close' event's hadError: "true"/"false", or "undefined" when Node
 * emits 'close' without an argument (has_had_error false). */
const char *tr_had_error(const nnet_event_t *ev);
const char *tr_err(const nnet_error_t *e); /* fmtErr(e) */
const char *tr_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Node's family string for 4/6: "IPv4"/"IPv6"; anything else "undefined". */
const char *tr_family(int family);
/* q(server.address()) for TCP: {"address":..,"family":"IPv4","port":N}. */
const char *tr_addr_json(const nnet_socketaddress_t *sa);
/* JS string length (UTF-16 code units) of UTF-8 text. */
size_t tr_utf16_len(const char *utf8, size_t len);

/* A synchronous error as Node throws it: fmtErr of an error whose class and
 * code come from rc (nnet_err_class/nnet_err_name). The message is Node's
 * text for the code the scenario expects: pass (code name, message) string
 * pairs, e.g. "ERR_SOCKET_BAD_PORT", "options.port should be ...", ending
 * with NULL. If rc's name is none of them, nnet_strerror(rc) is printed,
 * so a wrong code shows up in the diff. */
const char *tr_sync_err(int rc, ...) __attribute__((sentinel));
/* tryThrow: "WHAT ok RESULT" (result "" gives Node's trailing space). */
void tr_ok(const char *actor, const char *what, const char *result);
/* tryThrow failure: "WHAT throws <tr_sync_err(rc, ...)>"; pairs as above. */
void tr_throws(const char *actor, const char *what, int rc, ...)
    __attribute__((sentinel));

/* JS watch(sock, who, opts). */
typedef struct {
  bool each_data; /* log every 'data' chunk */
  bool no_total;  /* no rx-total line */
  int enc;        /* -1: bytes; else the nnet_encoding_t set on the socket */
  unsigned skip;  /* bit mask of (1u << NNET_EV_x) among connect ready
                     finish drain timeout */
} tr_watch_opts_t;
void tr_watch_opts_init(tr_watch_opts_t *o);
void tr_watch(nnet_socket_t *s, const char *who, const tr_watch_opts_t *o);

/* Socket/server properties as Node prints them: "undefined" where Node's
 * property is undefined (pipes, before connect, after destroy). */
const char *tr_remote_address(const nnet_socket_t *s);
const char *tr_remote_port(const nnet_socket_t *s);
const char *tr_remote_family(const nnet_socket_t *s);
const char *tr_local_address(const nnet_socket_t *s);
const char *tr_local_port(const nnet_socket_t *s);
const char *tr_local_family(const nnet_socket_t *s);
/* socket.writable / readable / writableEnded / allowHalfOpen /
 * readableLength, as Node prints them. */
const char *tr_writable(const nnet_socket_t *s);
const char *tr_readable(const nnet_socket_t *s);
const char *tr_writable_ended(const nnet_socket_t *s);
const char *tr_allow_half_open(const nnet_socket_t *s);
const char *tr_readable_length(const nnet_socket_t *s);
/* q(socket.address()): the TCP object, or {} (pipes, closed sockets). */
const char *tr_socket_address(const nnet_socket_t *s);
/* server.address().port, or -1. */
int tr_server_port(const nnet_server_t *srv);
/* q(server.address()): the TCP object, the quoted path, or null. */
const char *tr_server_address(const nnet_server_t *srv);

/* Thin wrappers that log "main <WHAT>-FAILED CODE" where the JS call cannot
 * fail (so a library refusal shows in the diff). create/connect exit 97. */
int tr_listen(nnet_server_t *srv, int port, const char *host,
              nnet_listener_fn cb, void *ctx);
int tr_listen_path(nnet_server_t *srv, const char *path, nnet_listener_fn cb,
                   void *ctx);
nnet_server_t *tr_create_server(const nnet_server_opts_t *o,
                                nnet_listener_fn conn, void *ctx);
nnet_socket_t *tr_connect(int port, const char *host);

/* JS tmpPath(name): a fresh directory (labelled $TMP, removed at exit)
 * joined with name. The string is valid until exit. */
const char *tr_tmp_path(const char *name);

/* Node's 'exit': print every actor's lines (main server sconn client, then
 * first-use order), scrubbed, then "exit code=N". Later logs are dropped.
 * Returns code. Idempotent (prints once). */
int tr_finish(int code);
/* process.exit(code): tr_finish and exit now (skipping cleanup). */
void tr_exit(int code) __attribute__((noreturn));
/* Close every handle left on the loop, run it, and check uv_loop_close.
 * Returns 0, or 1 after a message on stderr when something leaked. */
int tr_teardown(void);

/* Set by trace_watch.c: frees the watch() records at teardown. */
extern void (*tr__free_watches)(void);

#endif
