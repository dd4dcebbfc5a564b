#!/usr/bin/env bash
# The nodenet tool, end to end: exit codes, bad arguments, a clean echo
# exchange, connection errors, half-close both ways, uploads that must not
# lose data to an early FIN (and must fail loudly on a reset), and
# backpressure with a slow reader (the tool's memory must stay bounded while
# 50 MB wait).
# Usage: run.sh PATH/TO/nodenet
set -uo pipefail
N=$1
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
expect_rc() { # expect_rc WANT DESC CMD...
  local want=$1 desc=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; local rc=$?
  if [ "$rc" = "$want" ]; then ok "$desc (exit $rc)"; else bad "$desc: exit $rc, want $want: $(head -c 300 "$tmp/err")"; fi
}
freeport() { node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# Wait until FILE contains TEXT (servers say when they listen; probing the
# port would use up a one-connection server).
waitfor() { for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; echo "timeout waiting for '$2' in $1"; return 1; }
# Wait until something accepts on 127.0.0.1:PORT (only for servers that
# take any number of connections).
waittcp() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "timeout waiting for port $1"; return 1; }
# A Node server that runs BODY (c = the connection, s = the server) and
# says "ready" in FILE once listening.
node_server() { # node_server READYFILE PORT BODY [ARG]
  node -e "const s=require('net').createServer({allowHalfOpen:true},(c)=>{c.on('error',()=>{});$3});
    s.listen(+process.argv[2],'127.0.0.1',()=>require('fs').writeFileSync(process.argv[1],'ready'))" "$1" "$2" "${4:-}" &
  pids+=($!)
  waitfor "$1" ready
}

# ---- usage and exit codes
expect_rc 2 "no arguments" "$N"
expect_rc 2 "unknown command" "$N" frobnicate
expect_rc 0 "--help" "$N" --help
for c in connect listen echo isip blocklist; do expect_rc 0 "$c --help" "$N" "$c" --help; done
expect_rc 2 "connect without a port" "$N" connect 127.0.0.1
expect_rc 2 "connect with port 70000" "$N" connect 127.0.0.1 70000
expect_rc 2 "connect with port 'x'" "$N" connect 127.0.0.1 x
expect_rc 2 "connect --family 5" "$N" connect --family 5 127.0.0.1 1
expect_rc 2 "connect --local-address junk" "$N" connect --local-address junk 127.0.0.1 1
expect_rc 2 "connect --block bad" "$N" connect --block 300.1.1.1 127.0.0.1 1
expect_rc 2 "connect unknown option" "$N" connect --bogus 127.0.0.1 1
expect_rc 2 "listen without a port" "$N" listen
expect_rc 2 "listen unknown option" "$N" listen --bogus 1
expect_rc 2 "echo without a port" "$N" echo
expect_rc 1 "isip with a non-address" "$N" isip 1.2.3.4 nope
expect_rc 0 "isip with addresses" "$N" isip 1.2.3.4 ::1
expect_rc 2 "blocklist with a bad rule" "$N" blocklist --rule 10.0.0.0/33 1.1.1.1
long=$tmp/$(printf 'a%.0s' $(seq 120))
expect_rc 1 "listen on an over-long Unix path" "$N" listen --unix "$long"
grep -q ERR_PATH_TOO_LONG "$tmp/err" && ok "over-long path names ERR_PATH_TOO_LONG" || bad "over-long path message: $(cat "$tmp/err")"

# ---- connection errors
dead=$(freeport)
expect_rc 1 "connect to a closed port" "$N" connect 127.0.0.1 "$dead"
grep -q "connect ECONNREFUSED 127.0.0.1:$dead" "$tmp/err" && ok "ECONNREFUSED message as Node's" || bad "refused message: $(cat "$tmp/err")"
expect_rc 1 "connect to a missing Unix socket" "$N" connect --unix "$tmp/nope.sock"
expect_rc 1 "connect to a blocked address" "$N" connect --block 127.0.0.0/8 127.0.0.1 "$dead"

