#!/usr/bin/env python3
"""How `naql cluster` grows with the corpus: wall time, peak RSS and pairs at several sizes.

Corpora are made from SaudiNewsNet (31,030 real articles) as `index_scale.py` makes its
history: copy 0 is the corpus as it is; copy c >= 1 rewrites every word w as w + a two-letter
marker naming the copy (ids `p<c>-<id>`). A copy shares no shingle with another, but keeps each
article's length, paragraphs, outlet, date and the corpus's own wire-copy clusters. A marked
copy normalizes a little differently from copy 0 (a marker ending in ا meets the tanween rule;
datelines match less often), so its pairs differ from copy 0's (copy 1 alone: 2,169 against
2,459); growth is linear when k copies give copy 0's pairs plus k - 1 times a marked copy's.
Each size is written once as plain JSONL under WORKDIR and kept for reruns.

Usage: benches/scale.py [NAQL_BINARY] [WORKDIR] [COPIES...]   (default copies: 1 10 32)
NAQL_ARGS (environment) adds flags to every run, e.g. NAQL_ARGS="--spill-after 0" to hold no
word hashes in memory (the memory-budget figures in BENCHMARKS.md), or NAQL_ARGS="--level
story" for the story level with its own defaults (its last column is then the number of
stories).
Prints one row per size (bytes of RSS per document, and per document added since the previous
size, which leaves the process's fixed memory out) and the exponents b of time ~ docs^b and
RSS ~ docs^b fitted between the smallest and the largest size (1.0 is linear).
"""
import gzip
import json
import math
import os
import re
import subprocess
import sys
import time

naql = sys.argv[1] if len(sys.argv) > 1 else "target/release/naql"
work = sys.argv[2] if len(sys.argv) > 2 else "/tmp/naql-scale"
sizes = [int(c) for c in sys.argv[3:]] or [1, 10, 32]
corpus = "../shared/data/saudinewsnet.jsonl.gz"
os.makedirs(work, exist_ok=True)
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
word = re.compile(r"\w+")
docs = None


def corpus_of(copies):
    """The JSONL file of `copies` copies, written on first use."""
    global docs
    path = os.path.join(work, f"snn-x{copies}.jsonl")
    if os.path.exists(path):
        return path
    if docs is None:
        docs = [json.loads(l) for l in gzip.open(corpus, "rt", encoding="utf-8")]
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        for c in range(copies):
            marker = LETTERS[c % 28] + LETTERS[(c // 28) % 28]
            for d in docs:
                e = dict(d)
                if c:
                    e["id"] = f"p{c}-{d['id']}"
                    e["content"] = word.sub(r"\g<0>" + marker, d["content"] or "")
                    e["title"] = word.sub(r"\g<0>" + marker, d["title"] or "")
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
    os.replace(path + ".tmp", path)
    return path


def run(path):
    """One `naql cluster` (the issue's parameters): wall s, peak RSS KB, stats."""
    extra = os.environ.get("NAQL_ARGS", "").split()
    # The story level keeps its own defaults (its threshold is a cosine, not a Jaccard).
    copy_level = [] if any("story" in a for a in extra) else ["--ngram", "5", "--num-perm", "128", "--threshold",
                                              "0.8"]
    args = [naql, "cluster", path, *copy_level, "--format", "json", "-q", "-o",
            os.path.join(work, "out.json"), *extra]
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *args], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"naql failed on {path}: {p.stderr[-2000:]}")
    rss = int(p.stderr.strip().splitlines()[-1])
    with open(os.path.join(work, "out.json"), encoding="utf-8") as f:
        stats = json.load(f)["stats"]
    return wall, rss, stats


print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {naql} "
      f"{os.environ.get('NAQL_ARGS', '')}")
print("| copies | docs | input MB | wall s | peak RSS MB | RSS/doc | RSS/doc added | verified pairs "
      "| clusters |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
rows = []
for copies in sizes:
    path = corpus_of(copies)
    wall, rss, s = run(path)
    n = s["documents"] if "documents" in s else s["input_records"]
    # The slope from the previous size: what one more document costs, fixed memory aside.
    added = f"{(rss - rows[-1][2]) * 1024 / (n - rows[-1][0]):,.0f}" if rows else "—"
    rows.append((n, wall, rss))
    print(f"| {copies} | {n:,} | {os.path.getsize(path) / 1e6:,.0f} | {wall:.2f} | "
          f"{rss / 1024:,.0f} | {rss * 1024 / n:,.0f} | {added} | {s['verified_pairs']:,} | "
          f"{s.get('clusters', s.get('stories', 0)):,} |", flush=True)
if len(rows) > 1:
    (n0, w0, r0), (n1, w1, r1) = rows[0], rows[-1]
    fit = lambda a, b: math.log(b / a) / math.log(n1 / n0)
    print(f"exponents from {n0:,} to {n1:,} docs: time {fit(w0, w1):.2f}, RSS {fit(r0, r1):.2f}")
