#!/usr/bin/env bash
# fuzz.sh [SECONDS]: build the libFuzzer targets (clang, ASan+UBSan) and run
# each for SECONDS (default 60) on its committed seed corpus. Any crash,
# leak or sanitizer report fails.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
bash scripts/build.sh build/fuzz -DCMAKE_C_COMPILER=clang -DNNET_FUZZ=ON \
  -DBUILD_TESTING=OFF -DNNET_BENCH=OFF
status=0
for bin in build/fuzz/test/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  seeds=test/fuzz/corpus/${name#fuzz_}
  work=$(mktemp -d)
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null || true
  if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=0 "$work" >"$work.log" 2>&1; then
    echo "fuzz $name: clean ($(grep -o 'Done [0-9]* runs' "$work.log" | tail -1) in ${secs}s)"
  else
    echo "fuzz $name: FINDING"; tail -50 "$work.log"; status=1
  fi
  rm -rf "$work" "$work.log"
done
exit $status
