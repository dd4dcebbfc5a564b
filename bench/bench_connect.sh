#!/usr/bin/env bash
# Time to connected, median of N runs: nodenet racing vs nodenet sequential
# vs Node v20, all against the same peer (bench_connect peer: a blackhole, a
# slow-then-working address, a refusing one and working ones on loopback).
# usage: bench/bench_connect.sh [build-dir] [runs]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/plain}; runs=${2:-5}
bin=$build/bench/bench_connect
[ -x "$bin" ] || { echo "no $bin: build first (scripts/build.sh $build)" >&2; exit 2; }
# The peer's stdin/stdout are FIFOs held open here as fds 5/6; clients get
# them as fds 3/4 ("arm" for the slow scenario).
tmp=$(mktemp -d)
mkfifo "$tmp/in" "$tmp/out"
"$bin" peer <"$tmp/in" >"$tmp/out" &
peer=$!
exec 5>"$tmp/in" 6<"$tmp/out"
trap 'exec 5>&- 6<&-; wait $peer; rm -rf "$tmp"' EXIT
read -r port <&6
printf '%-10s %10s %14s %10s\n' scenario race_ms sequential_ms node_ms
for sc in blackhole slow good; do
  r=$("$bin" race $sc "$runs" "$port" 3>&5 4<&6)
  s=$("$bin" sequential $sc "$runs" "$port" 3>&5 4<&6)
  n=$(node "$here/bench_connect.js" $sc "$runs" "$port" 3>&5 4<&6)
  printf '%-10s %10s %14s %10s\n' "$sc" "$r" "$s" "$n"
done
echo "attempt delay / autoSelectFamilyAttemptTimeout: 250 ms (defaults); fail(N): most runs failed, median N ms to 'error'"