# ---- a clean exchange through the echo server (TCP and Unix)
port=$(freeport)
"$N" echo "$port" "$tmp/echo.sock" & pids+=($!)
for _ in $(seq 200); do [ -S "$tmp/echo.sock" ] && break; sleep 0.05; done
waittcp "$port" # the Unix socket binds first; the TCP host is looked up
out=$(printf 'ping\n' | timeout 10 "$N" connect 127.0.0.1 "$port"); rc=$?
[ "$rc" = 0 ] && [ "$out" = ping ] && ok "echo over TCP, exit 0" || bad "echo over TCP: rc=$rc out='$out'"
out=$(printf 'unix\n' | timeout 10 "$N" connect --unix "$tmp/echo.sock"); rc=$?
[ "$rc" = 0 ] && [ "$out" = unix ] && ok "echo over a Unix socket, exit 0" || bad "echo over Unix: rc=$rc out='$out'"
head -c 3000000 /dev/urandom >"$tmp/big"
timeout 20 "$N" connect 127.0.0.1 "$port" <"$tmp/big" >"$tmp/big.out" && cmp -s "$tmp/big" "$tmp/big.out" \
  && ok "3 MB echoed intact" || bad "3 MB echo differs"

# ---- listen: one connection, both directions, exit 0
lport=$(freeport)
(printf 'from-listener\n' | timeout 10 "$N" listen -v --host 127.0.0.1 "$lport" >"$tmp/l.out" 2>"$tmp/l.err"; echo $? >"$tmp/l.rc") &
waitfor "$tmp/l.err" "listening on"
out=$(printf 'from-client\n' | timeout 10 "$N" connect 127.0.0.1 "$lport"); rc=$?
wait $!
[ "$out" = from-listener ] && [ "$(cat "$tmp/l.out")" = from-client ] && [ "$rc" = 0 ] && [ "$(cat "$tmp/l.rc")" = 0 ] \
  && ok "listen + connect exchange, both exit 0" || bad "listen exchange: '$out' '$(cat "$tmp/l.out")' rc=$rc/$(cat "$tmp/l.rc")"

# ---- listen --keep: two clients one after another
kport=$(freeport)
(sleep 4 | timeout 10 "$N" listen -v --keep --host 127.0.0.1 "$kport" >"$tmp/k.out" 2>"$tmp/k.err") &
waitfor "$tmp/k.err" "listening on"
o1=$(printf 'one\n' | timeout 5 "$N" connect 127.0.0.1 "$kport"); r1=$?
o2=$(printf 'two\n' | timeout 5 "$N" connect 127.0.0.1 "$kport"); r2=$?
wait $!
[ "$r1$r2" = 00 ] && [ "$(cat "$tmp/k.out")" = "$(printf 'one\ntwo')" ] && [ "$(grep -c 'connection from' "$tmp/k.err")" = 2 ] \
  && ok "listen --keep serves clients one after another" || bad "--keep: rc=$r1/$r2 got '$(cat "$tmp/k.out")'"

# ---- half-close: a peer that ends at once, but reads what comes after
hport=$(freeport)
node_server "$tmp/h1.ready" "$hport" 'let n=0;c.on("data",(d)=>n+=d.length);c.on("end",()=>{require("fs").writeFileSync(process.argv[3],String(n));s.close()});c.end("bye\n")' "$tmp/h1"
(sleep 0.4; printf 'late data\n') | timeout 10 "$N" connect --half-close 127.0.0.1 "$hport" >"$tmp/hc1"; rc=${PIPESTATUS[1]}; out=$(cat "$tmp/hc1")
sleep 0.2
[ "$out" = bye ] && [ "$rc" = 0 ] && [ "$(cat "$tmp/h1" 2>/dev/null)" = 10 ] \
  && ok "--half-close keeps sending stdin after the peer's FIN" || bad "--half-close: out='$out' rc=$rc peer got '$(cat "$tmp/h1" 2>/dev/null)'"
