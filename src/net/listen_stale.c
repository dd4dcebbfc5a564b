/* listen({path, unlink_stale}): recover a Unix socket file left behind by a
 * server that died without unlinking it (beyond Node).
 *
 * The probe is one non-blocking connect() from inside listen(), not an
 * asynchronous uv_pipe_connect: a Unix-domain connect completes in the
 * kernel without any round trip to the peer (Linux queues it on the
 * listener's backlog, or fails at once with ECONNREFUSED when nobody
 * listens, EAGAIN when the backlog is full), so it blocks no more than the
 * bind() it follows. Only ECONNREFUSED proves the file stale; anything
 * else (accepted, EAGAIN, EACCES, a datagram socket's EPROTOTYPE) counts
 * as alive or unknown, and the file stays. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/server_internal.h"

/* 0: nobody listens (ECONNREFUSED); ENOENT: the file went meanwhile;
 * anything else: alive or undecidable. */
static int probe(const char *path) {
  struct sockaddr_un sun;
  size_t len = strlen(path);
  if (len >= sizeof(sun.sun_path)) return UV_ENAMETOOLONG;
  memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  memcpy(sun.sun_path, path, len + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  socklen_t slen = offsetof(struct sockaddr_un, sun_path) + len + 1;
  int rc = connect(fd, (struct sockaddr *)&sun, slen) == 0 ? 0 : -errno;
  close(fd);
  if (rc == UV_ECONNREFUSED) return 0;
  if (rc == UV_ENOENT) return UV_ENOENT;
  return UV_EADDRINUSE; /* connected (alive), EAGAIN, EACCES, ... */
}

int nnet__unlink_stale(const char *path) {
  struct stat before, now;
  if (lstat(path, &before) != 0) return errno == ENOENT ? 0 : UV_EADDRINUSE;
  if (!S_ISSOCK(before.st_mode)) return UV_EADDRINUSE;
  int rc = probe(path);
  if (rc == UV_ENOENT) return 0;
  if (rc != 0) return UV_EADDRINUSE;
  /* Unlink only the very file probed: if another server replaced it in
   * the meantime, that one is not ours to remove. */
  if (lstat(path, &now) != 0) return errno == ENOENT ? 0 : UV_EADDRINUSE;
  if (!S_ISSOCK(now.st_mode) || now.st_dev != before.st_dev ||
      now.st_ino != before.st_ino)
    return UV_EADDRINUSE;
  if (unlink(path) != 0 && errno != ENOENT) return UV_EADDRINUSE;
  return 0;
}
