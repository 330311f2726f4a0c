#!/usr/bin/env bash
# Instruction counts of the story level, stage by stage, under callgrind: repeatable on a noisy
# machine. Runs `naql cluster --level story` on the first N articles of SaudiNewsNet (default
# 4000) on one thread and prints the total and the inclusive counts of the stages that stay
# functions after LTO.
# Usage: benches/callgrind_story.sh [N] [CORPUS]; NAQL_BIN=path measures another build.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-4000}
corpus=${2:-../shared/data/saudinewsnet.jsonl.gz}
bin=${NAQL_BIN:-target/release/naql}
[ -n "${NAQL_BIN:-}" ] || cargo build --release -q
sample=$(mktemp --suffix=.jsonl)
out=$(mktemp)
trap 'rm -f "$sample" "$out"' EXIT
{ zcat -f "$corpus" || true; } | head -n "$n" > "$sample"  # zcat stops early when head has enough
valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" cluster --level story \
  "$sample" --format json -q -o /dev/null --threads 1 >/dev/null 2>&1
# Stages LTO keeps as functions; the others (IDF, weights, candidates, verification, merging)
# are inlined into the run and counted together as the rest.
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | python3 -c '
import re, sys
text = sys.stdin.read()
total = int(re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", text).group(1).replace(",", ""))
names = {"normalize, sign, count terms (per article)": ["StoryEngine::prepare ["],
         "build the stories, name their terms": ["Level::story [", "Level::terms ["],
         "write the JSON": ["write_stories ["]}
print("%-52s %9.1f M instructions" % ("total", total / 1e6))
rest = total
for label, key in names.items():
    m = [int(l.split()[0].replace(",", "")) for l in text.splitlines() if any(k in l for k in key)]
    n = max(m, default=0)
    rest -= n
    print("%-52s %9.1f M" % (label, n / 1e6))
print("%-52s %9.1f M" % ("the rest (JSON, IDF, weights, candidates, verify, merge)", rest / 1e6))
'
