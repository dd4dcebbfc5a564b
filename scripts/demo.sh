#!/usr/bin/env bash
# The demo: installs deps, builds the `nodenet` tool and shows it at work.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
echo "== building nodenet =="
bash scripts/build.sh build/plain -DCMAKE_C_COMPILER=gcc
NODENET=build/plain/nodenet
run() { echo "\$ nodenet $*"; "$NODENET" "$@" || true; echo; }

echo "== the address layer =="
run isip 127.0.0.1 ::1 fe80::1%eth0 01.2.3.4 example.com
run blocklist --rule 10.0.0.0/8 --rule 192.168.1.1-192.168.1.9 --rule ::1 --rules \
    10.1.2.3 192.168.1.5 192.168.1.10 ::1 ::ffff:10.0.0.1
