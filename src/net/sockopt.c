/* net.Socket: TCP options (setNoDelay, setKeepAlive, TCP_USER_TIMEOUT) and
 * the SIGPIPE guard. Options asked for before the connection exists are
 * remembered and applied when it does, as Node does. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include "net/socket_internal.h"

static bool is_live_tcp(const nnet_socket_t *s) {
  const uint32_t need = NNET__S_CONNECTED | NNET__S_HANDLE_INIT;
  return (s->flags & need) == need && !(s->flags & NNET__S_PIPE) &&
         !(s->flags & NNET__S_DESTROYED);
}

static int set_int(nnet_socket_t *s, int level, int name, int value) {
  uv_os_fd_t fd;
  int rc = uv_fileno(&s->h.handle, &fd);
  if (rc != 0) return rc;
  if (setsockopt(fd, level, name, &value, sizeof(value)) != 0) return -errno;
  return 0;
}

int nnet__sockopt_no_delay(nnet_socket_t *s, bool enable) {
  return set_int(s, IPPROTO_TCP, TCP_NODELAY, enable ? 1 : 0);
}

/* SO_KEEPALIVE; when enabling, the first probe after delay_ms (rounded
 * down to seconds as Node does; 0 keeps the kernel's default), then one
 * probe a second, giving up after 10 unanswered probes. */
int nnet__sockopt_keep_alive(nnet_socket_t *s, bool enable, unsigned delay_ms) {
  int rc = set_int(s, SOL_SOCKET, SO_KEEPALIVE, enable ? 1 : 0);
  if (rc != 0 || !enable) return rc;
  unsigned secs = delay_ms / 1000;
  if (secs > 0) rc = set_int(s, IPPROTO_TCP, TCP_KEEPIDLE, (int)secs);
  if (rc == 0) rc = set_int(s, IPPROTO_TCP, TCP_KEEPINTVL, 1);
  if (rc == 0) rc = set_int(s, IPPROTO_TCP, TCP_KEEPCNT, 10);
  return rc;
}

int nnet__sockopt_user_timeout(nnet_socket_t *s, unsigned ms) {
  return set_int(s, IPPROTO_TCP, TCP_USER_TIMEOUT, (int)ms);
}

/* Most sockets never set these: they live in s->ext, allocated only for a
 * non-zero value. */
int nnet__sockopt_remember_keep_alive(nnet_socket_t *s, unsigned delay_ms) {
  if (delay_ms == 0 && s->ext == NULL) return 0;
  nnet__sockext_t *x = nnet__socket_ext(s);
  if (x == NULL) return UV_ENOMEM;
  x->keep_alive_delay = delay_ms;
  return 0;
}

int nnet__sockopt_remember_user_timeout(nnet_socket_t *s, unsigned ms) {
  if (ms == 0 && s->ext == NULL) return 0;
  nnet__sockext_t *x = nnet__socket_ext(s);
  if (x == NULL) return UV_ENOMEM;
  x->user_timeout = ms;
  return 0;
}

void nnet__sockopt_apply_pending(nnet_socket_t *s) {
  if (!is_live_tcp(s)) return;
  if (s->flags & NNET__S_NO_DELAY) nnet__sockopt_no_delay(s, true);
  unsigned delay = s->ext ? s->ext->keep_alive_delay : 0;
  if (s->flags & NNET__S_KEEP_ALIVE) nnet__sockopt_keep_alive(s, true, delay);
  unsigned ut = nnet__sockopt_user_timeout_of(s);
  if (ut) nnet__sockopt_user_timeout(s, ut);
  nnet__tos_apply_pending(s);
}

int nnet_socket_set_no_delay(nnet_socket_t *s, bool enable) {
  if (enable)
    s->flags |= NNET__S_NO_DELAY;
  else
    s->flags &= ~NNET__S_NO_DELAY;
  return is_live_tcp(s) ? nnet__sockopt_no_delay(s, enable) : 0;
}

int nnet_socket_set_keep_alive(nnet_socket_t *s, bool enable,
                               unsigned initial_delay_ms) {
  if (enable)
    s->flags |= NNET__S_KEEP_ALIVE;
  else
    s->flags &= ~NNET__S_KEEP_ALIVE;
  int rc = nnet__sockopt_remember_keep_alive(s, initial_delay_ms);
  if (rc != 0) return rc;
  return is_live_tcp(s) ? nnet__sockopt_keep_alive(s, enable, initial_delay_ms)
                        : 0;
}

int nnet_socket_set_user_timeout(nnet_socket_t *s, unsigned ms) {
  int rc = nnet__sockopt_remember_user_timeout(s, ms);
  if (rc != 0) return rc;
  return is_live_tcp(s) ? nnet__sockopt_user_timeout(s, ms) : 0;
}

/* Our own sends use MSG_NOSIGNAL, but libuv writes queued data with
 * write()/writev(), which raise SIGPIPE on a connection the peer reset.
 * Node ignores SIGPIPE for the whole process; we do the same, but only
 * while the disposition is the default (which would kill the process): an
 * application's own handler or SIG_IGN is left alone. Checked at every
 * socket creation, so an application resetting SIG_DFL later is covered
 * from its next socket on. */
void nnet__sigpipe_guard(void) {
  struct sigaction old;
  if (sigaction(SIGPIPE, NULL, &old) != 0) return;
  if (old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO)) return;
  struct sigaction ign;
  memset(&ign, 0, sizeof(ign));
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, NULL);
}
