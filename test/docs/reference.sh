#!/usr/bin/env bash
# The reference manual builds (`--target docs`: doc-block check, man pages,
# Doxygen HTML with warnings as errors) and says what it should: a page per
# public function, naming the Node equivalent and the guide section.
# Usage: reference.sh SRC_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
cmake --build "$build" --target docs -- --no-print-directory >"$build/docs-build.log" 2>&1 \
  || { cat "$build/docs-build.log"; echo "docs target failed"; exit 1; }
man3=$build/docs/man/man3
n_funcs=$(python3 "$src/scripts/apidoc.py" list "$src/include" | wc -l)
n_pages=$(find "$man3" -name 'nnet_*.3' | wc -l)
[ "$n_pages" -eq "$n_funcs" ] || { echo "$n_pages man pages for $n_funcs functions"; exit 1; }
for f in nnet_socket_write nnet_create_server nnet_server_listen nnet_blocklist_check \
         nnet_socket_set_no_delay; do
  page=$man3/$f.3
  [ -s "$page" ] || { echo "no man page for $f"; exit 1; }
  grep -q '^\.SH NODE EQUIVALENT' "$page" || { echo "$f.3: no NODE EQUIVALENT"; exit 1; }
  grep -q 'docs/guide.md' "$page" || { echo "$f.3: no guide link"; exit 1; }
  text=$(MANWIDTH=200 man -l "$page" 2>/dev/null || groff -man -Tutf8 "$page")
  grep -q "Node" <<<"$text" || { echo "$f.3 does not mention Node"; exit 1; }
done
grep -q 'socket.write(data' "$man3/nnet_socket_write.3"
grep -q 'setNoDelay' "$man3/nnet_socket_set_no_delay.3"
html=$build/docs/html
[ -s "$html/index.html" ] || { echo "no HTML reference"; exit 1; }
grep -rq 'nnet_socket_write' "$html/net_8h.html" || { echo "net.h page lacks nnet_socket_write"; exit 1; }
grep -q 'Node equivalent' "$html/net_8h.html" || { echo "net.h page lacks Node equivalents"; exit 1; }
# A checker that cannot fail checks nothing: an undocumented declaration and
# a block naming a missing parameter must be refused.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '/* Node: x(). */\nNNET_EXTERN int nnet_ok(int a);\n\nNNET_EXTERN int nnet_bare(int a);\n' >"$tmp/a.h"
printf '/* Node: y(). Returns 0; *out is set. */\nNNET_EXTERN int nnet_y(int a, int *res);\n' >"$tmp/b.h"
out=$(python3 "$src/scripts/apidoc.py" check "$tmp" 2>&1) && { echo "checker accepted bad headers"; exit 1; }
grep -q 'nnet_bare: no doc block' <<<"$out" && grep -q "nnet_y: .*'\*out'" <<<"$out" \
  || { echo "checker output: $out"; exit 1; }
echo "docs/reference: $n_pages man pages, HTML reference, checker refuses bad blocks"
