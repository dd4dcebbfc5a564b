#!/usr/bin/env bash
# The Debian packages of scripts/package.sh, installed with dpkg -i into a
# clean temp root (its own admin dir: nothing is installed on the machine;
# libuv is taken from the system, hence --force-depends), are what a user
# needs:
# the README's echo server builds against them with pkg-config, the full
# examples/echo_server.c with find_package(nodenet), and it echoes through
# the packaged nodenet tool on loopback.
# Usage: deb.sh SRC_DIR WORK_DIR (WORK_DIR keeps the build, incremental)
set -euo pipefail
# grep -q exits at the first match; with pipefail the writer's SIGPIPE
# would then fail the pipeline, so read everything.
grep_q() { grep "$@" >/dev/null; }
src=$1 work=$2
mkdir -p "$work"
work=$(cd "$work" && pwd)
bash "$src/scripts/package.sh" "$work/build" "$work/debs"
root=$work/root app=$work/app
rm -rf "$root" "$app"
mkdir -p "$root" "$app"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

deb() { ls "$work/debs/$1"_*.deb; }
debs=()
for p in libnodenet0 libnodenet-dev nodenet; do
  d=$(deb $p) || { echo "no $p package"; exit 1; }
  [ "$(dpkg-deb -f "$d" Package)" = "$p" ]
  debs+=("$d")
done
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
# The maintainer scripts (ldconfig) run outside the root: chrootless.
dpkg --root="$root" --force-depends --force-not-root --force-script-chrootless \
  --no-triggers -i "${debs[@]}" >"$work/dpkg.log" 2>&1 \
  || { echo "dpkg -i failed:"; cat "$work/dpkg.log"; exit 1; }
for p in libnodenet0 libnodenet-dev nodenet; do
  dpkg --root="$root" -s "$p" | grep -qx 'Status: install ok installed' \
    || { echo "$p not installed:"; dpkg --root="$root" -s "$p"; exit 1; }
done
dpkg-deb -f "$(deb libnodenet-dev)" Depends | grep_q 'libnodenet0 (= ' \
  || { echo "libnodenet-dev does not depend on libnodenet0"; exit 1; }
dpkg-deb -f "$(deb libnodenet0)" Depends | grep_q 'libuv1' \
  || { echo "libnodenet0 does not depend on libuv1"; exit 1; }
# What goes where: the runtime package holds only the shared library.
dpkg-deb -c "$(deb libnodenet0)" | awk '{print $6}' | grep -v '/$' >"$work/runtime.list"
grep -q 'libnodenet\.so\.0$' "$work/runtime.list"
! grep -qE '\.h$|\.a$|\.pc$|libnodenet\.so$' "$work/runtime.list" \
  || { echo "development files in libnodenet0:"; cat "$work/runtime.list"; exit 1; }

so=$(find "$root" -name 'libnodenet.so.0' | head -1)
libdir=$(dirname "$so")
objdump -p "$so" | grep_q 'SONAME *libnodenet.so.0' || { echo "bad SONAME"; exit 1; }
[ -f "$root/usr/include/nodenet.h" ] && [ -f "$libdir/libnodenet.a" ] \
  && [ -f "$libdir/pkgconfig/nodenet.pc" ] && [ -f "$libdir/cmake/nodenet/nodenetConfig.cmake" ] \
  || { echo "libnodenet-dev lacks headers, static library, .pc or CMake config"; exit 1; }
man=$root/usr/share/man
[ -f "$man/man3/nnet_socket_write.3" ] && [ -f "$man/man1/nodenet.1" ] \
  || { echo "man pages missing"; exit 1; }
MANWIDTH=100 man -l "$man/man3/nnet_socket_write.3" 2>/dev/null | grep_q 'socket.write' \
  || { echo "man 3 nnet_socket_write does not render"; exit 1; }

# 1. pkg-config: the README's echo server, as the README builds it.
awk '/^```c$/ {blk = 1; buf = ""; next}
     /^```$/  {if (blk && buf ~ /int main/) {printf "%s", buf; exit} blk = 0; next}
     blk      {buf = buf $0 "\n"}' "$src/README.md" >"$app/echo.c"
grep -q nnet_create_server "$app/echo.c" || { echo "no echo server in README.md"; exit 1; }
export PKG_CONFIG_PATH=$libdir/pkgconfig
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -Wno-unused-parameter -o "$app/echo_pc" "$app/echo.c" \
  $(pkg-config --cflags --libs nodenet)
LD_LIBRARY_PATH=$libdir ldd "$app/echo_pc" | grep_q "$libdir/libnodenet.so.0" \
  || { echo "echo_pc does not use the packaged library"; exit 1; }

# 2. find_package(nodenet): examples/echo_server.c.
cp "$src/examples/echo_server.c" "$app/"
cat >"$app/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.18)
project(echo C)
find_package(nodenet 0.1 REQUIRED)
add_executable(echo_server echo_server.c)
target_compile_options(echo_server PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter)
target_link_libraries(echo_server PRIVATE nodenet::nodenet)
CM
cmake -S "$app" -B "$app/build" -DCMAKE_PREFIX_PATH="$root/usr" >/dev/null
cmake --build "$app/build" >/dev/null

# 3. Run it: the packaged tool talks to the packaged library's echo server.
port=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
LD_LIBRARY_PATH=$libdir "$app/build/echo_server" "$port" >/dev/null &
pids+=($!)
for _ in $(seq 600); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
out=$(printf 'hello from the packages\n' | timeout 30 "$root/usr/bin/nodenet" connect 127.0.0.1 "$port")
[ "$out" = "hello from the packages" ] || { echo "echo through packages gave '$out'"; exit 1; }
echo "packages/deb: $(cd "$work/debs" && echo *.deb) unpack, build (pkg-config, find_package) and echo"
