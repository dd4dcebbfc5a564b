#!/usr/bin/env bash
# Installs the built library into a temporary prefix and builds a program
# outside the source tree against it twice: with pkg-config and with
# find_package(nodenet). Both binaries must run and print the version.
set -euo pipefail
# grep -q exits at the first match; with pipefail the writer's SIGPIPE
# would then fail the pipeline, so read everything.
grep_q() { grep "$@" >/dev/null; }
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
app=$tmp/app
mkdir -p "$app"
cat >"$app/main.c" <<'C'
#include <nodenet.h>
#include <stdio.h>
int main(void) {
  nnet_socketaddress_t sa;
  if (nnet_socketaddress_parse(&sa, "[::1]:8080") != 0) return 1;
  nnet_blocklist_t *bl = nnet_blocklist_new();
  if (!bl || nnet_blocklist_add_subnet(bl, "10.0.0.0", 8, NNET_IPV4) != 0) return 1;
  int blocked = nnet_blocklist_check(bl, "10.1.2.3", NNET_IPV4);
  nnet_blocklist_free(bl);
  printf("nodenet %s isIP=%d addr=%s port=%u blocked=%d\n", nnet_version_string(),
         nnet_is_ip("::1"), sa.address, sa.port, blocked);
  return blocked == 1 ? 0 : 1;
}
C
lib=$(ls -d "$tmp/prefix"/lib*/ | head -1)
# 1. pkg-config, shared library
PKG_CONFIG_PATH="$lib/pkgconfig" cc -o "$app/pc" "$app/main.c" \
  $(PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --cflags --libs nodenet)
LD_LIBRARY_PATH="$(dirname "$(find "$tmp/prefix" -name 'libnodenet.so.*' | head -1)")" "$app/pc"
# 2. find_package(nodenet)
cat >"$app/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.18)
project(downstream C)
find_package(nodenet REQUIRED)
add_executable(app main.c)
target_link_libraries(app PRIVATE nodenet::nodenet)
CM
cmake -S "$app" -B "$app/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$app/build" >/dev/null
"$app/build/app"
# The shared library carries the SONAME of the major version.
so=$(find "$tmp/prefix" -name 'libnodenet.so.*.*' | head -1)
objdump -p "$so" | grep_q "SONAME.*libnodenet.so.0" || { echo "bad SONAME"; exit 1; }
echo "downstream: pkg-config and find_package builds ran"
