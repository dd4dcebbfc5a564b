#!/usr/bin/env bash
# Time to connected, median of N runs: nodenet racing vs sequential vs Node v20.
# usage: bench/bench_connect.sh [build-dir] [runs]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/plain}; runs=${2:-5}
bin=$(mktemp -d)/bench_connect
cc -O2 -I"$here/../include" "$here/bench_connect.c" -o "$bin" \
  "$(find "$build" -name 'libnodenet*.a' | head -1)" -luv -lpthread
printf '%-10s %10s %12s %10s\n' scenario race_ms sequential_ms node_ms
for sc in blackhole good; do
  printf '%-10s %10s %12s %10s\n' "$sc" "$("$bin" race $sc "$runs")" \
    "$("$bin" sequential $sc "$runs")" "$(node "$here/bench_connect.js" $sc "$runs")"
done
rm -rf "$(dirname "$bin")"
