/* Node:
 * test/parallel/test-net-autoselectfamily-attempt-timeout-default-value.js The
 * default autoSelectFamilyAttemptTimeout, as Node's test harness sees it after
 * multiplying it by five. Node v25's default is 500 ms; the oracle (Node 20)
 * and nodenet use 250 ms, which is what is asserted here. */
#include "common.h"

int main(void) {
  nt_init();
  NT_EQ(nnet_get_default_auto_select_family_attempt_timeout(), 250);
  /* What Node's test/common does at load time. */
  nnet_set_default_auto_select_family_attempt_timeout(
      nnet_get_default_auto_select_family_attempt_timeout() * 5);
  NT_EQ(nnet_get_default_auto_select_family_attempt_timeout(), 250 * 5);
  return nt_finish();
}
