#!/usr/bin/env bash
# Story-level clustering of the full SaudiNewsNet file with default settings (issue 5's speed
# target: <= 3 s wall on the 2-core machine). Prints hyperfine's median and the peak RSS and
# stage times of one run. Usage: benches/story.sh [CORPUS] [extra naql flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/data/saudinewsnet.jsonl.gz}
shift || true
cargo build --release -q
bin=target/release/naql
args=(cluster --level story "$corpus" --format json -q -o /dev/null "$@")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 10 --export-json /tmp/naql-story-bench.json "$bin ${args[*]}"
  python3 -c "import json; r=json.load(open('/tmp/naql-story-bench.json'))['results'][0]; print(f\"median {r['median']:.3f} s, min {r['min']:.3f} s, max {r['max']:.3f} s, mean user {r['user']:.3f} s over {len(r['times'])} runs\")"
else
  for i in 1 2 3 4 5; do /usr/bin/time -f "%e s" "$bin" "${args[@]}"; done
fi
/usr/bin/time -f "peak RSS %M KB, wall %e s, user %U s" "$bin" "${args[@]}" --timings
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