hport=$(freeport)
node_server "$tmp/h2.ready" "$hport" 'let n=0;c.on("data",(d)=>n+=d.length);c.on("end",()=>{require("fs").writeFileSync(process.argv[3],String(n));s.close()});c.end("bye\n")' "$tmp/h2"
(sleep 0.4; printf 'late data\n') | timeout 10 "$N" connect 127.0.0.1 "$hport" >"$tmp/hc2"; rc=${PIPESTATUS[1]}; out=$(cat "$tmp/hc2")
sleep 0.2
[ "$out" = bye ] && [ "$rc" = 0 ] && [ "$(cat "$tmp/h2" 2>/dev/null)" = 10 ] \
  && ok "without --half-close too, stdin is sent after the peer's FIN" || bad "default half-close: out='$out' rc=$rc peer got '$(cat "$tmp/h2" 2>/dev/null)'"

# ---- no data lost to an early FIN (issue 10 §3): 20 MB uploads
head -c 20000000 /dev/urandom >"$tmp/up"
upsum=$(sha256sum <"$tmp/up" | cut -d' ' -f1)
sumof() { sha256sum <"$1" | cut -d' ' -f1; }
# (1) a listener whose stdin is at EOF (FIN at once), output to a file
uport=$(freeport)
(timeout 20 "$N" listen -v --host 127.0.0.1 "$uport" </dev/null >"$tmp/u1.out" 2>"$tmp/u1.err"; echo $? >"$tmp/u1.rc") &
upid=$!
waitfor "$tmp/u1.err" "listening on"
timeout 20 "$N" connect 127.0.0.1 "$uport" <"$tmp/up" >"$tmp/u1.back" 2>"$tmp/u1.cerr"; rc=$?
wait $upid
size=$(wc -c <"$tmp/u1.out")
[ "$rc" = 0 ] && [ "$(cat "$tmp/u1.rc")" = 0 ] && [ "$size" = 20000000 ] && [ "$(sumof "$tmp/u1.out")" = "$upsum" ] && [ ! -s "$tmp/u1.back" ] \
  && ok "listen </dev/null >file, connect <20 MB: 20000000 bytes, sha256 equal, both exit 0" \
  || bad "upload to a listener at EOF: connect rc=$rc listen rc=$(cat "$tmp/u1.rc") size=$size: $(cat "$tmp/u1.cerr" "$tmp/u1.err" | head -c 300)"
# (2) a Node peer that calls end() at once and keeps reading
peer_sum='const h=require("crypto").createHash("sha256");let n=0;c.on("data",(d)=>{n+=d.length;h.update(d)});c.on("end",()=>{require("fs").writeFileSync(process.argv[3],n+" "+h.digest("hex"));s.close()});c.end("bye\n")'
hport=$(freeport)
node_server "$tmp/u2.ready" "$hport" "$peer_sum" "$tmp/u2"
timeout 20 "$N" connect 127.0.0.1 "$hport" <"$tmp/up" >"$tmp/u2.out" 2>"$tmp/u2.err"; rc=$?
for _ in $(seq 100); do [ -s "$tmp/u2" ] && break; sleep 0.05; done
[ "$rc" = 0 ] && [ "$(cat "$tmp/u2.out")" = bye ] && [ "$(cat "$tmp/u2" 2>/dev/null)" = "20000000 $upsum" ] \
  && ok "peer ends at once: connect still sends all 20000000 bytes (sha256 equal), exit 0" \
  || bad "upload to a half-closed peer: rc=$rc peer got '$(cat "$tmp/u2" 2>/dev/null)': $(head -c 300 "$tmp/u2.err")"
#     the same with the tool listening and a Node client that ends at once
lport=$(freeport)
(timeout 20 "$N" listen -v --host 127.0.0.1 "$lport" <"$tmp/up" >"$tmp/u3.out" 2>"$tmp/u3.err"; echo $? >"$tmp/u3.rc") &
upid=$!
waitfor "$tmp/u3.err" "listening on"
timeout 20 node -e 'const c=require("net").connect({port:+process.argv[1],host:"127.0.0.1",allowHalfOpen:true});
  const h=require("crypto").createHash("sha256");let n=0;c.on("data",(d)=>{n+=d.length;h.update(d)});
  c.on("end",()=>console.log(n+" "+h.digest("hex")));c.end("hi\n")' "$lport" >"$tmp/u3.peer"
