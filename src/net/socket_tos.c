/* net.Socket: the type of service (Node 26's setTypeOfService /
 * getTypeOfService): IP_TOS on IPv4, IPV6_TCLASS on IPv6. A value asked
 * for before the connection exists is remembered (in s->ext) and applied
 * when it does; that late setsockopt never fails the socket. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/socket_internal.h"

static bool tos_is_live_tcp(const nnet_socket_t *s) {
  const uint32_t need = NNET__S_CONNECTED | NNET__S_HANDLE_INIT;
  return (s->flags & need) == need && !(s->flags & NNET__S_PIPE) &&
         !(s->flags & NNET__S_DESTROYED);
}

static int tos_remembered(const nnet_socket_t *s) {
  return s->ext && s->ext->tos_set ? s->ext->tos : 0;
}

/* The option for the socket's own family, as Node picks it (getsockname).
 * An IPv4-mapped IPv6 connection sends IPv4 packets, whose TOS comes from
 * IP_TOS, so *mapped tells the setter to set that one too. */
static int tos_level(uv_os_fd_t fd, int *level, int *name, bool *mapped) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0) return -errno;
  *mapped = false;
  if (ss.ss_family == AF_INET) {
    *level = IPPROTO_IP;
    *name = IP_TOS;
    return 0;
  }
  if (ss.ss_family == AF_INET6) {
    *level = IPPROTO_IPV6;
    *name = IPV6_TCLASS;
    *mapped = IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&ss)->sin6_addr);
    return 0;
  }
  return UV_EINVAL;
}

static int tos_apply(nnet_socket_t *s, int tos) {
  uv_os_fd_t fd;
  int level, name;
  bool mapped;
  int rc = uv_fileno(&s->h.handle, &fd);
  if (rc == 0) rc = tos_level(fd, &level, &name, &mapped);
  if (rc != 0) return rc;
  if (setsockopt(fd, level, name, &tos, sizeof(tos)) != 0) return -errno;
  if (mapped) (void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
  return 0;
}

int nnet__tos_remember(nnet_socket_t *s, int tos) {
  if (tos < 0 || tos > 255) return NNET_ERR_OUT_OF_RANGE;
  nnet__sockext_t *x = nnet__socket_ext(s);
  if (x == NULL) return UV_ENOMEM;
  x->tos_set = true;
  x->tos = (uint8_t)tos;
  return 0;
}

void nnet__tos_apply_pending(nnet_socket_t *s) {
  if (s->ext && s->ext->tos_set && tos_is_live_tcp(s))
    (void)tos_apply(s, s->ext->tos);
}

int nnet_socket_set_type_of_service(nnet_socket_t *s, int tos) {
  if (tos < 0 || tos > 255) return NNET_ERR_OUT_OF_RANGE;
  /* As Node: an unchanged value makes no system call. */
  bool same = s->ext && s->ext->tos_set && s->ext->tos == tos;
  int rc = nnet__tos_remember(s, tos);
  if (rc != 0 || same || !tos_is_live_tcp(s)) return rc;
  return tos_apply(s, tos);
}

int nnet_socket_get_type_of_service(const nnet_socket_t *s) {
  if (!tos_is_live_tcp(s)) return tos_remembered(s);
  uv_os_fd_t fd;
  int level, name, value = 0;
  bool mapped;
  socklen_t len = sizeof(value);
  int rc = uv_fileno(&s->h.handle, &fd);
  if (rc == 0) rc = tos_level(fd, &level, &name, &mapped);
  if (rc != 0) return rc;
  if (getsockopt(fd, level, name, &value, &len) != 0) return -errno;
  return value & 0xff;
}
