#!/usr/bin/env bash
# proxy_wrap.sh KIND PORT UNIX: one proxy of bench/proxy.sh as a bench-kit
# "server": starts the kit's libuv echo server (build/echo-uv, the current
# directory is the kit's copy) on PORT+500, then execs the proxy on PORT in
# front of it, so the PID the kit measures is the proxy's. The echo server
# goes when the proxy does. KIND: splice | nosplice | copy | node.
# Env: NNET_TOOL (the nodenet program), NNET_PROXY_COPY (bench_proxy_copy),
# BACKEND_CPU (pin the echo server there, e.g. beside the load generator,
# so the proxy has the server CPU to itself; unset: inherit).
set -eu
kind=$1 port=$2
back=$((port + 500))
pin=()
[ -n "${BACKEND_CPU:-}" ] && pin=(taskset -c "$BACKEND_CPU")
"${pin[@]}" build/echo-uv "$back" &
echo_pid=$!
build/loadgen wait -a "127.0.0.1:$back" --setup-timeout 10 >/dev/null
( while kill -0 $$ 2>/dev/null; do sleep 0.5; done; kill "$echo_pid" ) &
case $kind in
  splice)   exec "$NNET_TOOL" proxy "$port" "127.0.0.1:$back" ;;
  nosplice) exec "$NNET_TOOL" proxy --no-splice "$port" "127.0.0.1:$back" ;;
  copy)     exec "$NNET_PROXY_COPY" "$port" "$back" ;;
  node)     exec node "$(dirname "$0")/proxy_node.js" "$port" "$back" ;;
  *) echo "proxy_wrap.sh: unknown kind $kind" >&2; exit 2 ;;
esac
