#!/usr/bin/env bash
# abi-check.sh [BUILD_DIR]: compare the ABI of BUILD_DIR/libnodenet.so
# (default: build/abi, the library alone built now as the plain pass
# builds it: gcc, RelWithDebInfo) with the
# committed baseline abi/libnodenet.so.<MAJOR>.abi using libabigail's
# abidiff. Additions (new functions, new symbols) pass; any other change
# (a removed or changed function, a public struct changing layout) fails,
# unless it is listed as compatible in abi/suppressions.abignore or the
# SONAME's major changed (then the old baseline is only reported against).
#
# abi-check.sh --update [BUILD_DIR]: (re)write the baseline from the build
# (without BUILD_DIR: from a fresh incremental build of the current tree).
# Run it when a release is cut, or after an intended change before 1.0
# (see docs/versioning.md), and commit abi/.
set -euo pipefail
cd "$(dirname "$0")/.."
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
build=${1:-}
supp=abi/suppressions.abignore

for t in abidw abidiff objdump; do
  command -v "$t" >/dev/null || { echo "abi-check: $t missing (scripts/install-deps.sh)"; exit 1; }
done
if [ -z "$build" ]; then
  build=build/abi
  bash scripts/build.sh "$build" -DCMAKE_C_COMPILER=gcc -DBUILD_TESTING=OFF \
    -DNNET_BENCH=OFF
fi
[ -e "$build/libnodenet.so" ] || { echo "abi-check: no $build/libnodenet.so"; exit 1; }
so=$(readlink -f "$build/libnodenet.so")
soname=$(objdump -p "$so" | awk '$1 == "SONAME" {print $2}')
[ -n "$soname" ] || { echo "abi-check: $so has no SONAME"; exit 1; }
baseline=abi/$soname.abi

dump() { # dump SO OUT: the ABI of the public headers' declarations
  abidw --headers-dir include --drop-private-types --no-corpus-path \
    --no-comp-dir-path --short-locs --type-id-style hash --out-file "$2" "$1"
}

if [ $update -eq 1 ]; then
  mkdir -p abi
  dump "$so" "$baseline"
  n=$(grep -c "<elf-symbol " "$baseline" || true)
  echo "abi-check: wrote $baseline ($soname, $n symbols); commit it"
  exit 0
fi

old=$baseline
if [ ! -e "$old" ]; then
  old=$(ls abi/libnodenet.so.*.abi 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$old" ]; then
    echo "abi-check: no baseline in abi/; create it: scripts/abi-check.sh --update"
    exit 1
  fi
fi
old_soname=$(sed -n "s/.*<abi-corpus [^>]*soname='\([^']*\)'.*/\1/p" "$old" | head -1)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Exit status bits: 1 error, 2 usage, 4 ABI change, 8 incompatible change.
# --no-added-syms: additions are not changes for the verdict...
set +e
abidiff --no-added-syms --suppressions "$supp" --headers-dir2 include \
  "$old" "$so" >"$tmp/verdict" 2>&1
rc=$?
# ...but they are reported.
abidiff --suppressions "$supp" --headers-dir2 include "$old" "$so" >"$tmp/full" 2>&1
set -e
if [ $((rc & 3)) -ne 0 ]; then
  echo "abi-check: abidiff failed (status $rc)"; cat "$tmp/verdict"; exit 1
fi
added=$(sed -n 's/^Functions changes summary: .* \([0-9]*\) Added function.*/\1/p' "$tmp/full" | head -1)
if [ $rc -eq 0 ]; then
  echo "abi-check: $soname compatible with $(basename "$old") (${added:-0} functions added)"
  exit 0
fi
if [ "$old_soname" != "$soname" ]; then
  echo "abi-check: SONAME changed $old_soname -> $soname: incompatible changes allowed."
  echo "abi-check: record the new baseline: scripts/abi-check.sh --update"
  sed 's/^/  /' "$tmp/verdict" | head -200
  exit 0
fi
echo "abi-check: INCOMPATIBLE ABI change against $old ($soname):"
sed 's/^/  /' "$tmp/verdict"
cat <<MSG
abi-check: an incompatible change needs a new SONAME (NNET_VERSION_MAJOR, see
docs/versioning.md). If the change is in fact compatible, keep it narrow and
add a suppression to $supp saying why. Before a release (or when the lead
accepts the change), record it: scripts/abi-check.sh --update
MSG
exit 1
