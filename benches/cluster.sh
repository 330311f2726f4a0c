#!/usr/bin/env bash
# End-to-end `naql cluster` on the full SaudiNewsNet file, as the issue specifies it:
# .jsonl.gz as given, 5-word shingles, k = 128, threshold 0.8. Prints hyperfine's median and
# the peak RSS of one run. Usage: benches/cluster.sh [CORPUS] [extra naql flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/data/saudinewsnet.jsonl.gz}
shift || true
cargo build --release -q
bin=target/release/naql
args=(cluster "$corpus" --ngram 5 --num-perm 128 --threshold 0.8 --format json -q -o /dev/null "$@")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 10 --export-json /tmp/naql-cluster-bench.json "$bin ${args[*]}"
  python3 -c "import json; r=json.load(open('/tmp/naql-cluster-bench.json'))['results'][0]; print(f\"median {r['median']:.3f} s, min {r['min']:.3f} s, max {r['max']:.3f} s over {len(r['times'])} runs\")"
else
  for i in 1 2 3 4 5; do /usr/bin/time -f "%e s" "$bin" "${args[@]}"; done
fi
/usr/bin/time -f "peak RSS %M KB, wall %e s, user %U s" "$bin" "${args[@]}" --timings
