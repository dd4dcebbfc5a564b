/* Error codes, names and Node-shaped error payloads.
 *
 * System errors are libuv's codes; Node-level ones come from NNET_ERR_MAP.
 * The builders reproduce the message formats of Node's lib/internal/errors.js
 * (errnoException, exceptionWithHostPort, uvExceptionWithHostPort,
 * NodeAggregateError) so an 'error' payload reads exactly as Node's does. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

_Static_assert((int)NNET_ERR_END_ < (int)UV_ERRNO_MAX,
               "NNET_ error codes must lie below libuv's range");

typedef struct {
  const char *name;
  const char *cls;
  const char *msg;
} node_err_t;

static const node_err_t node_errs[] = {
#define XX(code, cls, msg) {#code, cls, msg},
    NNET_ERR_MAP(XX)
#undef XX
};

static const node_err_t *node_err(int code) {
  if (code <= NNET_ERR_BASE_ || code >= NNET_ERR_END_) return NULL;
  return &node_errs[code - NNET_ERR_BASE_ - 1];
}

/* uv_err_name() allocates (and leaks) a string for codes it does not know,
 * so only known codes are passed to libuv. */
static int uv_known(int code) {
  switch (code) {
#define XX(code, _) case UV_##code:
    UV_ERRNO_MAP(XX)
#undef XX
    return 1;
    default:
      return 0;
  }
}

const char *nnet_err_name(int code) {
  const node_err_t *ne = node_err(code);
  if (ne != NULL) return ne->name;
  if (uv_known(code)) return uv_err_name(code);
  return "UNKNOWN";
}

const char *nnet_err_class(int code) {
  const node_err_t *ne = node_err(code);
  return ne != NULL ? ne->cls : "Error";
}

const char *nnet_strerror(int code) {
  const node_err_t *ne = node_err(code);
  if (ne != NULL) return ne->msg;
  if (uv_known(code)) return uv_strerror(code);
  return "unknown error";
}

/* ---- payload builders --------------------------------------------------- */

static char *vformat(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return NULL;
  char *s = nnet__malloc((size_t)n + 1);
  if (s != NULL) vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = vformat(fmt, ap);
  va_end(ap);
  return s;
}

/* The fields every payload shares; message falls back to a static text so
 * a payload is usable even when its formatted message could not be built. */
static void base_init(nnet__error_t *e, int code) {
  memset(e, 0, sizeof(*e));
  e->pub.code = code;
  e->pub.name = nnet_err_class(code);
  e->pub.code_name = nnet_err_name(code);
  e->pub.message = nnet_strerror(code);
  e->pub.port = -1;
}

/* Node: ` ${address}:${port}` when port > 0, else ` ${address}`. */
static int set_host_port(nnet__error_t *e, const char *head,
                         const char *address, int port, const char *local) {
  const char *lsep = local ? " - Local (" : "";
  const char *lend = local ? ")" : "";
  if (local == NULL) local = "";
  if (address != NULL) {
    e->addr_owned = nnet__strdup(address);
    if (e->addr_owned == NULL) return UV_ENOMEM;
    e->pub.address = e->addr_owned;
  }
  if (port > 0) {
    e->pub.port = port;
    e->pub.has_port = true;
  }
  if (address != NULL && port > 0)
    e->msg_owned =
        format("%s %s:%d%s%s%s", head, address, port, lsep, local, lend);
  else if (address != NULL)
    e->msg_owned = format("%s %s%s%s%s", head, address, lsep, local, lend);
  else
    e->msg_owned = format("%s%s%s%s", head, lsep, local, lend);
  if (e->msg_owned == NULL) return UV_ENOMEM;
  e->pub.message = e->msg_owned;
  return 0;
}

int nnet__error_sys_ex(nnet__error_t *e, int code, const char *syscall,
                       const char *address, int port, const char *local) {
  base_init(e, code);
  e->pub.syscall = syscall;
  char *head = format("%s %s", syscall, e->pub.code_name);
  if (head == NULL) return UV_ENOMEM;
  int rc = set_host_port(e, head, address, port, local);
  nnet__free(head);
  return rc;
}

int nnet__error_sys(nnet__error_t *e, int code, const char *syscall,
                    const char *address, int port) {
  return nnet__error_sys_ex(e, code, syscall, address, port, NULL);
}

int nnet__error_uv(nnet__error_t *e, int code, const char *syscall,
                   const char *address, int port) {
  base_init(e, code);
  e->pub.syscall = syscall;
  /* Node: `if (port) ex.port = port`, so a Unix listen's -1 is kept. */
  e->pub.has_port = port != 0;
  char *head =
      format("%s %s: %s", syscall, e->pub.code_name, nnet_strerror(code));
  if (head == NULL) return UV_ENOMEM;
  int rc = set_host_port(e, head, address, port, NULL);
  nnet__free(head);
  return rc;
}

