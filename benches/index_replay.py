#!/usr/bin/env python3
"""Replays SaudiNewsNet day by day through `naql dedup --index` and compares with one-shot
`naql pairs` over the whole corpus at the same settings (3-word shingles, k = 128, t = 0.8).

Batches are the days of `date_extracted` (18 of them), oldest first, each article in file order.
For each history mode (estimate, exact) it prints per-batch wall time, the index size per
document, and the agreement of the duplicate pairs: a pair is reported incrementally when the
later document lists the earlier one in its verdict's `matches`.

Usage: benches/index_replay.py [CORPUS] [NAQL_BINARY] [WORKDIR]
"""
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/saudinewsnet.jsonl.gz"
naql = sys.argv[2] if len(sys.argv) > 2 else "target/release/naql"
work = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="naql-replay-")
os.makedirs(work, exist_ok=True)

# Split by day; keep each line as it is.
days = {}
with gzip.open(corpus, "rt", encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        days.setdefault(d["date_extracted"][:10], []).append(line)
files = []
for day in sorted(days):
    path = os.path.join(work, f"day-{day}.jsonl")
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(days[day])
    files.append((day, path, len(days[day])))
print(f"{len(files)} daily batches, {sum(n for _, _, n in files)} articles, in {work}")


def size(path):
    total = 0
    for suffix in ("", "-wal"):
        try:
            total += os.path.getsize(path + suffix)
        except FileNotFoundError:
            pass
    return total


# One-shot ground: every verified pair over the whole corpus.
pairs_path = os.path.join(work, "pairs.jsonl")
subprocess.run([naql, "pairs", corpus, "-q", "-o", pairs_path], check=True)
oneshot = {}
with open(pairs_path, encoding="utf-8") as f:
    for line in f:
        p = json.loads(line)
        oneshot[frozenset((p["a"], p["b"]))] = p["jaccard"]

results = {}
for history in ("estimate", "exact"):
    index = os.path.join(work, f"replay-{history}.naql")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(index + suffix):
            os.remove(index + suffix)
    subprocess.run([naql, "index", "create", index, "--history", history], check=True,
                   stderr=subprocess.DEVNULL)
    rows = []
    incremental = {}
    for day, path, n in files:
        verdicts = os.path.join(work, f"verdicts-{history}-{day}.jsonl")
        t0 = time.perf_counter()
        subprocess.run([naql, "dedup", "--index", index, path, "-q", "-o", verdicts], check=True)
        wall = time.perf_counter() - t0
        counts = {}
        with open(verdicts, encoding="utf-8") as f:
            for line in f:
                v = json.loads(line)
                counts[v["status"]] = counts.get(v["status"], 0) + 1
                for m in v["matches"]:
                    incremental[frozenset((v["id"], m["id"]))] = m["jaccard"]
        rows.append((day, n, wall, size(index), counts))
    stats = json.loads(subprocess.run([naql, "index", "stats", index, "--json"], check=True,
                                      capture_output=True, text=True).stdout)
    both = set(oneshot) & set(incremental)
    only_oneshot = set(oneshot) - set(incremental)
    only_inc = set(incremental) - set(oneshot)
    results[history] = dict(rows=rows, stats=stats, both=len(both),
                            only_oneshot=len(only_oneshot), only_incremental=len(only_inc))
    print(f"\n## history = {history}")
    print("| day | articles | wall s | index bytes | new | duplicate | exact | empty |")
    print("|---|---|---|---|---|---|---|---|")
    for day, n, wall, sz, c in rows:
        print(f"| {day} | {n} | {wall:.2f} | {sz:,} | {c.get('new', 0)} | {c.get('duplicate', 0)} "
              f"| {c.get('exact_duplicate', 0)} | {c.get('skipped', 0)} |")
    walls = [r[2] for r in rows]
    print(f"per-batch wall: median {statistics.median(walls):.3f} s, max {max(walls):.3f} s")
    print(f"documents {stats['documents']}, file {stats['file_bytes']:,} bytes, "
          f"{stats['bytes_per_document']:.0f} bytes/doc")
    print(f"pairs: one-shot {len(oneshot)}, incremental {len(incremental)}, both {len(both)}, "
          f"only one-shot {len(only_oneshot)}, only incremental {len(only_inc)}")
    # Where the differences lie: their Jaccard as the other side measured it.
    near = lambda js: sum(1 for j in js if j is not None and abs(j - 0.8) <= 0.05)
    js = [oneshot[p] for p in only_oneshot]
    print(f"  only one-shot: {near(js)} of {len(js)} have exact Jaccard within 0.05 of 0.8; "
          f"jaccard min {min(js, default=0):.3f} max {max(js, default=0):.3f}")
    js = [incremental[p] for p in only_inc]
    print(f"  only incremental: {near(js)} of {len(js)} have reported Jaccard within 0.05 of 0.8; "
          f"jaccard min {min(js, default=0):.3f} max {max(js, default=0):.3f}")
    with open(os.path.join(work, f"diff-{history}.json"), "w") as f:
        json.dump({"only_oneshot": [sorted(p) + [oneshot[p]] for p in only_oneshot],
                   "only_incremental": [sorted(p) + [incremental[p]] for p in only_inc]}, f)

with open(os.path.join(work, "summary.json"), "w") as f:
    json.dump(results, f, default=str)