wait $upid
[ "$(cat "$tmp/u3.rc")" = 0 ] && [ "$(cat "$tmp/u3.out")" = hi ] && [ "$(cat "$tmp/u3.peer")" = "20000000 $upsum" ] \
  && ok "client ends at once: listen still sends all 20000000 bytes (sha256 equal), exit 0" \
  || bad "listen upload to a half-closed client: rc=$(cat "$tmp/u3.rc") peer got '$(cat "$tmp/u3.peer")': $(head -c 300 "$tmp/u3.err")"
# (3) a Node peer that resets the connection after 1 MB: exit 1, and how
#     much of stdin was sent (file: "X of 20000000 ..., Y not sent")
peer_rst='let n=0;c.on("data",(d)=>{n+=d.length;if(n>=1048576){c.resetAndDestroy();require("fs").writeFileSync(process.argv[3],String(n));s.close()}})'
rport=$(freeport)
node_server "$tmp/r1.ready" "$rport" "$peer_rst" "$tmp/r1"
timeout 20 "$N" connect 127.0.0.1 "$rport" <"$tmp/up" >/dev/null 2>"$tmp/r1.err"; rc=$?
for _ in $(seq 100); do [ -s "$tmp/r1" ] && break; sleep 0.05; done
got=$(cat "$tmp/r1" 2>/dev/null || echo 0)
msg=$(grep -o 'stdin not sent in full: [0-9]* of 20000000 bytes written to the socket, [0-9]* not sent' "$tmp/r1.err")
sent=$(sed -E 's/^[^0-9]*([0-9]+) of.*/\1/' <<<"${msg:-x 0 of}"); unsent=$(sed -E 's/.*, ([0-9]+) not sent$/\1/;t;s/.*/0/' <<<"$msg")
[ "$rc" = 1 ] && [ -n "$msg" ] && [ $((sent + unsent)) = 20000000 ] && [ "$sent" -ge "$got" ] && [ "$got" -ge 1048576 ] && [ "$unsent" -gt 0 ] \
  && ok "peer resets after $got bytes: exit 1, '$sent of 20000000 written, $unsent not sent'" \
  || bad "reset mid-upload: rc=$rc peer got $got: $(head -c 300 "$tmp/r1.err")"
rport=$(freeport)
node_server "$tmp/r2.ready" "$rport" "$peer_rst" "$tmp/r2"
cat "$tmp/up" | timeout 20 "$N" connect 127.0.0.1 "$rport" >/dev/null 2>"$tmp/r2.err"; rc=${PIPESTATUS[1]}
for _ in $(seq 100); do [ -s "$tmp/r2" ] && break; sleep 0.05; done
got=$(cat "$tmp/r2" 2>/dev/null || echo 0)
[ "$rc" = 1 ] && grep -q 'stdin not sent in full: [0-9]* bytes written to the socket, the rest of stdin not sent' "$tmp/r2.err" && [ "$got" -ge 1048576 ] \
  && ok "peer resets after $got bytes (stdin a pipe): exit 1, the rest not sent" \
  || bad "reset mid-upload from a pipe: rc=$rc peer got $got: $(head -c 300 "$tmp/r2.err")"

