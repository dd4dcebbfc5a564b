/* The BlockList lookup index: rules turned into sorted, disjoint, merged
 * intervals, searched in O(log n). See blocklist.c for the semantics. */
#ifndef NNET_ADDR_BLOCKLIST_INDEX_H
#define NNET_ADDR_BLOCKLIST_INDEX_H

#include <stddef.h>
#include <stdint.h>

enum { NNET__BL_ADDRESS, NNET__BL_RANGE, NNET__BL_SUBNET };

/* One rule as the list stores it. */
typedef struct {
  uint8_t type, family, prefix, text_len;
  uint32_t text_off; /* the rule's string, in the list's text buffer */
  uint8_t a[16];     /* address, range start or network */
  uint8_t b[16];     /* range end */
} nnet__bl_rule_t;

typedef struct {
  uint32_t lo, hi;
} nnet__bl_iv4_t;

typedef struct {
  uint64_t lo_h, lo_l, hi_h, hi_l; /* [lo, hi] as (high, low) halves */
} nnet__bl_iv6_t;

typedef struct {
  nnet__bl_iv4_t *v4;
  size_t n4;
  nnet__bl_iv6_t *v6;
  size_t n6;
} nnet__bl_index_t;

/* Replaces *ix with the index of rules[0..n). 0 or UV_ENOMEM (then *ix is
 * unchanged). */
int nnet__bl_index_build(nnet__bl_index_t *ix, const nnet__bl_rule_t *rules,
                         size_t n);
/* 1 if raw (4 or 16 bytes, by family) is covered, else 0. */
int nnet__bl_index_lookup(const nnet__bl_index_t *ix, int family,
                          const uint8_t *raw);
void nnet__bl_index_free(nnet__bl_index_t *ix);

#endif
