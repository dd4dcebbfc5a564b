/* A loop's mailbox: other threads post work, the loop's own thread runs it.
 *
 * libuv lets one thing cross threads: uv_async_send(). The async handle
 * must be created on the loop's thread (uv_async_init is not thread-safe
 * against a running loop), and sending on a handle being closed is a use
 * after free. So a mailbox is opened on its loop's thread, posts take its
 * mutex and send while holding it, and close marks it closed under that
 * mutex before uv_close(): after close() returns, no thread sends any more.
 * The memory lives on until the close callback ran and every reference
 * (nnet__mailbox_ref) is dropped, so a poster that kept a reference may
 * still try and be told "closed". */
#include <pthread.h>

#include "internal.h"

struct nnet__mailbox_s {
  uv_async_t async;
  pthread_mutex_t lock;
  nnet__mail_t *head, **tail;
  unsigned refs; /* under lock; the open handle counts as one */
  bool closed;   /* under lock: posts fail */
};

static void unref_mailbox(nnet__mailbox_t *mb) {
  pthread_mutex_lock(&mb->lock);
  bool last = --mb->refs == 0;
  pthread_mutex_unlock(&mb->lock);
  if (!last) return;
  pthread_mutex_destroy(&mb->lock);
  nnet__free(mb);
}

/* Runs what was posted so far; posts made meanwhile wait for the next
 * wake-up (the async coalesces sends, and each send re-arms it). */
static void run_mail(nnet__mailbox_t *mb, bool closing) {
  pthread_mutex_lock(&mb->lock);
  nnet__mail_t *m = mb->head;
  mb->head = NULL;
  mb->tail = &mb->head;
  pthread_mutex_unlock(&mb->lock);
  while (m != NULL) {
    nnet__mail_t *next = m->next;
    m->run(m, closing);
    m = next;
  }
}

static void async_cb(uv_async_t *a) {
  run_mail(nnet__container_of(a, nnet__mailbox_t, async), false);
}

int nnet__mailbox_open(uv_loop_t *loop, nnet__mailbox_t **out) {
  nnet__mailbox_t *mb = nnet__calloc(1, sizeof(*mb));
  if (mb == NULL) return UV_ENOMEM;
  int rc = uv_async_init(loop, &mb->async, async_cb);
  if (rc != 0) {
    nnet__free(mb);
    return rc;
  }
  pthread_mutex_init(&mb->lock, NULL);
  mb->tail = &mb->head;
  mb->refs = 1;
  *out = mb;
  return 0;
}

void nnet__mailbox_ref(nnet__mailbox_t *mb) {
  pthread_mutex_lock(&mb->lock);
  mb->refs++;
  pthread_mutex_unlock(&mb->lock);
}

void nnet__mailbox_unref(nnet__mailbox_t *mb) {
  unref_mailbox(mb);
}

int nnet__mailbox_post(nnet__mailbox_t *mb, nnet__mail_t *m) {
  m->next = NULL;
  pthread_mutex_lock(&mb->lock);
  if (mb->closed) {
    pthread_mutex_unlock(&mb->lock);
    return NNET_ERR_TRANSFER_NO_RECEIVER;
  }
  *mb->tail = m;
  mb->tail = &m->next;
  uv_async_send(&mb->async); /* under the lock: close() cannot overtake */
  pthread_mutex_unlock(&mb->lock);
  return 0;
}

static void closed_cb(uv_handle_t *h) {
  unref_mailbox(nnet__container_of(h, nnet__mailbox_t, async));
}

void nnet__mailbox_close(nnet__mailbox_t *mb) {
  pthread_mutex_lock(&mb->lock);
  bool was = mb->closed;
  mb->closed = true;
  pthread_mutex_unlock(&mb->lock);
  if (was) return;
  run_mail(mb, true); /* what was posted before the close is delivered */
  uv_close((uv_handle_t *)&mb->async, closed_cb);
}
