#!/usr/bin/env bash
# Installs every Debian package the build, tests and benchmarks need.
# Idempotent and quiet when nothing is missing. Needs root (or sudo).
set -euo pipefail

PKGS=(build-essential cmake pkg-config clang libclang-rt-14-dev llvm
      clang-format libuv1-dev check procps util-linux iproute2)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
