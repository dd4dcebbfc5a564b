#!/usr/bin/env bash
# Runs the examples end to end on loopback: half_close in one process, the
# echo server with the client, the proxy in front of the echo server with
# 2 MB through it, and the Unix server/client pair (socket file unlinked on
# SIGINT). BIN is the build's examples dir; TOOL the nodenet binary.
set -euo pipefail
BIN=$1 TOOL=$2
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
freeport() { node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
waitport() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; return 1; }

out=$(timeout 10 "$BIN/half_close")
[ "$out" = "got 28 bytes" ] || { echo "half_close printed '$out'"; exit 1; }

p1=$(freeport); "$BIN/echo_server" "$p1" >/dev/null & pids+=($!); waitport "$p1"
out=$(timeout 10 "$BIN/client" 127.0.0.1 "$p1")
[ "$out" = "hello from nodenet" ] || { echo "client printed '$out'"; exit 1; }

p2=$(freeport); "$BIN/proxy" "$p2" 127.0.0.1 "$p1" & pids+=($!); waitport "$p2"
head -c 2000000 /dev/urandom >"$tmp/big"
timeout 20 "$TOOL" connect 127.0.0.1 "$p2" <"$tmp/big" >"$tmp/big.out"
cmp "$tmp/big" "$tmp/big.out"

"$BIN/unix_server" "$tmp/u.sock" >/dev/null & us=$!; pids+=($us)
for _ in $(seq 100); do [ -S "$tmp/u.sock" ] && break; sleep 0.05; done
out=$(timeout 10 "$BIN/unix_client" "$tmp/u.sock")
[ "$out" = "hello over a Unix socket" ] || { echo "unix_client printed '$out'"; exit 1; }
kill -INT "$us"; wait "$us" || true
[ ! -e "$tmp/u.sock" ] || { echo "unix_server left its socket file"; exit 1; }
out=$(timeout 10 "$BIN/happy_eyeballs" 127.0.0.1 "$p1")
case $out in *connected*) ;; *) echo "happy_eyeballs printed '$out'"; exit 1 ;; esac

p3=$(freeport); "$BIN/idle_timeout" "$p3" & pids+=($!); waitport "$p3"
out=$(sleep 4 | timeout 10 "$TOOL" connect 127.0.0.1 "$p3")
[ "$out" = "idle for 2 s: goodbye" ] || { echo "idle_timeout: client got '$out'"; exit 1; }

echo "examples: happy_eyeballs, idle_timeout, half_close, echo_server+client, proxy (2 MB), unix pair: ok"
