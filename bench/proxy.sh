#!/usr/bin/env bash
# bench/proxy.sh: proxies in front of an echo server, loadgen -> proxy ->
# the bench kit's libuv echo server (and back), side by side:
#   nodenet-splice  `nodenet proxy` (nnet_pipeline_duplex, splice(2) path)
#   nodenet-copy    `nodenet proxy --no-splice` (the same, bytes copied)
#   hand-copy       bench/proxy_copy.c: data/drain/end listeners by hand
#   node-proxy      bench/proxy_node.js: Node's a.pipe(b); b.pipe(a)
#                   (never name an extra server like one of the kit's own:
#                   run-all.sh resolves its names first, so a proxy called
#                   `node-pipe` silently ran Node's echo server instead)
# plus `uv` (the echo server alone, no proxy) for reference. The kit runs
# each proxy through bench/proxy_wrap.sh, which starts its own echo backend
# and execs the proxy (the measured PID). The proxy has the server CPU to
# itself; its echo backend runs beside the load generator on the other
# (BACKEND_CPU, default CLIENT_CPU or 1; BACKEND_CPU= shares the server CPU:
# then the backend, not the proxy, bounds the rates). Prints a markdown
# table of ratios (bench/proxy_ratios.js) and keeps it in bench/results/.
#
#   bench/proxy.sh                        defaults: ROUNDS=3 DUR=3
#   ROUNDS=2 DUR=2 bench/proxy.sh         a quick look
#   BUILD=build/x bench/proxy.sh          use an existing build (no rebuild)
#
# Env: KIT (default ../shared/bench-kit beside the repo), BUILD, and the
# kit's run-all.sh knobs (DUR, ROUNDS, WARM, WORKLOADS, PIN, BASE_PORT:
# 21400 here, away from bench/run.sh's 19400; each proxy's echo backend
# listens 500 above its port).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
KIT=${KIT:-$root/../shared/bench-kit}
[ -d "$KIT" ] || { echo "bench-kit not found at $KIT (set KIT=)" >&2; exit 2; }
if [ -z "${BUILD:-}" ]; then
  BUILD=$root/build/bench
  echo "== building nodenet (Release) ==" >&2
  bash "$root/scripts/build.sh" "$BUILD" -DCMAKE_BUILD_TYPE=Release \
    -DBUILD_TESTING=OFF -DCMAKE_C_COMPILER=gcc
fi
BUILD=$(cd "$BUILD" && pwd)
export NNET_TOOL=$BUILD/nodenet NNET_PROXY_COPY=$BUILD/bench/bench_proxy_copy
if [ ! -x "$NNET_TOOL" ] || [ ! -x "$NNET_PROXY_COPY" ]; then
  echo "no $NNET_TOOL or $NNET_PROXY_COPY" >&2
  exit 2
fi
unset NNET_NO_SPLICE
if [ "${PIN:-1}" = 1 ]; then
  export BACKEND_CPU=${BACKEND_CPU-${CLIENT_CPU:-1}}
else
  export BACKEND_CPU=
fi

work=$(mktemp -d /tmp/nnet-proxy-bench.XXXXXX)
cp -r "$KIT"/. "$work"/
rm -rf "$work/raw" "$work/build"
out=$root/bench/results
mkdir -p "$out"
stamp=$(date +%Y%m%d-%H%M%S)
wrap="bash $root/bench/proxy_wrap.sh"
(
  cd "$work"
  SERVERS=${SERVERS:-uv} \
  WORKLOADS=${WORKLOADS:-"stream-c1 stream-c8 pp-c50"} \
  ROUNDS=${ROUNDS:-3} DUR=${DUR:-3} \
  EXTRA_SERVERS="nodenet-splice=$wrap splice {port} {unix};nodenet-copy=$wrap nosplice {port} {unix};hand-copy=$wrap copy {port} {unix};node-proxy=$wrap node {port} {unix}" \
  IDLE_N=0 SKIP_KERNEL=1 SKIP_NODEBENCH=1 BASE_PORT=${BASE_PORT:-21400} \
  OUT="$out/proxy-kit-$stamp.md" ./run-all.sh
)
raw=$(find "$work/raw" -name 'run-*.jsonl' | head -1) # one run
cp "$raw" "$out/proxy-raw-$stamp.jsonl"
node "$root/bench/proxy_ratios.js" "$out/proxy-raw-$stamp.jsonl" | tee "$out/proxy-ratios-$stamp.md"
rm -rf "$work"
