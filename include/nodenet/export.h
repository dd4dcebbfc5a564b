/* NNET_EXTERN marks every public function (as libuv's UV_EXTERN). The
 * library is built with -fvisibility=hidden, so only what carries this
 * macro is exported from libnodenet.so; internal nnet__ symbols stay
 * private and can change without an ABI change. */
#ifndef NODENET_EXPORT_H
#define NODENET_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define NNET_EXTERN __attribute__((visibility("default")))
#else
#define NNET_EXTERN /* nothing */
#endif

#endif