# ---- backpressure: 50 MB from the peer, stdout read only after 1.5 s
bport=$(freeport)
node_server "$tmp/bp.ready" "$bport" 'c.end(Buffer.alloc(50e6,97));s.close()'
timeout 30 "$N" connect 127.0.0.1 "$bport" </dev/null > >(sleep 1.5; wc -c >"$tmp/bp.count") &
npid=$!
sleep 1.2
rss=$(awk '/VmRSS/{print $2}' /proc/$npid/status 2>/dev/null || echo 0)
wait $npid; rc=$?
for _ in $(seq 100); do [ -s "$tmp/bp.count" ] && break; sleep 0.1; done
count=$(tr -d ' ' <"$tmp/bp.count")
[ "$rc" = 0 ] && [ "$count" = 50000000 ] && [ "${rss:-0}" -lt 20000 ] \
  && ok "slow reader: 50 MB delivered, tool RSS ${rss} kB while blocked" \
  || bad "slow reader: rc=$rc count=$count rss=${rss}kB"

# ---- proxy: echo through it over TCP and Unix, a refused target, --block
expect_rc 0 "proxy --help" "$N" proxy --help
expect_rc 2 "proxy without a target" "$N" proxy 1
expect_rc 2 "proxy with a bad target" "$N" proxy 1 127.0.0.1:99999
expect_rc 2 "proxy --block bad" "$N" proxy --block 300.1.1.1 1 2
eport=$(freeport)
"$N" echo "$eport" "$tmp/echo2.sock" & pids+=($!)
for _ in $(seq 100); do [ -S "$tmp/echo2.sock" ] && break; sleep 0.05; done
waittcp "$eport"
pport=$(freeport)
"$N" proxy -v "$pport" "127.0.0.1:$eport" 2>"$tmp/px1.err" & pids+=($!)
"$N" proxy -v "$tmp/px.sock" "$tmp/echo2.sock" 2>"$tmp/px2.err" & pids+=($!)
mport=$(freeport)
"$N" proxy -v "127.0.0.1:$mport" "$tmp/echo2.sock" 2>"$tmp/px3.err" & pids+=($!)
waitfor "$tmp/px1.err" listening && waitfor "$tmp/px2.err" listening && waitfor "$tmp/px3.err" listening
head -c 1000000 /dev/urandom >"$tmp/px.in"
timeout 20 "$N" connect 127.0.0.1 "$pport" <"$tmp/px.in" >"$tmp/px1.out" && cmp -s "$tmp/px.in" "$tmp/px1.out" \
  && ok "proxy TCP -> TCP: 1 MB echoed intact" || bad "proxy TCP -> TCP: $(head -c 300 "$tmp/px1.err")"
timeout 20 "$N" connect --unix "$tmp/px.sock" <"$tmp/px.in" >"$tmp/px2.out" && cmp -s "$tmp/px.in" "$tmp/px2.out" \
  && ok "proxy Unix -> Unix: 1 MB echoed intact" || bad "proxy Unix -> Unix: $(head -c 300 "$tmp/px2.err")"
timeout 20 "$N" connect 127.0.0.1 "$mport" <"$tmp/px.in" >"$tmp/px3.out" && cmp -s "$tmp/px.in" "$tmp/px3.out" \
  && ok "proxy TCP -> Unix: 1 MB echoed intact" || bad "proxy TCP -> Unix: $(head -c 300 "$tmp/px3.err")"
waitfor "$tmp/px1.err" "#1 closed: 1000000 bytes to 127.0.0.1:$eport, 1000000 back" \
  && grep -q "#1 connection from 127.0.0.1 port" "$tmp/px1.err" && grep -q "#1 connected to 127.0.0.1:$eport" "$tmp/px1.err" \
  && ok "proxy -v: connection, connected, closed with the bytes each way" || bad "proxy -v lines: $(cat "$tmp/px1.err")"
waitfor "$tmp/px1.err" "#1 closed: .*; spliced [1-9][0-9]* to, [1-9][0-9]* back" \
  && ok "proxy TCP -> TCP: bytes spliced both ways (-v)" || bad "proxy splice TCP: $(cat "$tmp/px1.err")"
waitfor "$tmp/px2.err" "#1 closed: 1000000 bytes to $tmp/echo2.sock, 1000000 back; spliced [1-9][0-9]* to, [1-9][0-9]* back" \
  && ok "proxy Unix -> Unix: bytes spliced both ways (-v)" || bad "proxy splice Unix: $(cat "$tmp/px2.err")"
