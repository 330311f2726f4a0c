"""Runs naql, datasketch and rensa on one corpus and scores them against exact ground truth.

Called by run.sh (which makes the venv and builds naql); see README.md beside this file.

    python compare.py --root REPO --corpus CORPUS [--runs 3] [--out DIR]
"""

import argparse
import datetime
import json
import os
import platform
import selectors
import statistics
import subprocess
import sys
import time
from importlib import metadata

NGRAM, NUM_PERM, THRESHOLD = 5, 128, 0.8


def run_once(cmd):
    """Runs cmd in a child; returns (wall s, peak RSS MB, stdout, stderr)."""
    r_out, w_out = os.pipe()
    r_err, w_err = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(w_out, 1)
        os.dup2(w_err, 2)
        for fd in (r_out, w_out, r_err, w_err):
            os.close(fd)
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    os.close(w_out)
    os.close(w_err)
    # Drain both pipes (outputs here are small: JSON summaries and timings).
    chunks = {r_out: [], r_err: []}
    sel = selectors.DefaultSelector()
    for fd in chunks:
        sel.register(fd, selectors.EVENT_READ)
    open_fds = set(chunks)
    while open_fds:
        for key, _ in sel.select():
            data = os.read(key.fd, 65536)
            if data:
                chunks[key.fd].append(data)
            else:
                sel.unregister(key.fd)
                os.close(key.fd)
                open_fds.discard(key.fd)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    out = b"".join(chunks[r_out]).decode()
    err = b"".join(chunks[r_err]).decode()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"command failed ({code}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024, out, err


def read_pairs(path):
    pairs = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            a, b = p["a"], p["b"]
            pairs.add((a, b) if a < b else (b, a))
    return pairs


def naql_timings(stderr):
    """`naql: stage   1.234 s` lines of --timings."""
    out = {}
    for line in stderr.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0] == "naql:" and parts[-1] == "s":
            try:
                out[" ".join(parts[1:-2])] = float(parts[-2])
            except ValueError:
                pass
    return out


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_gib():
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        return f"{kb / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        return "?"


