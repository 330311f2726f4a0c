"""Signing speed from Python: naql.Signer.sign against rensa and datasketch, one script, the
same texts and the same shingles (BENCHMARKS.md "Python").

    python python/spark/bench_sign.py ../shared/data/saudinewsnet.jsonl.gz [--limit N] [--runs 5]

naql takes the texts and does everything in Rust (normalize, tokens, 3-word shingles, sign),
on all cores. The peers take shingle sets made in Python by benches/peers/peer.py's tokenizer
(naql's folds, the same tokens): their times are given for signing alone (shingles already
made, what their batch APIs do) and for texts → signatures (shingling included). MB/s are of
UTF-8 text; medians of the runs.
"""

import argparse
import gzip
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "benches", "peers"))

import naql  # noqa: E402
from peer import shingles, tokens  # noqa: E402  (the peers' shingling, naql's folds)


def load(path, limit):
    opener = gzip.open if path.endswith(".gz") else open
    texts = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            text = rec.get("content") or rec.get("text") or ""
            if text.strip():
                texts.append(text)
            if limit and len(texts) >= limit:
                break
    return texts


def median_time(f, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--ngram", type=int, default=3)
    p.add_argument("--num-perm", type=int, default=128)
    a = p.parse_args()
    texts = load(a.corpus, a.limit)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    signer = naql.Signer(ngram=a.ngram, num_perm=a.num_perm, keep_datelines=True)
    rows = []

    t = median_time(lambda: signer.sign(texts), a.runs)
    rows.append(("naql Signer.sign (texts → signatures)", t))
    try:
        import pyarrow as pa

        arrow = pa.array(texts)
        t = median_time(lambda: naql.sign_arrow(arrow, signer), a.runs)
        rows.append(("naql sign_arrow (pyarrow strings → FixedSizeList)", t))
    except ImportError:
        print("pyarrow not installed: sign_arrow skipped", file=sys.stderr)

    def make_sets():
        return [shingles(tokens(x), a.ngram) for x in texts]

    t_shingle = median_time(make_sets, max(1, a.runs // 2))
    sets = make_sets()
    try:
        from rensa import RMinHash

        t = median_time(lambda: RMinHash.from_token_sets(sets, num_perm=a.num_perm, seed=42),
                        a.runs)
        rows.append(("rensa RMinHash.from_token_sets (shingles given)", t))
        rows.append(("rensa, texts → signatures (Python shingling + batch)", t + t_shingle))
    except ImportError:
        print("rensa not installed: skipped", file=sys.stderr)
    try:
        from datasketch import MinHash

        encoded = [[s.encode("utf-8") for s in ss] for ss in sets]
        t = median_time(lambda: MinHash.bulk(encoded, num_perm=a.num_perm), max(1, a.runs // 2))
        rows.append(("datasketch MinHash.bulk (shingles given, encoded)", t))
        rows.append(("datasketch, texts → signatures", t + t_shingle))
    except ImportError:
        print("datasketch not installed: skipped", file=sys.stderr)

    print(f"{len(texts)} texts, {mb:.1f} MB of UTF-8, {a.ngram}-word shingles, k={a.num_perm}, "
          f"{os.cpu_count()} cores; Python shingling alone {t_shingle:.2f} s")
    base = rows[0][1]
    print("| what | median s | MB/s | naql is × faster |")
    print("|---|---:|---:|---:|")
    for name, t in rows:
        print(f"| {name} | {t:.3f} | {mb / t:.1f} | {t / base:.1f} |")


if __name__ == "__main__":
    main()
