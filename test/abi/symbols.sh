#!/usr/bin/env bash
# The shared library exports exactly the public API: the dynamic symbols of
# libnodenet.so are the NNET_EXTERN declarations of include/ (read from the
# headers by scripts/apidoc.py, so the list grows with the API), no extra
# (an internal symbol leaking), none missing (a declared function never
# defined, or defined without NNET_EXTERN's visibility).
# Usage: symbols.sh SRC_DIR LIBNODENET_SO [PYTHON]
set -euo pipefail
src=$1 so=$2 py=${3:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" "$src/scripts/apidoc.py" list "$src/include" | sort -u >"$tmp/declared"
# Defined dynamic symbols of any kind (functions and data), without the
# version suffix nm may print.
nm -D --defined-only "$so" | awk 'NF >= 3 {sub(/@.*/, "", $3); print $3}' \
  | grep -v -x -E '_init|_fini|_edata|_end|__bss_start' | sort -u >"$tmp/exported"
status=0
extra=$(comm -13 "$tmp/declared" "$tmp/exported")
missing=$(comm -23 "$tmp/declared" "$tmp/exported")
if [ -n "$extra" ]; then
  echo "exported but not declared NNET_EXTERN in include/ (make it static, or"
  echo "declare it in a public header with NNET_EXTERN):"
  echo "$extra" | sed 's/^/  /'
  status=1
fi
if [ -n "$missing" ]; then
  echo "declared NNET_EXTERN in include/ but not exported by $(basename "$so"):"
  echo "$missing" | sed 's/^/  /'
  status=1
fi
[ $status -eq 0 ] && echo "abi/symbols: $(wc -l <"$tmp/exported") exported symbols = the declared public API"
exit $status
