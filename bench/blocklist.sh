#!/usr/bin/env bash
# blocklist.sh [BUILD_DIR]: run bench_blocklist (C) and bench_blocklist.js
# (Node) in one go and print ns/check side by side with the speed-up.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/bench}
bash "$here/../scripts/build.sh" "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
c=$("$build/bench/bench_blocklist")
n=$(node "$here/bench_blocklist.js")
echo "BlockList.check, IPv4 probes (ns per check; lower is better)"
printf '%-9s %14s %12s %12s %14s %9s\n' rules "nodenet(str)" "nodenet(sa)" "Node(str)" "Node(SockAddr)" "ratio"
while read -r _ size cs ca _ _; do
  read -r ns na it < <(echo "$n" | awk -v s="$size" '$1=="check" && $2==s {print $3, $4, $5}')
  note=""; [ "$size" -ge 1000000 ] && note=" (Node: only $it checks)"
  printf '%-9s %14s %12s %12s %14s %8.0fx%s\n' "$size" "$cs" "$ca" "$ns" "$na" \
    "$(echo "$ns / $cs" | bc -l)" "$note"
done < <(echo "$c" | grep '^check')
ci=$(echo "$c" | awk '$1=="isip"{print $2}')
ni=$(echo "$n" | awk '$1=="isip"{print $2}')
printf 'isIP (mixed strings): nodenet %s ns, Node %s ns, %.1fx\n' "$ci" "$ni" "$(echo "$ni / $ci" | bc -l)"
echo "ratio = Node(str) / nodenet(str)"
