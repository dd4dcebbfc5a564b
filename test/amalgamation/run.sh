#!/usr/bin/env bash
# The single-file distribution works: scripts/amalgamate.sh writes
# nodenet.c + nodenet.h; both compilers build nodenet.c with -O2 -Wall
# -Wextra -Werror, every program in examples/ builds against it (with the
# project's flags: -Wall -Wextra -Werror -Wno-unused-parameter), and the
# echo server and client exchange a line on loopback.
# Usage: run.sh SRC_DIR WORK_DIR
set -euo pipefail
src=$1 work=$2
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
bash "$src/scripts/amalgamate.sh" "$work/dist"
[ -s "$work/dist/nodenet.c" ] && [ -s "$work/dist/nodenet.h" ]
! grep -q '#include "nodenet/' "$work/dist/nodenet.h" || { echo "nodenet.h still includes nodenet/"; exit 1; }
uv_cflags=$(pkg-config --cflags libuv) uv_libs=$(pkg-config --libs libuv)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

build() { # build COMPILER: the amalgamation, then each example against it
  local c=$1 d=$work/$1
  mkdir -p "$d"
  # shellcheck disable=SC2086
  $c -O2 -Wall -Wextra -Werror $uv_cflags -I"$work/dist" -c "$work/dist/nodenet.c" -o "$d/nodenet.o" \
    || { echo "$c: nodenet.c does not build"; return 1; }
  for ex in "$src"/examples/*.c; do
    # shellcheck disable=SC2086
    $c -O2 -Wall -Wextra -Werror -Wno-unused-parameter -I"$work/dist" $uv_cflags \
      -o "$d/$(basename "$ex" .c)" "$ex" "$d/nodenet.o" $uv_libs \
      || { echo "$c: $(basename "$ex") does not build against the amalgamation"; return 1; }
  done
}
build gcc & g=$!
build clang & c=$!
wait $g || { echo "gcc build failed"; exit 1; }
wait $c || { echo "clang build failed"; exit 1; }
n=$(ls "$src"/examples/*.c | wc -l)

# Global symbols: the public API plus the library's nnet__ internals
# (hidden visibility, as in libnodenet.so), nothing else.
nm --defined-only -g "$work/gcc/nodenet.o" | awk '{print $3}' | grep -v '^nnet__' | sort >"$work/syms"
python3 "$src/scripts/apidoc.py" list "$src/include" | sort | comm -3 - "$work/syms" >"$work/symdiff"
[ ! -s "$work/symdiff" ] || { echo "amalgamation's global symbols differ from the API:"; cat "$work/symdiff"; exit 1; }

# Run: echo server and client, each built with the other compiler.
port=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
"$work/gcc/echo_server" "$port" >/dev/null &
pids+=($!)
for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
out=$(timeout 30 "$work/clang/client" 127.0.0.1 "$port")
[ "$out" = "hello from nodenet" ] || { echo "client printed '$out'"; exit 1; }
echo "amalgamation: nodenet.c + nodenet.h build with gcc and clang (-Werror), $n examples each, echo exchange ok"
