/* The one JSON shape the library reads: an array of strings (BlockList
 * fromJSON). */
#ifndef NNET_ADDR_JSON_H
#define NNET_ADDR_JSON_H

#include <stddef.h>

/* Parses `[ "a", "b" ]` (RFC 8259 whitespace and string escapes) into *out
 * (n strings, each NUL-terminated UTF-8; free with nnet__json_free_strings).
 * A string holding a NUL (\u0000) is refused. Errors:
 * NNET_ERR_INVALID_ARG_VALUE with a message in err ("JSON: expected ','
 * or ']' at offset 17"), UV_ENOMEM. */
int nnet__json_parse_strings(const char *json, char ***out, size_t *n,
                             char *err, size_t err_size);
void nnet__json_free_strings(char **items, size_t n);

#endif
