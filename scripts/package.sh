#!/usr/bin/env bash
# package.sh [BUILD_DIR] [OUT_DIR]: build the Debian packages with CPack:
#   libnodenet0     the shared library (libnodenet.so.0)
#   libnodenet-dev  headers, static library, pkg-config, CMake package, man3
#   nodenet         the nodenet tool and its man page
# into OUT_DIR (default dist/deb) from a Release build installed to /usr
# (default BUILD_DIR build/deb). Install them with
#   sudo dpkg -i dist/deb/libnodenet0_*.deb dist/deb/libnodenet-dev_*.deb
# (apt-get install ./dist/deb/*.deb also pulls libuv1-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/deb}
out=${2:-dist/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DBUILD_TESTING=OFF -DNNET_BENCH=OFF -DCMAKE_C_COMPILER="${CC:-gcc}" >/dev/null
cmake --build "$build" -j"$(nproc)" -- --no-print-directory >/dev/null
rm -f "$out"/*.deb
(cd "$build" && cpack -G DEB -B "$out" >/dev/null)
rm -rf "$out/_CPack_Packages"
for deb in "$out"/*.deb; do
  echo "package: $deb ($(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version))"
done
