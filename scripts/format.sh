#!/usr/bin/env bash
# format.sh [--check]: clang-format every C file of the project.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h' 2>/dev/null | grep -v '^test/fuzz/corpus/' || true)
[ -z "$files" ] && exit 0
if [ "${1:-}" = "--check" ]; then
  # shellcheck disable=SC2086
  clang-format --dry-run --Werror $files && echo "format: clean"
else
  # shellcheck disable=SC2086
  clang-format -i $files
fi