nport=$(freeport)
"$N" proxy -v --no-splice "$nport" "127.0.0.1:$eport" 2>"$tmp/px6.err" & pids+=($!)
waitfor "$tmp/px6.err" listening
timeout 20 "$N" connect 127.0.0.1 "$nport" <"$tmp/px.in" >"$tmp/px6.out" && cmp -s "$tmp/px.in" "$tmp/px6.out" \
  && waitfor "$tmp/px6.err" "#1 closed: 1000000 bytes to 127.0.0.1:$eport, 1000000 back; no splice (copied: --no-splice)" \
  && ok "proxy --no-splice: 1 MB echoed intact, copied" || bad "proxy --no-splice: $(head -c 300 "$tmp/px6.err")"
dead=$(freeport) rport=$(freeport)
"$N" proxy -v "$rport" "127.0.0.1:$dead" 2>"$tmp/px4.err" & pids+=($!)
waitfor "$tmp/px4.err" listening
printf 'a' | timeout 10 "$N" connect 127.0.0.1 "$rport" >/dev/null 2>&1
printf 'b' | timeout 10 "$N" connect 127.0.0.1 "$rport" >/dev/null 2>&1
waitfor "$tmp/px4.err" "#2 127.0.0.1:$dead: connect ECONNREFUSED 127.0.0.1:$dead (ECONNREFUSED)" \
  && grep -q "#1 127.0.0.1:$dead: connect ECONNREFUSED" "$tmp/px4.err" \
  && ok "proxy: a refused target reported per connection" || bad "proxy refused: $(cat "$tmp/px4.err")"
bport=$(freeport)
"$N" proxy -v --block 127.0.0.0/8 "$bport" "127.0.0.1:$eport" 2>"$tmp/px5.err" & pids+=($!)
waitfor "$tmp/px5.err" listening
out=$(printf 'x' | timeout 10 "$N" connect 127.0.0.1 "$bport" 2>/dev/null)
[ -z "$out" ] && ! grep -q "connection from" "$tmp/px5.err" \
  && ok "proxy --block: a blocked client gets nothing" || bad "proxy --block: got '$out': $(cat "$tmp/px5.err")"

# ---- echo: graceful shutdown on SIGTERM within --grace (issue 11 §3)
# A Node client on the Unix socket says "up" once echoed to; FIN_ANSWER 1
# ends with the server (Node's default), 0 ignores its FIN (allowHalfOpen).
held_client() { # held_client SOCK FILE FIN_ANSWER
  node -e 'const c=require("net").connect({path:process.argv[1],allowHalfOpen:process.argv[3]==="0"});
    c.on("error",()=>{});c.on("close",()=>process.exit(0));setTimeout(()=>{},30000);c.write("x");c.once("data",()=>require("fs").writeFileSync(process.argv[2],"up"))' "$@" &
  pids+=($!)
  waitfor "$2" up
}
# echo_sigterm DESC GRACE FIN_ANSWER WANT_MESSAGE
echo_sigterm() {
  local desc=$1 grace=$2 sock=$tmp/sd$3.sock; rm -f "$tmp/sd.up"
  "$N" echo --grace "$grace" "$(freeport)" "$sock" 2>"$tmp/sd.err" & local spid=$!
  for _ in $(seq 200); do [ -S "$sock" ] && break; sleep 0.05; done
  held_client "$sock" "$tmp/sd.up" "$3"
  local t0; t0=$(date +%s%N); kill -TERM "$spid"
  for _ in $(seq $(( (grace + 3000) / 50 ))); do kill -0 "$spid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$spid" 2>/dev/null; then kill -9 "$spid"; bad "$desc: still running after --grace $grace"; return; fi
  wait "$spid"; local rc=$? ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$rc" = 0 ] && grep -qx "nodenet echo: shut down: $4" "$tmp/sd.err" && [ ! -e "$sock" ] \
    && ok "$desc: '$4', exit 0 after ${ms} ms (--grace $grace)" || bad "$desc: rc=$rc after ${ms} ms: $(cat "$tmp/sd.err")"
}
echo_sigterm "echo SIGTERM, the client answers the FIN" 4000 1 "1 connection ended, 0 destroyed"
echo_sigterm "echo SIGTERM, the client ignores the FIN" 1500 0 "1 connection ended, 1 destroyed"
expect_rc 2 "echo --grace x" "$N" echo --grace x 1
expect_rc 2 "echo unknown option" "$N" echo --bogus 1