def git(root, *args):
    try:
        return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def jaccard_bins(missed, truth_j):
    bins = [(0.8, 0.85), (0.85, 0.9), (0.9, 0.95), (0.95, 1.0)]
    counts = [sum(1 for p in missed if lo <= truth_j[p] < hi) for lo, hi in bins]
    exact = sum(1 for p in missed if truth_j[p] >= 1.0)
    labels = [f"[{lo:.2f},{hi:.2f})" for lo, hi in bins] + ["1.0"]
    return ", ".join(f"{label}: {c}" for label, c in zip(labels, counts + [exact]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    out = os.path.abspath(args.out or os.path.join(root, "target", "peers-out"))
    os.makedirs(out, exist_ok=True)
    corpus = args.corpus
    naql = os.path.join(root, "target", "release", "naql")
    truth_bin = os.path.join(root, "target", "release", "examples", "ground_truth")
    peer = os.path.join(root, "benches", "peers", "peer.py")
    py = sys.executable

    dirty = git(root, "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock")
    print(f"date:     {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine:  {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {cpu_model()}, {mem_gib()}, {platform.system()} {platform.release()}")
    print(f"naql:     {git(root, 'rev-parse', '--short', 'HEAD')}{' + uncommitted changes in src/' if dirty else ''}")
    print(
        f"python:   {platform.python_version()} · datasketch {metadata.version('datasketch')} · rensa {metadata.version('rensa')}"
        f" · numpy {metadata.version('numpy')}"
    )
    print(f"corpus:   {corpus}")
    print(f"settings: {NGRAM}-word shingles, k = {NUM_PERM}, threshold {THRESHOLD}; median of {args.runs} runs")
    print(
        "          naql runs with --keep-datelines --boilerplate-min-docs 0 (the peers have no dateline or\n"
        "          boilerplate removal), so every system and the ground truth see the same shingle sets"
    )
    print()

    truth_path = os.path.join(out, "truth.jsonl")
    wall, _, so, err = run_once([truth_bin, corpus, truth_path, "--ngram", str(NGRAM), "--threshold", str(THRESHOLD)])
    truth_stats = json.loads(so)
    truth_j = {}
    with open(truth_path, encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            a, b = p["a"], p["b"]
            truth_j[(a, b) if a < b else (b, a)] = p["jaccard"]
    truth = set(truth_j)
    print(err.strip().replace("ground truth:", "ground truth (examples/ground_truth.rs):"))

    common = ["--ngram", str(NGRAM), "--num-perm", str(NUM_PERM), "--threshold", str(THRESHOLD)]
    naql_flags = common + ["--keep-datelines", "--boilerplate-min-docs", "0", "-q"]
    systems = {
        "naql pairs": [naql, "pairs", corpus, *naql_flags, "-o", os.path.join(out, "naql-pairs.jsonl")],
        "naql cluster": [naql, "cluster", corpus, *naql_flags, "--format", "json", "--timings", "-o", os.path.join(out, "naql-cluster.json")],
        "datasketch": [py, peer, "datasketch", corpus, os.path.join(out, "datasketch"), *common],
        "datasketch 16x8": [py, peer, "datasketch", corpus, os.path.join(out, "datasketch-16x8"), *common, "--weights", "0.05,0.95"],
        "rensa": [py, peer, "rensa", corpus, os.path.join(out, "rensa"), *common, "--bands", "16"],
    }
    for name, cmd in systems.items():
        if cmd[1] == peer:
            os.makedirs(cmd[4], exist_ok=True)

    print()

    results = {name: [] for name in systems}
    for i in range(args.runs):
        # Round robin, so slow drift of the machine affects every system alike.
        for name, cmd in systems.items():
            wall, rss, so, se = run_once(cmd)
            summary = json.loads(so) if cmd[1] == peer else None
            stages = summary["stages"] if summary else naql_timings(se)
            results[name].append({"wall": wall, "rss": rss, "stages": stages, "summary": summary})
            print(f"  run {i + 1}/{args.runs} {name:<16} {wall:7.2f} s  {rss:7.0f} MB", file=sys.stderr, flush=True)

    # The Python normalization must give naql's shingle sets, or the comparison is unfair.
    counts = {(r["summary"]["documents"], r["summary"]["shingles"]) for rs in results.values() for r in rs if r["summary"]}
    naql_counts = (truth_stats["documents"], truth_stats["shingles"])
    print(
        f"shingle sets: naql {naql_counts[0]} documents with words, {naql_counts[1]} shingles; Python peers "
        + ", ".join(f"{d} documents, {n} shingles" for d, n in sorted(counts))
        + (" -> identical" if counts == {naql_counts} else " -> DIFFERENT: the Python normalization no longer matches naql's")
    )
    print()

    def med(values):
        return statistics.median(values)

    def stage_medians(name):
        keys = results[name][0]["stages"].keys()
        return {k: med([r["stages"][k] for r in results[name]]) for k in keys}

    rows = []  # (label, wall, rss, pairs_path or None, lsh)
    # naql chooses its bands x rows from the threshold; its JSON output says which.
    with open(os.path.join(out, "naql-cluster.json"), encoding="utf-8") as f:
        naql_lsh = json.load(f)["params"]["lsh"]
    naql_shape = f"{naql_lsh['bands']}x{naql_lsh['rows']}"
    nq = results["naql pairs"]
    rows.append(("naql pairs (exact verify)", med([r["wall"] for r in nq]), max(r["rss"] for r in nq), os.path.join(out, "naql-pairs.jsonl"), naql_shape))
    nc = results["naql cluster"]
    rows.append(("naql cluster", med([r["wall"] for r in nc]), max(r["rss"] for r in nc), None, naql_shape))
    for name, label in (("datasketch", "datasketch"), ("datasketch 16x8", "datasketch w=.05/.95"), ("rensa", "rensa")):
        rs = results[name]
        lsh = rs[0]["summary"]["lsh"]
        shape = f"{lsh['bands']}x{lsh['rows']}"
        d = systems[name][4]
        # The unverified pipeline ends before the verify stage: its time is the run's wall time
        # less that stage (same process, so the same peak RSS).
        rows.append((f"{label} LSH only", med([r["wall"] - r["stages"]["verify"] for r in rs]), max(r["rss"] for r in rs), os.path.join(d, "candidates.jsonl"), shape))
        rows.append((f"{label} + exact verify", med([r["wall"] for r in rs]), max(r["rss"] for r in rs), os.path.join(d, "verified.jsonl"), shape))

    naql_time = rows[0][1]
    print(f"{'system':<36} {'LSH':>5} {'wall s':>7} {'RSS MB':>7} {'pairs':>6} {'true':>5} {'recall':>7} {'precis.':>7} {'naql/peer':>9}")
    scored = {}
    for label, wall, rss, path, shape in rows:
        if path:
            found = read_pairs(path)
            hit = len(found & truth)
            scored[label] = found
            recall = hit / len(truth) if truth else 1.0
            precision = hit / len(found) if found else 1.0
            cols = f"{len(found):>6} {hit:>5} {recall:>7.4f} {precision:>7.4f}"
        else:
            cols = f"{'—':>6} {'—':>5} {'—':>7} {'—':>7}"
        ratio = f"{naql_time / wall:>9.3f}" if not label.startswith("naql") else f"{'—':>9}"
        print(f"{label:<36} {shape:>5} {wall:>7.2f} {rss:>7.0f} {cols} {ratio}")
    print(f"{'ground truth (exact, all pairs)':<36} {'':>5} {'':>7} {'':>7} {len(truth):>6}")
    print()
    print("naql/peer = median wall time of `naql pairs` / the peer's (below 1: naql is faster).")
    print("LSH only = the library's LSH candidates reported as pairs, as its users get them; + exact verify =")
    print("the same candidates kept only when the exact Jaccard of their shingle sets is >= the threshold.")
    print()

    # What an ideal MinHash (independent permutations) with the same banding misses on average:
    # a true pair of Jaccard J escapes every one of b bands of r rows with probability (1 - J^r)^b.
    shapes = {label: shape for label, _, _, _, shape in rows}
    print("missed ground-truth pairs, by their true Jaccard; 'ideal' = the expected number of misses of an")
    print("ideal MinHash with the same bands x rows (sum over true pairs of (1 - J^r)^b):")
    for label, found in scored.items():
        b, r = map(int, shapes[label].split("x"))
        ideal = sum((1 - j**r) ** b for j in truth_j.values())
        missed = truth - found
        print(f"  {label:<36} {len(missed):>4}  ideal {ideal:6.1f}  ({jaccard_bins(missed, truth_j)})")
    print()

    print("stage medians (s):")
    nt = stage_medians("naql cluster")
    print("  naql cluster --timings: " + ", ".join(f"{k} {v:.3f}" for k, v in nt.items()))
    for name in ("datasketch", "datasketch 16x8", "rensa"):
        st = stage_medians(name)
        s0 = results[name][0]["summary"]
        print(
            f"  {name:<22} " + ", ".join(f"{k} {v:.3f}" for k, v in st.items())
            + f"  ({s0['documents']} docs, {s0['shingles']} shingles, {s0['candidates']} candidates)"
        )
    print()
    print(f"outputs in {out}")


if __name__ == "__main__":
    main()
