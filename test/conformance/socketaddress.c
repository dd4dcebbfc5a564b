/* Twin of socketaddress.js: net.SocketAddress defaults, validation, toJSON. */
#include "trace.h"

static const char *show(const nnet_socketaddress_t *sa) {
  return tr_fmt("address=%s port=%u family=%s flowlabel=%u", sa->address,
                (unsigned)sa->port, sa->family == NNET_IPV6 ? "ipv6" : "ipv4",
                (unsigned)sa->flowlabel);
}

static void make(const char *what, const char *address, nnet_family_t family,
                 int port, uint32_t flowlabel) {
  nnet_socketaddress_t sa;
  int rc = nnet_socketaddress_init(&sa, address, family, port, flowlabel);
  if (rc < 0)
    tr_log("main", "%s FAILED %s", what, nnet_err_name(rc));
  else
    tr_log("main", "%s %s", what, show(&sa));
}

/* tryThrow(what, () => show(new net.SocketAddress(opts))); code/msg: the
 * error Node throws for these options. */
static void try_make(const char *what, const char *address,
                     nnet_family_t family, int port, uint32_t flowlabel,
                     const char *code, const char *msg) {
  nnet_socketaddress_t sa;
  int rc = nnet_socketaddress_init(&sa, address, family, port, flowlabel);
  if (rc >= 0)
    tr_ok("main", what, tr_q(show(&sa)));
  else
    tr_throws("main", what, rc, code, msg, (char *)NULL);
}

static const char *bad_port(int port) {
  return tr_fmt(
      "options.port should be >= 0 and < 65536. Received type "
      "number (%d).",
      port);
}

int main(void) {
  tr_init();
  make("new SocketAddress()", NULL, 0, 0, 0);
  make("new SocketAddress({})", NULL, 0, 0, 0);
  make("ipv4 + port", "123.123.123.123", 0, 80, 0);
  make("family ipv6", NULL, NNET_IPV6, 0, 0);
  make("family IPv6 + flowlabel", NULL, NNET_IPV6, 0, 1);
  make("v6 long form", "0:0:0:0:0:0:0:1", NNET_IPV6, 65535, 0);
  nnet_socketaddress_t sa;
  char json[128];
  if (nnet_socketaddress_init(&sa, "::1", NNET_IPV6, 9, 0) == 0 &&
      nnet_socketaddress_to_json(&sa, json, sizeof(json)) > 0)
    tr_log("main", "toJSON %s", json);
  else
    tr_log("main", "toJSON FAILED");
  const char *inval = "ERR_INVALID_ADDRESS",
             *inval_msg = "Invalid socket address";
  try_make("family=1", NULL, (nnet_family_t)1, 0, 0, "ERR_INVALID_ARG_VALUE",
           "The property 'options.family' is invalid. Received 1");
  try_make("address=bad v4", "1.2.3.256", 0, 0, 0, inval, inval_msg);
  try_make("address=v6 with ipv4 family", "::1", 0, 0, 0, inval, inval_msg);
  try_make("port=-1", NULL, 0, -1, 0, "ERR_SOCKET_BAD_PORT", bad_port(-1));
  try_make("port=65536", NULL, 0, 65536, 0, "ERR_SOCKET_BAD_PORT",
           bad_port(65536));
  try_make("flowlabel=2**20-1", NULL, NNET_IPV6, 0, (1u << 20) - 1, NULL, NULL);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
