/* The allocator hook: every byte the library allocates goes through here so
 * an embedding program can account for it or inject failures (tests do). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
  nnet_malloc_fn malloc;
  nnet_realloc_fn realloc;
  nnet_calloc_fn calloc;
  nnet_free_fn free;
} allocator_t;

static allocator_t alloc = {malloc, realloc, calloc, free};

int nnet_set_allocator(nnet_malloc_fn m, nnet_realloc_fn r, nnet_calloc_fn c,
                       nnet_free_fn f) {
  if (m == NULL || r == NULL || c == NULL || f == NULL) return UV_EINVAL;
  alloc.malloc = m;
  alloc.realloc = r;
  alloc.calloc = c;
  alloc.free = f;
  return 0;
}

/* Size 0 is bumped to 1: a NULL result must always mean out-of-memory, and
 * malloc(0) may legally return NULL. */
void *nnet__malloc(size_t size) {
  return alloc.malloc(size ? size : 1);
}

void *nnet__calloc(size_t count, size_t size) {
  if (count == 0 || size == 0) count = size = 1;
  return alloc.calloc(count, size);
}

/* realloc(p, 0) frees in some libcs; never let that happen behind a caller
 * that expects a valid block back. */
void *nnet__realloc(void *ptr, size_t size) {
  return alloc.realloc(ptr, size ? size : 1);
}

void nnet__free(void *ptr) {
  if (ptr != NULL) alloc.free(ptr);
}

char *nnet__strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = nnet__malloc(n);
  if (p != NULL) memcpy(p, s, n);
  return p;
}
