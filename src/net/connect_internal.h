/* State of one socket.connect() (connect.c, lookup.c, happy_eyeballs.c).
 *
 * connect.c validates and starts; lookup.c turns the host into candidate
 * addresses (getaddrinfo or the user's `lookup`), emitting 'lookup' as Node
 * does; happy_eyeballs.c runs the connection attempts (one, Node's
 * sequential autoSelectFamily, or RFC 8305 racing) and hands the winning
 * descriptor to the socket's uv_tcp_t.
 *
 * Attempts are raw non-blocking sockets watched by their own uv_poll_t, so
 * several can be in flight at once; their handles and timers free
 * themselves in their close callbacks and never point back at the socket.
 * The state itself is freed once connected, failed or cancelled and no
 * lookup is outstanding; with an attempted-addresses list it is kept until
 * the socket is freed (nnet__connect_release). */
#ifndef NNET_CONNECT_INTERNAL_H
#define NNET_CONNECT_INTERNAL_H

#include <sys/socket.h>

#include "net/socket_internal.h"

/* One address to try. */
typedef struct {
  struct sockaddr_storage sa; /* port already set */
  int family;                 /* 4 or 6 */
  char text[64];              /* as the lookup gave it */
} nnet__cand_t;

typedef struct nnet__attempt_s nnet__attempt_t;

typedef struct nnet__connect_s {
  nnet_socket_t *s;
  uv_getaddrinfo_t gai;
  bool gai_active, lookup_active, cancelled, finished;
  bool lookup_calling; /* inside the user's lookup(), called by connect() */
  char *host;          /* TCP: the host asked for ("localhost" by default) */
  int port;
  int family, hints;
  char *local_address;
  int local_port;
  char *path; /* Unix: exact bytes, NUL-terminated copy */
  size_t path_len;
  int pipe_err;
  /* options */
  nnet_lookup_fn lookup;
  void *lookup_ctx;
  bool auto_select;
  unsigned attempt_timeout;
  int he_mode;
  unsigned connect_timeout;
  nnet_blocklist_t *block_list;
  /* candidates and attempts (happy_eyeballs.c) */
  nnet__cand_t *cands;
  size_t n_cands, next_cand;
  bool multi;                /* Node's internalConnectMultiple path */
  nnet__attempt_t *attempts; /* in flight */
  nnet__error_t *errors;     /* failed attempts, in order (multi) */
  size_t n_errors;
  uv_timer_t *attempt_timer; /* attempt timeout / racing delay */
  uv_timer_t *total_timer;   /* connectTimeout */
  /* Node: socket.autoSelectFamilyAttemptedAddresses */
  char **attempted;
  size_t n_attempted;
} nnet__connect_t;

/* ---- connect.c ---- */
/* Frees the state unless a lookup is outstanding or it holds the
 * attempted-addresses list (then only the in-progress parts go). */
void nnet__connect_state_free(nnet_socket_t *s);
/* The connection is established on s->h: Node's afterConnect success. */
void nnet__connect_established(nnet_socket_t *s);
/* Destroy s with e (moved), unless it is dead already. */
void nnet__connect_destroy(nnet_socket_t *s, nnet__error_t *e);
/* Node's ExceptionWithHostPort for a connect error, with the
 * " - Local (a:p)" suffix when details is not NULL. */
void nnet__connect_error(nnet__error_t *e, int err, const char *syscall,
                         const char *address, int port, const char *details);

/* For socket_props.c / socket.c (see notes-connect.md): the attempted
 * addresses survive destroy and are freed with the socket. */
size_t nnet__connect_attempted_count(const nnet_socket_t *s);
const char *nnet__connect_attempted(const nnet_socket_t *s, size_t i);
void nnet__connect_release(nnet_socket_t *s);

/* ---- lookup.c ---- */
/* Resolve st->host (getaddrinfo or the custom lookup) on a later turn. */
int nnet__lookup_begin(nnet_socket_t *s);

/* ---- happy_eyeballs.c ---- */
/* Try the candidates st->cands (n >= 1). multi: Node's autoSelectFamily
 * path (attempted list, AggregateError). */
void nnet__he_run(nnet_socket_t *s, bool multi);
/* Destroyed while attempts are in flight: close them with Node's
 * 'connectionAttemptFailed' (ECANCELED) before the socket's 'close'. */
void nnet__he_cancel(nnet__connect_t *st);
/* Close every attempt and timer (connected, destroyed or failed). */
void nnet__he_stop(nnet__connect_t *st);
/* Start the connectTimeout timer. */
int nnet__he_total_timer(nnet_socket_t *s, unsigned ms);
/* Blocked by the outbound blockList? Builds ERR_IP_BLOCKED into e. */
bool nnet__he_blocked(nnet__connect_t *st, const nnet__cand_t *c,
                      nnet__error_t *e);

#endif
