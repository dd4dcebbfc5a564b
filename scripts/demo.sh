#!/usr/bin/env bash
# The demo: installs deps, builds the `nodenet` tool and shows a real
# exchange on loopback: an echo server, clients over TCP and a Unix socket,
# and the address layer from the command line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
echo "== building nodenet =="
bash scripts/build.sh build/plain -DCMAKE_C_COMPILER=gcc
NODENET=$PWD/build/plain/nodenet
tmp=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# Pick a free port: let the kernel choose by asking Node (always installed).
port=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

echo "== echo server on 127.0.0.1:$port and $tmp/echo.sock =="
echo "\$ nodenet echo $port $tmp/echo.sock &"
"$NODENET" echo "$port" "$tmp/echo.sock" &
server=$!
for _ in $(seq 50); do [ -S "$tmp/echo.sock" ] && break; sleep 0.1; done

echo
echo "\$ printf 'hello, nodenet\\n' | nodenet connect -v 127.0.0.1 $port"
printf 'hello, nodenet\n' | "$NODENET" connect -v 127.0.0.1 "$port"
echo
echo "\$ printf 'over a Unix socket\\n' | nodenet connect --unix $tmp/echo.sock"
printf 'over a Unix socket\n' | "$NODENET" connect --unix "$tmp/echo.sock"
echo
head -c 4000000 /dev/urandom >"$tmp/big"
echo "\$ nodenet connect 127.0.0.1 $port < 4 MB of random bytes | cmp"
"$NODENET" connect 127.0.0.1 "$port" <"$tmp/big" | cmp - "$tmp/big" \
  && echo "4000000 bytes echoed back intact"
echo
echo "\$ nodenet connect 127.0.0.1 1    # nothing listens there"
"$NODENET" connect 127.0.0.1 1 </dev/null || echo "(exit status $?)"

echo
echo "== the address layer =="
run() { echo "\$ nodenet $*"; "$NODENET" "$@" || true; echo; }
run isip 127.0.0.1 ::1 fe80::1%eth0 01.2.3.4 example.com
run blocklist --rule 10.0.0.0/8 --rule 192.168.1.1-192.168.1.9 --rule ::1 --rules \
    10.1.2.3 192.168.1.5 192.168.1.10 ::1 ::ffff:10.0.0.1
