#!/usr/bin/env python3
"""Scores `naql diff` against AraPlagDet 2015 (dev) passage annotations.

For every annotated suspicious/source pair it runs
`naql diff SUSPICIOUS SOURCE --format json` and takes the shared rows (equal, changed,
moved) as the detected reuse. Character-level precision and recall, PAN style, micro-averaged
over the characters of both documents of every pair, per obfuscation type:
precision = |detected ∩ annotated| / |detected|, recall = |detected ∩ annotated| / |annotated|.
JSON spans are character offsets, as are PAN's, so no conversion is needed.

usage: scripts/eval_araplagdet.py [--naql target/release/naql] [--data DIR] [-- naql diff flags]
"""
import argparse
import collections
import concurrent.futures
import glob
import json
import os
import re
import subprocess
import sys


def annotations(data):
    pairs = collections.defaultdict(list)
    for f in sorted(glob.glob(os.path.join(data, "plagiarism-annotation", "*.xml"))):
        x = open(f, encoding="utf-8").read()
        susp = re.search(r'reference="([^"]+)"', x).group(1)
        for m in re.finditer(r"<feature ([^>]*)/>", x):
            a = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
            if "source_reference" not in a:
                continue
            pairs[(susp, a["source_reference"])].append(
                (
                    a["obfuscation"],
                    int(a["this_offset"]),
                    int(a["this_length"]),
                    int(a["source_offset"]),
                    int(a["source_length"]),
                )
            )
    return pairs


def mark(ranges, n):
    bits = bytearray(n)
    for s, e in ranges:
        bits[max(0, s) : min(n, e)] = b"\x01" * (min(n, e) - max(0, s))
    return bits


def score(args, data, key, passages):
    susp, src = key
    ps = os.path.join(data, "suspicious-documents", susp)
    pr = os.path.join(data, "source-documents", src)
    run = subprocess.run(
        [args.naql, "diff", ps, pr, "--format", "json", *args.extra],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise SystemExit(f"naql failed on {susp} {src}: {run.stderr}")
    d = json.loads(run.stdout)
    na, nb = d["a"]["chars"], d["b"]["chars"]
    shared = [r for r in d["rows"] if r["kind"] in ("equal", "changed", "moved")]
    det_a = mark([r["a"] for r in shared], na)
    det_b = mark([r["b"] for r in shared], nb)
    tru_a = mark([(p[1], p[1] + p[2]) for p in passages], na)
    tru_b = mark([(p[3], p[3] + p[4]) for p in passages], nb)
    tp = sum(x & y for x, y in zip(det_a, tru_a)) + sum(x & y for x, y in zip(det_b, tru_b))
    return passages[0][0], tp, sum(det_a) + sum(det_b), sum(tru_a) + sum(tru_b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--naql", default="target/release/naql")
    ap.add_argument("--data", default="../shared/data/araplagdet-dev")
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("extra", nargs="*", help="more flags for naql diff (after --)")
    args = ap.parse_args()
    pairs = annotations(args.data)
    totals = collections.defaultdict(lambda: [0, 0, 0, 0])
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for kind, tp, det, tru in pool.map(lambda kv: score(args, args.data, *kv), pairs.items()):
            t = totals[kind]
            t[0] += 1
            t[1] += tp
            t[2] += det
            t[3] += tru
    print(f"{'obfuscation':<30} {'pairs':>5} {'precision':>9} {'recall':>7}")
    for kind in sorted(totals):
        n, tp, det, tru = totals[kind]
        p = tp / det if det else 0.0
        r = tp / tru if tru else 0.0
        print(f"{kind:<30} {n:>5} {p:>9.3f} {r:>7.3f}")


if __name__ == "__main__":
    sys.exit(main())
