#!/usr/bin/env bash
# The C code in README.md and docs/guide.md must compile: every ```c block
# that has a main() is built as a program against the library; the others
# are built as a translation unit (after the same includes).
# Usage: snippets.sh SRC_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for doc in "$src/README.md" "$src/docs/guide.md"; do
  awk -v dir="$tmp" -v base="$(basename "$doc" .md)" '
    /^```c$/ { inblk = 1; n++; f = dir "/" base "_" n ".c"; print "#include <nodenet.h>\n#include <stdio.h>\n#include <stdlib.h>" > f; next }
    /^```$/  { if (inblk) { inblk = 0; close(f) } next }
    inblk    { print >> f }' "$doc"
done
for f in "$tmp"/*.c; do
  [ -e "$f" ] || continue
  n=$((n + 1))
  if grep -q 'int main' "$f"; then
    cc -Wall -Wextra -Werror -Wno-unused-parameter -I"$src/include" -o "$f.bin" "$f" \
      "$build/libnodenet.a" $(pkg-config --libs libuv) || { echo "does not build: $(basename "$f")"; cat -n "$f"; exit 1; }
  else
    cc -Wall -Wextra -Werror -Wno-unused-parameter -Wno-unused-function -I"$src/include" -c -o "$f.o" "$f" \
      || { echo "does not compile: $(basename "$f")"; cat -n "$f"; exit 1; }
  fi
done
echo "docs: $n C snippets compile"
