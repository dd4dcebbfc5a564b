#!/usr/bin/env bash
# The test command: installs deps, then builds and runs the whole suite twice:
#   1. a plain build (gcc, -Wall -Wextra -Werror), then the ABI check
#      against the committed baseline (scripts/abi-check.sh)
#   2. an ASan + UBSan (+ LSan) build with clang
# then runs each libFuzzer target for a bounded time (NNET_FUZZ_SECONDS, 60)
# and checks formatting. --quick: plain pass only.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1

bash scripts/install-deps.sh

status=0
run_pass() {
  local name=$1 dir=$2; shift 2
  echo "== $name: build =="
  if ! bash scripts/build.sh "$dir" "$@"; then
    echo "== $name: BUILD FAILED =="; status=1; return
  fi
  echo "== $name: ctest =="
  if ! (cd "$dir" && ctest --output-on-failure -j2 --timeout 600); then
    status=1
  fi
}

run_pass "plain (gcc)" build/plain -DCMAKE_C_COMPILER=gcc
echo "== abi: libnodenet.so against abi/ (scripts/abi-check.sh) =="
bash scripts/abi-check.sh build/plain || status=1
if [ $quick -eq 0 ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_pass "sanitizers (clang asan+ubsan+lsan)" build/asan \
    -DCMAKE_C_COMPILER=clang -DNNET_SANITIZE=ON -DNNET_BENCH=OFF
  echo "== threads (clang tsan) =="
  # ThreadSanitizer on what is shared across threads (BlockList, per-loop
  # state): any data race report fails the run.
  # Every unit test named test_*threads*.c (ctest label `threads`).
  tsan_targets=$(cd test/unit && ls test_*threads*.c | sed 's/\.c$//')
  if ! (cmake -S . -B build/tsan -DCMAKE_C_COMPILER=clang -DNNET_TSAN=ON \
          -DNNET_BENCH=OFF >/dev/null &&
        cmake --build build/tsan -j"$(nproc)" --target $tsan_targets \
          -- --no-print-directory >/dev/null &&
        cd build/tsan &&
        TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 CK_FORK=no \
          ctest -L threads --output-on-failure --timeout 600); then
    echo "== threads: FAILED =="; status=1
  fi
  echo "== fuzz =="
  bash scripts/fuzz.sh "${NNET_FUZZ_SECONDS:-60}" || status=1
  echo "== format =="
  bash scripts/format.sh --check || status=1
fi
[ $status -eq 0 ] && echo "test.sh: all passes green" || echo "test.sh: FAILED"
exit $status
