/* Node:
 * test/parallel/test-net-socket-connect-invalid-autoselectfamilyattempttimeout.js
 * setDefaultAutoSelectFamilyAttemptTimeout(1) and (9) are raised to the
 * minimum, 10 ms; 0 is out of range (Node throws ERR_OUT_OF_RANGE; we
 * return it and keep the old value). Left out: -10 in the connect options
 * (the C option is unsigned; 0 there means "the process default"). */
#include "common.h"

int main(void) {
  nt_init();
  static const unsigned values[] = {1, 9};
  for (size_t i = 0; i < 2; i++) {
    NT_OK(nnet_set_default_auto_select_family_attempt_timeout(values[i]));
    NT_EQ(nnet_get_default_auto_select_family_attempt_timeout(), 10);
  }
  NT_ERR(nnet_set_default_auto_select_family_attempt_timeout(0),
         NNET_ERR_OUT_OF_RANGE);
  NT_EQ(nnet_get_default_auto_select_family_attempt_timeout(), 10);
  return nt_finish();
}
