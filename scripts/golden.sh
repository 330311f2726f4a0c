#!/usr/bin/env bash
# Runs every command of a naql binary on the fixtures and on ../shared/data and writes each
# output (stdout, stderr and exit code) to a folder, so that two builds can be compared with
# `diff -r` / `cmp`: a behaviour-preserving change must leave every file identical.
#
# Usage: scripts/golden.sh NAQL_BINARY OUTDIR [--quick]   (--quick: fixtures only)
set -uo pipefail
bin=$(realpath "$1"); out=$(realpath -m "$2"); quick=${3:-}
cd "$(dirname "$0")/.."
data=../shared/data
mkdir -p "$out"; rm -rf "${out:?}"/*
work=$(mktemp -d)
sample=fixtures/saudinewsnet-sample.jsonl
seeds=fixtures/seeds
# run NAME ARGS...: stdout to NAME.out, stderr to NAME.err, exit code to NAME.rc
run() {
    local name=$1; shift
    "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err" </dev/null
    echo $? >"$out/$name.rc"
}
for f in text json jsonl csv; do
    run cluster-$f cluster $sample --format $f
    run cluster-seeds-$f cluster $seeds $sample --format $f --threshold 0.5
done
run cluster-char cluster $sample --char-ngram 5 --format json
run cluster-estimate cluster $sample --verify estimate --ngram 5 --format json
run cluster-nofold cluster $sample --no-fold alef --no-fold diacritics --keep-datelines --format json
for f in text json jsonl csv; do
    run story-$f cluster --level story $seeds $sample --format $f
done
run story-seeds cluster --level story $seeds
run story-nowindow cluster --level story $seeds $sample --no-window --linkage 0 --format json
run pairs pairs $sample
run pairs-story pairs --level story $seeds $sample
run sign sign $sample
run sign-char sign $sample --char-ngram 4 --num-perm 64 --seed 7
run normalize normalize $seeds/000_c451157b21fd5381.txt
run normalize-tokens normalize --tokens $seeds/001_d20af5be6fc817dc.txt
run normalize-nofold normalize --no-fold teh_marbuta --no-fold digits $seeds/002_3c71c10bcdb1a4d4.txt
run idf idf $sample $seeds -o "$work/idf.json"; cp "$work/idf.json" "$out/idf.json"
run idf-lsa idf $sample $seeds --dims 16 -o "$work/lsa.json"; cp "$work/lsa.json" "$out/lsa.json"
run story-idf cluster --level story $seeds $sample --idf "$work/idf.json" --format json
run story-lsa cluster --level story $seeds $sample --idf "$work/lsa.json" --format json
a=$seeds/000_c451157b21fd5381.txt; b=$seeds/003_ada74c54324190cc.txt
for w in 100 160; do run diff-text-$w diff $a $b --format text --width $w --color never; done
run diff-text-color diff $a $b --format text --width 120 --color always
run diff-unified diff $a $b --format unified
run diff-unified-color diff $a $b --format unified --color always
run diff-json diff $a $b --format json
run diff-html diff $a $b --format html
run diff-idf diff $a $b --format json --idf "$work/idf.json" --min-score 0.3
run diff-corpus diff $sample 22910 22673 --format json
run diff-corpus-text diff $sample 22910 23485 --format text --width 140 --color never
run report report $sample -o "$work/report.html"; cp "$work/report.html" "$out/report.html"
run report-one report $sample --cluster 2 -o "$work/r1.html"; cp "$work/r1.html" "$out/report-one.html"
run report-story report --level story $seeds $sample -o "$work/s.html"; cp "$work/s.html" "$out/report-story.html"
run report-story-one report --level story $seeds $sample --story 1 --max-diffs 3 -o "$work/s1.html"; cp "$work/s1.html" "$out/report-story-one.html"
# Errors and exit codes.
printf '{"id":"1","text":"a"}\n{bad\n' >"$work/bad.jsonl"
run err-bad cluster "$work/bad.jsonl"
run err-skip cluster "$work/bad.jsonl" --skip-bad --format json
run err-threshold cluster $sample --threshold 2
run err-ngram cluster $sample --ngram 17
run err-perm cluster $sample --num-perm 0
run err-rule cluster $sample --no-fold nothing
run err-flag cluster $sample --nonsense
run err-missing cluster "$work/none.jsonl"
run err-csv cluster --level story $sample --format csv
run err-story report --level story $seeds --story 99
run err-cluster report $sample --cluster 999
run err-idf cluster --level story $sample --idf "$work/bad.jsonl"
run err-dims idf $sample --dims 5000
run err-window cluster --level story $sample --window -1
run err-linkage cluster --level story $sample --linkage 3
run err-minscore diff $a $b --min-score 2
run err-id diff $sample 1 2
# The index: a 3-day replay of the sample, by date, in both history modes.
python3 - "$sample" "$work" <<'PY'
import json, sys
days = {}
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line)
    days.setdefault(d["date_extracted"][:10], []).append(line)
for i, day in enumerate(sorted(days)[:3]):
    open(f"{sys.argv[2]}/day{i}.jsonl", "w", encoding="utf-8").writelines(days[day])
PY
for h in estimate exact; do
    idx="$work/$h.naql"
    run index-create-$h index create "$idx" --history $h
    for i in 0 1 2; do run dedup-$h-$i dedup --index "$idx" "$work/day$i.jsonl" --window 3d; done
    run dedup-$h-again dedup --index "$idx" "$work/day0.jsonl"
    run dedup-$h-dry dedup --index "$idx" $sample --dry-run --fail-on-duplicate
    run index-export-$h index export "$idx"
    run index-check-$h index check "$idx"
    run index-remove-$h index remove "$idx" 22910 nothere
    run index-prune-$h index prune "$idx" --before 2015-07-22
    run index-export2-$h index export "$idx"
    run dedup-$h-mismatch dedup --index "$idx" $sample --ngram 5
done
if [ "$quick" != --quick ]; then
    snn=$data/saudinewsnet.jsonl.gz; ant=$data/antcorpus-multisource.jsonl.gz
    run snn-cluster-json cluster $snn --format json
    run snn-cluster-text cluster $snn --ngram 5
    run snn-pairs pairs $snn
    run snn-sign sign $snn --ngram 5
    run snn-story-json cluster --level story $snn --format json
    run ant-cluster-json cluster $ant --format json
    run ant-story-pairs pairs --level story $ant
    python3 - "$snn" "$work" <<'PY'
import gzip, json, sys
days = {}
for line in gzip.open(sys.argv[1], "rt", encoding="utf-8"):
    d = json.loads(line)
    days.setdefault(d["date_extracted"][:10], []).append(line)
for i, day in enumerate(sorted(days)[:3]):
    open(f"{sys.argv[2]}/snn{i}.jsonl", "w", encoding="utf-8").writelines(days[day])
PY
    idx="$work/snn.naql"
    run snn-index-create index create "$idx"
    for i in 0 1 2; do run snn-dedup-$i dedup --index "$idx" "$work/snn$i.jsonl"; done
    run snn-index-export index export "$idx"
fi
rm -rf "$work"
# Paths of the temporary folder appear in some messages: make them stable.
sed -i "s#$work#WORK#g" "$out"/*.err "$out"/*.out 2>/dev/null
echo "$(ls "$out" | wc -l) files in $out"
