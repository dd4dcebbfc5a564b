#!/usr/bin/env bash
# fuzz.sh [SECONDS]: build the libFuzzer targets (clang, ASan+UBSan) and run
# each for SECONDS (default 60) on its committed seed corpus. Any crash,
# leak or sanitizer report fails.
#
# fuzz.sh --long [--cap SECONDS] [--build-dir DIR] [TARGET...]: the long
# mode (issue 10 §2.7): each target (default: all; names like `isip` or
# `fuzz_isip`) for 10^8 executions (-runs=100000000), or until --cap
# seconds per target when given (then the executions reached are what
# counts, and the line says so). Prints one line per target: executions,
# seconds, exec/s, corpus size, and clean or FINDING.
# --max-len N caps input size (libFuzzer's -max_len; default 4096): inputs
# that grow to kilobytes make the slower targets slower per execution.
# --timeout S: a unit running S seconds is a hang (default 10). Raise it
# when the campaign shares the CPUs (nice, a build beside it): a fuzzer
# kept off the CPU, or stopped with SIGSTOP, reports a false timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=60
long=0
cap=0
maxlen=4096
unit_timeout=10
build=build/fuzz
targets=()
while [ $# -gt 0 ]; do
  case $1 in
  --long) long=1 ;;
  --cap) cap=$2; shift ;;
  --build-dir) build=$2; shift ;;
  --max-len) maxlen=$2; shift ;;
  --timeout) unit_timeout=$2; shift ;;
  -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  [0-9]*) secs=$1 ;;
  *) targets+=("fuzz_${1#fuzz_}") ;;
  esac
  shift
done
bash scripts/build.sh "$build" -DCMAKE_C_COMPILER=clang -DNNET_FUZZ=ON \
  -DBUILD_TESTING=OFF -DNNET_BENCH=OFF
[ ${#targets[@]} -gt 0 ] || targets=($(cd "$build/test/fuzz" && ls fuzz_* 2>/dev/null))
status=0
arts=$build/artifacts # a crash, leak or timeout input lands here
mkdir -p "$arts"
for name in "${targets[@]}"; do
  bin=$build/test/fuzz/$name
  [ -x "$bin" ] || { echo "fuzz $name: no such target in $build" >&2; status=2; continue; }
  seeds=test/fuzz/corpus/${name#fuzz_}
  work=$(mktemp -d)
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/ 2>/dev/null || true
  if [ $long = 1 ]; then
    limit=(-runs=100000000)
    [ "$cap" -gt 0 ] && limit+=(-max_total_time="$cap")
  else
    limit=(-max_total_time="$secs")
  fi
  t0=$(date +%s)
  if "$bin" "${limit[@]}" -timeout="$unit_timeout" -artifact_prefix="$arts/$name-" -rss_limit_mb=2048 -max_len="$maxlen" \
      -print_final_stats=1 "$work" >"$work.log" 2>&1; then
    t=$(($(date +%s) - t0))
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work.log" | grep -o '[0-9]*$' || echo 0)
    eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$work.log" | grep -o '[0-9]*$' || echo 0)
    corp=$(ls "$work" | wc -l)
    note=""
    [ $long = 1 ] && [ "${runs:-0}" -lt 100000000 ] && note=" (stopped by the ${cap}s cap before 10^8)"
    echo "fuzz $name: clean, $runs runs in ${t}s, $eps exec/s, max_len $maxlen, corpus $corp$note"
  else
    echo "fuzz $name: FINDING (input in $arts)"; tail -50 "$work.log"; status=1
  fi
  rm -rf "$work" "$work.log"
done
exit $status
