#!/usr/bin/env python3
"""Builds an index of about 1,000,000 documents from SaudiNewsNet and times a 1,500-article batch.

How the index is filled (default history mode, `estimate`):
  * copy 0: the real articles of every day but the last (2015-08-11), ids as they are;
  * copies 1..32: the whole corpus again, every word w rewritten as w + a two-letter marker
    that names the copy (ids `p<c>-<id>`). A copy shares no word, and so no shingle, with the
    real text or another copy, but keeps each article's length, paragraphs, source and date,
    and the corpus's own wire-copy clusters (within a copy the same rewrite is applied to all).
  Each copy goes in as one `naql dedup` batch read from stdin.
The query: the first 1,500 articles of 2015-08-11 under fresh ids, so they are checked against
the real history (where their copies are) and the 1M-document band table. It is timed as a dry
run (query only, 5 times, median) and once for real (query + adding the batch).

Usage: benches/index_scale.py [CORPUS] [NAQL_BINARY] [WORKDIR] [COPIES] [reuse]
With `reuse`, an index left in WORKDIR by an earlier run is queried again without rebuilding
(the query batch gets ids of its own each time, so it is never `already_indexed`).
"""
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/saudinewsnet.jsonl.gz"
naql = sys.argv[2] if len(sys.argv) > 2 else "target/release/naql"
work = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="naql-scale-")
copies = int(sys.argv[4]) if len(sys.argv) > 4 else 32
reuse = len(sys.argv) > 5 and sys.argv[5] == "reuse"
os.makedirs(work, exist_ok=True)
index = os.path.join(work, "scale.naql")
for suffix in ("", "-wal", "-shm"):
    if not reuse and os.path.exists(index + suffix):
        os.remove(index + suffix)

docs = [json.loads(l) for l in gzip.open(corpus, "rt", encoding="utf-8")]
last_day = "2015-08-11"
query = [d for d in docs if d["date_extracted"].startswith(last_day)][:1500]
history = [d for d in docs if not d["date_extracted"].startswith(last_day)]
print(f"{len(docs)} articles; history {len(history)}, query batch {len(query)}, "
      f"{copies} perturbed copies of {len(docs)}")

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
word = re.compile(r"\w+")


def perturbed(c):
    marker = LETTERS[c % 28] + LETTERS[(c // 28) % 28]
    for d in docs:
        e = dict(d)
        e["id"] = f"p{c}-{d['id']}"
        e["content"] = word.sub(r"\g<0>" + marker, d["content"] or "")
        e["title"] = word.sub(r"\g<0>" + marker, d["title"] or "")
        yield e


def size():
    return sum(os.path.getsize(index + s) for s in ("", "-wal") if os.path.exists(index + s))


def feed(batch, extra=()):
    """Runs one `naql dedup` batch from stdin; returns (wall seconds, stderr)."""
    payload = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in batch).encode()
    t0 = time.perf_counter()
    p = subprocess.run([naql, "dedup", "--index", index, "-", "-o", "/dev/null", *extra],
                       input=payload, capture_output=True, check=True)
    return time.perf_counter() - t0, p.stderr.decode().strip()


build = []
if not reuse:
    subprocess.run([naql, "index", "create", index], check=True, stderr=subprocess.DEVNULL)
    wall, _ = feed(history)
    build.append(wall)
    print(f"copy 0: {len(history)} docs in {wall:.1f} s, {size():,} bytes")
    for c in range(1, copies + 1):
        wall, _ = feed(list(perturbed(c)))
        build.append(wall)
        print(f"copy {c}: {wall:.1f} s, {size():,} bytes", flush=True)

stats = json.loads(subprocess.run([naql, "index", "stats", index, "--json"], check=True,
                                  capture_output=True, text=True).stdout)
n = stats["documents"]
print(f"index: {n:,} documents, {stats['file_bytes']:,} bytes, "
      f"{stats['file_bytes'] / n:.0f} bytes/doc, {stats['band_rows']:,} band rows, "
      f"{stats['boilerplate_paragraphs_tracked']:,} paragraph counts")

run_id = int(time.time())
q = [dict(d, id=f"q{run_id}-{d['id']}") for d in query]
dry = []
for _ in range(5):
    wall, msg = feed(q, ["--dry-run"])
    dry.append(wall)
print(f"dry run, {len(q)} articles: median {statistics.median(dry):.3f} s "
      f"(min {min(dry):.3f}, max {max(dry):.3f}); {msg}")
wall, msg = feed(q)
print(f"real run (query + add): {wall:.3f} s; {msg}")
print(f"after: {size():,} bytes")
with open(os.path.join(work, "scale.json"), "w") as f:
    json.dump(dict(documents=n, file_bytes=stats["file_bytes"], build=build, dry=dry, real=wall),
              f)