int nnet__error_node(nnet__error_t *e, int code, const char *fmt, ...) {
  base_init(e, code);
  if (fmt == NULL) return 0;
  va_list ap;
  va_start(ap, fmt);
  e->msg_owned = vformat(fmt, ap);
  va_end(ap);
  if (e->msg_owned == NULL) return UV_ENOMEM;
  e->pub.message = e->msg_owned;
  return 0;
}

static int copy_parts(nnet__error_t *e, const nnet_error_t *parts, size_t n) {
  e->parts = nnet__calloc(n, sizeof(*e->parts));
  e->pub_parts = nnet__calloc(n, sizeof(*e->pub_parts));
  if (e->parts == NULL || e->pub_parts == NULL) return UV_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    if (nnet__error_copy(&e->parts[i], &parts[i]) != 0) return UV_ENOMEM;
    e->pub_parts[i] = e->parts[i].pub;
  }
  e->pub.errors = e->pub_parts;
  e->pub.n_errors = n;
  return 0;
}

/* On failure the partial copy is released so that a degraded *e owns
 * nothing it does not point at. */
static int parts_or_release(nnet__error_t *e, const nnet_error_t *parts,
                            size_t n, size_t alloc_n) {
  if (copy_parts(e, parts, n) == 0) return 0;
  for (size_t i = 0; e->parts != NULL && i < alloc_n; i++)
    nnet__error_clear(&e->parts[i]);
  nnet__free(e->parts);
  nnet__free(e->pub_parts);
  e->parts = NULL;
  e->pub_parts = NULL;
  e->pub.errors = NULL;
  e->pub.n_errors = 0;
  return UV_ENOMEM;
}

int nnet__error_aggregate(nnet__error_t *e, const nnet_error_t *parts,
                          size_t n) {
  base_init(e, n > 0 ? parts[0].code : UV_EINVAL);
  e->pub.name = "AggregateError";
  e->pub.message = "";
  if (n > 0 && parts[0].code_name != NULL)
    e->pub.code_name = parts[0].code_name;
  if (n == 0) return 0;
  int rc = parts_or_release(e, parts, n, n);
  /* code_name must not borrow from the caller's parts beyond this call. */
  if (rc == 0)
    e->pub.code_name = e->parts[0].pub.code_name;
  else
    e->pub.code_name = nnet_err_name(e->pub.code);
  return rc;
}

/* name, code_name and syscall of a foreign error are copied into one block:
 * the caller's strings need not outlive the copy. */
static int copy_extra(nnet__error_t *e, const nnet_error_t *src) {
  const char *s[3] = {src->name, src->code_name, src->syscall};
  size_t len[3], total = 0;
  for (int i = 0; i < 3; i++) {
    len[i] = s[i] ? strlen(s[i]) + 1 : 0;
    total += len[i];
  }
  if (total == 0) return 0;
  e->extra_owned = nnet__malloc(total);
  if (e->extra_owned == NULL) return UV_ENOMEM;
  char *p = e->extra_owned;
  const char **dst[3] = {&e->pub.name, &e->pub.code_name, &e->pub.syscall};
  for (int i = 0; i < 3; i++) {
    if (s[i] == NULL) continue;
    memcpy(p, s[i], len[i]);
    *dst[i] = p;
    p += len[i];
  }
  return 0;
}

int nnet__error_copy(nnet__error_t *e, const nnet_error_t *src) {
  base_init(e, src->code);
  if (src->name == NULL) e->pub.name = NULL;
  if (src->code_name == NULL) e->pub.code_name = NULL;
  e->pub.port = src->port;
  e->pub.has_port = src->has_port || src->port != -1;
  if (copy_extra(e, src) != 0) goto oom;
  if (src->message != NULL) {
    e->msg_owned = nnet__strdup(src->message);
    if (e->msg_owned == NULL) goto oom;
    e->pub.message = e->msg_owned;
  }
  if (src->address != NULL) {
    e->addr_owned = nnet__strdup(src->address);
    if (e->addr_owned == NULL) goto oom;
    e->pub.address = e->addr_owned;
  }
  if (src->n_errors > 0 && src->errors != NULL)
    return parts_or_release(e, src->errors, src->n_errors, src->n_errors);
  return 0;
oom:
  nnet__error_clear(e);
  base_init(e, src->code);
  e->pub.port = src->port;
  e->pub.has_port = src->has_port || src->port != -1;
  return UV_ENOMEM;
}

void nnet__error_clear(nnet__error_t *e) {
  for (size_t i = 0; e->parts != NULL && i < e->pub.n_errors; i++)
    nnet__error_clear(&e->parts[i]);
  nnet__free(e->parts);
  nnet__free(e->pub_parts);
  nnet__free(e->msg_owned);
  nnet__free(e->addr_owned);
  nnet__free(e->extra_owned);
  memset(e, 0, sizeof(*e));
  e->pub.port = -1;
}
