"""The Spark job on SaudiNewsNet on local[2]: wall time by number of partitions, and agreement
with the CLI's verified pairs and clusters (BENCHMARKS.md / EVALUATION.md "On Spark").

    python python/spark/bench_spark.py ../shared/data/saudinewsnet.jsonl.gz \
        --naql target/release/naql --partitions 2 4 8

The job runs with its defaults (boilerplate removed per source, as the CLI's default); the CLI
runs with its defaults and with --boilerplate-min-docs 0, to show what boilerplate removal
changes (the job's table size is in its stats). Each job's time is the whole job
from reading to the clusters collected, in one warm Spark session (the session's start is
given apart).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from itertools import combinations


def cli(naql, *args):
    t = time.perf_counter()
    out = subprocess.run([naql, *args, "-q"], capture_output=True, text=True, check=True).stdout
    return out, time.perf_counter() - t


def co_pairs(clusters):
    """Every pair of documents put in one cluster."""
    return {p for members in clusters for p in combinations(sorted(members), 2)}


def agreement(got, want):
    inter = len(got & want)
    return {"cli": len(want), "spark": len(got), "both": inter,
            "recall_of_cli": round(inter / len(want), 5) if want else 1.0,
            "precision_vs_cli": round(inter / len(got), 5) if got else 1.0}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    p.add_argument("--naql", default="target/release/naql")
    p.add_argument("--partitions", type=int, nargs="+", default=[2, 4, 8])
    p.add_argument("--threshold", type=float, default=0.8)
    p.add_argument("--master", default="local[2]")
    a = p.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    report = {}
    for name, extra in (("no_boilerplate", ["--boilerplate-min-docs", "0"]), ("default", [])):
        out, t_pairs = cli(a.naql, "pairs", a.corpus, "--threshold", str(a.threshold), *extra)
        pairs = {tuple(sorted((x["a"], x["b"]))) for x in map(json.loads, out.splitlines())}
        out, t_cluster = cli(a.naql, "cluster", a.corpus, "--format", "json", "--threshold",
                             str(a.threshold), *extra)
        clusters = [[m["id"] for m in c["members"]] for c in json.loads(out)["clusters"]]
        report[name] = {"pairs": pairs, "clusters": clusters, "seconds_pairs": t_pairs,
                        "seconds_cluster": t_cluster}
        print(f"CLI {name}: cluster {t_cluster:.2f} s, pairs {t_pairs:.2f} s, "
              f"{len(pairs)} pairs, {len(clusters)} clusters", file=sys.stderr)

    from pyspark.sql import SparkSession

    import naql.spark

    t = time.perf_counter()
    spark = (SparkSession.builder.master(a.master).appName("naql-bench")
             .config("spark.ui.enabled", "false").config("spark.driver.memory", "6g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    t_session = time.perf_counter() - t
    results = []
    for n in a.partitions:
        spark.conf.set("spark.sql.shuffle.partitions", str(n))
        t = time.perf_counter()
        df = spark.read.json(a.corpus).repartition(n)
        job = naql.spark.dedup_job(df, "id", "content", a.threshold, date_col="date_extracted")
        got_pairs = {(r["a"], r["b"]) for r in job["pairs"].select("a", "b").collect()}
        got_clusters = [r["members"] for r in job["clusters"].collect()]
        seconds = time.perf_counter() - t
        row = {"partitions": n, "seconds": round(seconds, 1), "stats": job["stats"]}
        for name in report:
            row[f"pairs_vs_{name}"] = agreement(got_pairs, report[name]["pairs"])
            row[f"co_clustered_vs_{name}"] = agreement(co_pairs(got_clusters),
                                                        co_pairs(report[name]["clusters"]))
        results.append(row)
        print(json.dumps(row), file=sys.stderr)
    spark.stop()
    summary = {"session_start_seconds": round(t_session, 1),
               "cli": {k: {"seconds_cluster": round(v["seconds_cluster"], 2),
                           "seconds_pairs": round(v["seconds_pairs"], 2),
                           "pairs": len(v["pairs"]), "clusters": len(v["clusters"])}
                       for k, v in report.items()},
               "spark": results}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
