/* Encodings: Node's StringDecoder (socket.setEncoding) and the string
 * encoders behind socket.write(string, encoding). Internal to src/. */
#ifndef NNET_STREAM_DECODER_H
#define NNET_STREAM_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* A growable byte buffer, allocated through nnet__realloc. */
typedef struct {
  char *base;
  size_t len, cap;
} nnet__buf_t;

/* Ensure room for `extra` more bytes after len. 0 or UV_ENOMEM. */
int nnet__buf_reserve(nnet__buf_t *b, size_t extra);
void nnet__buf_free(nnet__buf_t *b);

/* Node's StringDecoder state (src/string_decoder.cc) plus one UTF-16 high
 * surrogate: the decoded text is handed out as UTF-8, which cannot carry a
 * lone surrogate, so a string that would end in a high surrogate keeps it
 * until the next write shows whether a low one follows. The concatenation
 * of all outputs therefore equals the UTF-8 of the concatenation of Node's
 * strings (lone surrogates become U+FFFD, as Buffer.from(s, 'utf8') does);
 * each output equals Node's string for the same chunk except for that
 * carried surrogate. Zeroed state is never valid: call init. */
typedef struct {
  nnet_encoding_t enc;
  uint8_t held[4]; /* Node's incomplete-character buffer */
  uint8_t nheld;   /* kBufferedBytes */
  uint8_t missing; /* kMissingBytes */
  uint16_t high;   /* carried high surrogate, 0: none */
} nnet__decoder_t;

void nnet__decoder_init(nnet__decoder_t *d, nnet_encoding_t enc);
/* Node: decoder.write(buf). Appends the decoded text (UTF-8) to out; may
 * append nothing (Node's ''). 0 or UV_ENOMEM (then d and out are as they
 * were: the output space is reserved before any state changes). */
int nnet__decoder_write(nnet__decoder_t *d, const void *in, size_t len,
                        nnet__buf_t *out);
/* Node: decoder.end(). Appends what the held bytes decode to and resets the
 * decoder for reuse. 0 or UV_ENOMEM. */
int nnet__decoder_end(nnet__decoder_t *d, nnet__buf_t *out);

/* Node: Buffer.from(string, encoding), the bytes socket.write(string,
 * encoding) sends. `str` is UTF-8 text (invalid sequences read as U+FFFD,
 * as the JS string would hold them). Appends to out. NNET_ENC_BUFFER is
 * treated as utf8 (Node's default for strings). 0 or UV_ENOMEM. */
int nnet__encode(nnet_encoding_t enc, const char *str, size_t len,
                 nnet__buf_t *out);

#endif