# ---- echo: a stale socket file is replaced, a live or non-socket one is not
"$N" echo "$(freeport)" "$tmp/st.sock" 2>/dev/null & spid=$!
for _ in $(seq 200); do [ -S "$tmp/st.sock" ] && break; sleep 0.05; done
kill -9 "$spid"; wait "$spid" 2>/dev/null
[ -S "$tmp/st.sock" ] && ok "a killed echo leaves its socket file" || bad "no stale socket file"
"$N" echo "$(freeport)" "$tmp/st.sock" 2>"$tmp/st.err" & spid=$!; pids+=($spid)
out=""; for _ in $(seq 100); do out=$(printf 'again\n' | timeout 5 "$N" connect --unix "$tmp/st.sock" 2>/dev/null) && break; sleep 0.05; done
[ "$out" = again ] && ok "echo replaces a stale socket file" || bad "stale socket: '$out' $(cat "$tmp/st.err")"
expect_rc 1 "echo on a live server's socket" "$N" echo "$(freeport)" "$tmp/st.sock"
grep -q "listen EADDRINUSE: address already in use $tmp/st.sock" "$tmp/err" && [ -S "$tmp/st.sock" ] \
  && ok "live socket kept, EADDRINUSE" || bad "live socket: $(cat "$tmp/err")"
printf 'keep' >"$tmp/regular"
expect_rc 1 "echo on a regular file" "$N" echo "$(freeport)" "$tmp/regular"
[ "$(cat "$tmp/regular")" = keep ] && ok "a regular file is never unlinked" || bad "regular file changed"
kill "$spid" 2>/dev/null

# ---- echo --threads: several loops serve TCP and Unix (issue 11 §2)
expect_rc 2 "echo --threads 0" "$N" echo --threads 0 1
expect_rc 2 "echo --balance sideways" "$N" echo --balance sideways 1
for bal in reuseport acceptor; do
  tport=$(freeport); tsock=$tmp/th-$bal.sock
  "$N" echo -v --threads 2 --balance "$bal" --grace 2000 "$tport" "$tsock" 2>"$tmp/th.err" & tpid=$!
  for _ in $(seq 200); do [ -S "$tsock" ] && break; sleep 0.05; done
  waittcp "$tport"
  good=0
  for k in 1 2 3 4 5 6; do
    out=$(printf "t$k\n" | timeout 10 "$N" connect 127.0.0.1 "$tport") && [ "$out" = "t$k" ] && good=$((good + 1))
    out=$(printf "u$k\n" | timeout 10 "$N" connect --unix "$tsock") && [ "$out" = "u$k" ] && good=$((good + 1))
  done
  kill -TERM "$tpid"; wait "$tpid"; rc=$?
  # acceptor: held-free clients alternate, so both loops serve; reuseport:
  # the kernel's hash (the waittcp probe counts too), only the total is fixed
  total=$(sed -n 's/^nodenet echo: loop [01]: \([0-9]*\) connections$/\1/p' "$tmp/th.err" | awk '{s+=$1} END {print s+0}')
  [ "$good" = 12 ] && [ "$rc" = 0 ] && [ "$total" -ge 12 ] && [ ! -e "$tsock" ] \
    && grep -q "^nodenet echo: shut down: 0 connections ended, 0 destroyed$" "$tmp/th.err" \
    && ok "echo --threads 2 --balance $bal: 12 echoes over TCP and Unix, $total connections over 2 loops, exit 0" \
    || bad "echo --threads 2 --balance $bal: good=$good rc=$rc total=$total $(cat "$tmp/th.err")"
