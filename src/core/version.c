#include "nodenet.h"

#define NNET_STR_(x) #x
#define NNET_STR(x)  NNET_STR_(x)

const char *nnet_version_string(void) {
  return NNET_STR(NNET_VERSION_MAJOR) "." NNET_STR(
      NNET_VERSION_MINOR) "." NNET_STR(NNET_VERSION_PATCH);
}
