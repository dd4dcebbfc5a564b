/* AbortController: the `signal` option of servers and sockets.
 *
 * Subscribers are embedded in the objects that listen (no allocation), kept
 * in a doubly linked list so unsubscribing is O(1) and works from inside an
 * abort callback. */
#include "internal.h"

struct nnet_abort_controller_s {
  nnet__abort_sub_t *head, *tail;
  bool aborted;
};

nnet_abort_controller_t *nnet_abort_controller_new(void) {
  return nnet__calloc(1, sizeof(nnet_abort_controller_t));
}

static void unlink_sub(nnet_abort_controller_t *ac, nnet__abort_sub_t *sub) {
  if (sub->prev != NULL)
    sub->prev->next = sub->next;
  else
    ac->head = sub->next;
  if (sub->next != NULL)
    sub->next->prev = sub->prev;
  else
    ac->tail = sub->prev;
  sub->next = sub->prev = NULL;
  sub->ac = NULL;
}

/* Node runs the 'abort' listeners synchronously in abort(), in the order
 * they were added. Each subscriber is unlinked before its callback runs, and
 * the list head is re-read after every callback, so a callback may
 * unsubscribe (or free) any other subscriber. */
void nnet_abort_controller_abort(nnet_abort_controller_t *ac) {
  if (ac == NULL || ac->aborted) return;
  ac->aborted = true;
  while (ac->head != NULL) {
    nnet__abort_sub_t *sub = ac->head;
    unlink_sub(ac, sub);
    sub->fn(sub->arg);
  }
}

bool nnet_abort_controller_is_aborted(const nnet_abort_controller_t *ac) {
  return ac != NULL && ac->aborted;
}

void nnet_abort_controller_free(nnet_abort_controller_t *ac) {
  if (ac == NULL) return;
  while (ac->head != NULL) unlink_sub(ac, ac->head);
  nnet__free(ac);
}

int nnet__abort_subscribe(nnet_abort_controller_t *ac, nnet__abort_sub_t *sub,
                          nnet__abort_fn fn, void *arg) {
  sub->next = sub->prev = NULL;
  sub->ac = NULL;
  sub->fn = fn;
  sub->arg = arg;
  if (ac->aborted) return 1;
  /* Append: callbacks run in subscription order, as Node's listeners. */
  sub->prev = ac->tail;
  if (ac->tail != NULL)
    ac->tail->next = sub;
  else
    ac->head = sub;
  ac->tail = sub;
  sub->ac = ac;
  return 0;
}

void nnet__abort_unsubscribe(nnet__abort_sub_t *sub) {
  if (sub != NULL && sub->ac != NULL) unlink_sub(sub->ac, sub);
}
