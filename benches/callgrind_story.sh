#!/usr/bin/env bash
# Instruction counts of the story level, stage by stage, under callgrind: repeatable on a noisy
# machine. Runs `naql cluster --level story` on the first N articles of SaudiNewsNet (default
# 4000) on one thread and prints the total and the inclusive count of each stage's function
# (the ones LTO keeps as functions; a stage inlined away is printed as missing).
# Usage: benches/callgrind_story.sh [N] [CORPUS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-4000}
corpus=${2:-../shared/data/saudinewsnet.jsonl.gz}
cargo build --release -q
sample=$(mktemp --suffix=.jsonl)
out=$(mktemp)
trap 'rm -f "$sample" "$out"' EXIT
zcat -f "$corpus" | head -n "$n" > "$sample"
valgrind --tool=callgrind --callgrind-out-file="$out" target/release/naql cluster --level story \
  "$sample" --format json -q -o /dev/null --threads 1 2>&1 | awk '/refs:/{print "total:", $4, "instructions"}'
annotated=$(callgrind_annotate --inclusive=yes "$out" 2>/dev/null)
for f in 'StoryEngine::prepare' 'Idf::from_counts' 'Idf::weigh' 'candidate_pairs_wide' \
  'candidates::verify' 'Groups::merge_pairs' 'Level::terms' 'render::stories::write_stories'; do
  line=$(grep -F "$f" <<<"$annotated" | grep -F '[' | head -1 || true)
  printf '%-32s %s\n' "$f" "${line:-(inlined: not counted apart)}" | sed -E 's/ +src\/.*//; s/ +\/.*//'
done