done
if [ "$(grep -c '^nodenet echo: loop [01]: [1-9]' "$tmp/th.err")" = 2 ]; then
  ok "echo --threads 2 --balance acceptor: both loops served"
else bad "acceptor spread: $(cat "$tmp/th.err")"; fi

# ---- echo: the protections beyond Node (issue 10 §4), off by default
expect_rc 2 "echo --per-ip-limit 0" "$N" echo --per-ip-limit 0 1
expect_rc 2 "echo --max-write-buffer x" "$N" echo --max-write-buffer x 1
expect_rc 2 "echo --idle-timeout -1" "$N" echo --idle-timeout -1 1
# A Node client: "closed MS" when the server closes it within 5 s, else
# "open". With WRITE > 0 it sends that many bytes and reads nothing for 1 s
# (a paused socket sees no FIN or reset: it reads after that).
closes_in() { # closes_in PORT WRITE
  node -e 'const t=Date.now(),c=require("net").connect(+process.argv[1],"127.0.0.1"),n=+process.argv[2];c.on("error",()=>{});
    c.on("connect",()=>{if(n){c.pause();c.write(Buffer.alloc(n));setTimeout(()=>c.resume(),1000)}});
    c.on("close",()=>{console.log("closed",Date.now()-t);process.exit(0)});setTimeout(()=>{console.log("open");process.exit(0)},5000)' "$1" "$2"
}
iport=$(freeport)
"$N" echo --idle-timeout 300 "$iport" & pids+=($!)
waittcp "$iport"
out=$(closes_in "$iport" 0); ms=${out#closed }
[ "${out%% *}" = closed ] && [ "$ms" -ge 250 ] && [ "$ms" -lt 3000 ] \
  && ok "echo --idle-timeout 300: a silent client closed after $ms ms" || bad "echo --idle-timeout: '$out'"
pport=$(freeport)
"$N" echo -v --per-ip-limit 1 "$pport" 2>"$tmp/prot.err" & pids+=($!)
waittcp "$pport"
rm -f "$tmp/held.up"
node -e 'require("net").connect(+process.argv[1],"127.0.0.1",()=>require("fs").writeFileSync(process.argv[2],"up")).on("error",()=>{});setTimeout(()=>{},30000)' "$pport" "$tmp/held.up" & held=$!
waitfor "$tmp/held.up" up # one client from 127.0.0.1 is in: the next is one too many
out=$(printf 'hi\n' | timeout 5 "$N" connect 127.0.0.1 "$pport" 2>/dev/null)
[ -z "$out" ] && grep -q "dropped 127.0.0.1:[0-9]* (--per-ip-limit)" "$tmp/prot.err" \
  && ok "echo --per-ip-limit 1: a second client from 127.0.0.1 dropped" || bad "per-ip: '$out' $(cat "$tmp/prot.err")"
out=$(printf 'hi\n' | timeout 5 "$N" connect --local-address 127.0.0.2 127.0.0.1 "$pport" 2>/dev/null)
[ "$out" = hi ] && ok "echo --per-ip-limit 1: 127.0.0.2 counted apart" || bad "per-ip 127.0.0.2: '$out'"
kill "$held"; wait "$held" 2>/dev/null
mport=$(freeport)
"$N" echo -v --max-write-buffer 1000 "$mport" 2>"$tmp/mwb.err" & pids+=($!)
waittcp "$mport"
out=$(printf 'ping\n' | timeout 5 "$N" connect 127.0.0.1 "$mport")
[ "$out" = ping ] && ok "echo --max-write-buffer 1000: a small echo passes" || bad "max-write-buffer small: '$out'"
out=$(closes_in "$mport" 200000)
[ "${out%% *}" = closed ] && grep -q "Write refused" "$tmp/mwb.err" \
  && ok "echo --max-write-buffer 1000: a client that does not read is cut off" || bad "max-write-buffer: '$out' $(cat "$tmp/mwb.err")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
