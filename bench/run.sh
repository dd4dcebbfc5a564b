#!/usr/bin/env bash
# bench/run.sh: the echo benchmarks, nodenet side by side with raw libuv and
# Node in one run. Uses the shared bench-kit (load generator + reference
# servers): every round alternates the servers (order rotated), the server
# is pinned to CPU 0 and the load generator to CPU 1, and ratios are taken
# within a round so machine drift cancels. nodenet-2loops is the same echo
# served by two loops in two threads (echo --threads 2, SO_REUSEPORT).
#
#   bench/run.sh                 full run (about 8 minutes), writes bench/results/
#   ROUNDS=5 DUR=5 bench/run.sh  longer
#   WORKLOADS="pp-c1 stream-c1" IDLE_N=0 bench/run.sh   a subset
#
# Env: KIT (default ../shared/bench-kit beside the repo), and every knob of
# the kit's run-all.sh (DUR, ROUNDS, WORKLOADS, IDLE_N, ...).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
KIT=${KIT:-$root/../shared/bench-kit}
[ -d "$KIT" ] || { echo "bench-kit not found at $KIT (set KIT=)" >&2; exit 2; }
bash "$root/scripts/install-deps.sh"
dpkg-query -W libevent-dev >/dev/null 2>&1 || { apt-get install -y -qq libevent-dev >/dev/null; }

echo "== building nodenet (Release) ==" >&2
bash "$root/scripts/build.sh" "$root/build/bench" -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_TESTING=OFF -DCMAKE_C_COMPILER=gcc
tool=$root/build/bench/nodenet

work=$(mktemp -d /tmp/nnet-bench.XXXXXX)
cp -r "$KIT"/. "$work"/
rm -rf "$work/raw" "$work/build"
out=$root/bench/results
mkdir -p "$out"
stamp=$(date +%Y%m%d-%H%M%S)
(
  cd "$work"
  SERVERS=${SERVERS:-"uv node-pipe node-data"} \
  EXTRA_SERVERS="nodenet=$tool echo {port} {unix};nodenet-2loops=$tool echo --threads 2 {port} {unix}" \
  SKIP_KERNEL=${SKIP_KERNEL:-1} SKIP_NODEBENCH=${SKIP_NODEBENCH:-1} \
  OUT="$out/kit-$stamp.md" ./run-all.sh
)
raw=$(ls -t "$work"/raw/run-*.jsonl | head -1)
cp "$raw" "$out/raw-$stamp.jsonl"
node "$root/bench/ratios.js" "$out/raw-$stamp.jsonl" | tee "$out/ratios-$stamp.md"
rm -rf "$work"
