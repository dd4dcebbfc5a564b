#!/usr/bin/env bash
# status.sh [--check]: builds STATUS.md from status/chunk*.md, or (--check)
# verifies it: one row per Node test file in node-tests.txt, no `fail`, a
# C port for every pass/deviation row, a row for every C port, and the
# summary line up to date.
set -euo pipefail
cd "$(dirname "$0")"
rows() { grep -h '^| test-net-' "$@" | sort -t'|' -k2,2; }
names() { grep -v '^#' node-tests.txt | sed 's|.*/||'; }
summary() {
  local f=$1 p n d x t
  p=$(grep -c '^| test-net-[^|]* | pass |' "$f" || true)
  n=$(grep -c '^| test-net-[^|]* | n/a |' "$f" || true)
  d=$(grep -c '^| test-net-[^|]* | deviation |' "$f" || true)
  x=$(grep -c '^| test-net-[^|]* | fail |' "$f" || true)
  t=$((p + d + x))
  echo "pass $p, deviation $d, fail $x, n/a $n: pass is $(awk -v p="$p" -v t="$t" 'BEGIN { printf "%.1f", t ? 100 * p / t : 0 }')% of the $t rows that are not n/a"
}
if [ "${1:-}" != "--check" ]; then
  {
    sed -n '1,/^<!-- rows -->$/p' STATUS.md.in
    rows status/chunk*.md
  } > STATUS.md.tmp
  sed -i "s|@SUMMARY@|$(summary STATUS.md.tmp)|" STATUS.md.tmp
  mv STATUS.md.tmp STATUS.md
fi
bad=0
diff <(names | sort) <(grep -o '^| test-net-[^ ]*' STATUS.md | cut -c3- | sort) \
  || { echo "status.sh: rows differ from node-tests.txt (< missing, > extra)"; bad=1; }
if grep -q '^| test-net-[^|]* | fail |' STATUS.md; then
  echo "status.sh: fail rows:"; grep '^| test-net-[^|]* | fail |' STATUS.md; bad=1
fi
for c in test-*.c; do
  n=${c%.c}
  grep -qE "^\| $n\.m?js \| (pass|deviation) \|" STATUS.md \
    || { echo "status.sh: $c has no pass/deviation row"; bad=1; }
done
grep -E '^\| test-net-[^|]* \| (pass|deviation) \|' STATUS.md | cut -d' ' -f2 | \
  while read -r js; do
    [ -f "${js%.*}.c" ] || { echo "status.sh: $js marked ported but ${js%.*}.c is missing"; exit 1; }
  done || bad=1
grep -E '^\| test-net-[^|]* \| deviation \|' STATUS.md | grep -v 'node-differences.md#' \
  && { echo "status.sh: deviation rows must link docs/node-differences.md#entry"; bad=1; }
grep -qF "$(summary STATUS.md)" STATUS.md || { echo "status.sh: summary line out of date"; bad=1; }
[ $bad -eq 0 ] && echo "status.sh: STATUS.md consistent ($(summary STATUS.md))"
exit $bad
