"""naql on Spark: the copy-level pipeline distributed over a cluster.

``dedup(df)`` signs each partition with ``mapInArrow`` (signatures and LSH band keys made by
the same Rust code as ``naql sign``), groups documents by band key (buckets larger than
``max_bucket`` are linked as a star on their smallest id instead of listing every pair,
and counted), verifies each candidate pair exactly on its texts (``mapInArrow`` again),
finds connected components with the large-star/small-star rounds of Kiveris et al. (2014)
in Spark SQL (deterministic: a component is named by its smallest id), and picks each
cluster's representative by the CLI's rule (earliest date, undated last; then the longest
text; then the smallest id).

Boilerplate is removed as the CLI removes it, before signing: one pass counts, per source,
the distinct texts each paragraph hash appears in (``paragraph_batch``, then a ``distinct``
and a ``groupBy``: only counts are shuffled), the paragraphs in at least
``boilerplate_min_docs`` (5, the CLI's default) become a table that is broadcast, and signing
and verification leave them out of that source's texts. The source column is found as the
CLI finds it (``source``, ``outlet``, ``src``, … ) unless named; texts without a source are not
examined. ``boilerplate_min_docs=0`` turns it off (``naql cluster --boilerplate-min-docs 0``).

Command line::

    python -m naql.spark INPUT OUTPUT_DIR [--threshold 0.8] [--id-col id] [--text-col text]
        [--date-col date] [--source-col source] [--boilerplate-min-docs 5] [--partitions N]
        [--master local[2]]

INPUT is JSONL (.jsonl, .jsonl.gz) or Parquet; OUTPUT_DIR receives ``documents/`` (one row
per document: id, cluster, representative, jaccard, containment) and ``clusters/`` (one row a
cluster: cluster, representative, size, members) as Parquet, and ``stats.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Iterator, Optional

import pyarrow as pa
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.window import Window

import naql

__all__ = ["dedup", "dedup_job", "main"]

_SIGNED = "id string, band_keys array<bigint>, empty boolean, chars bigint, date_key bigint"
_PARAGRAPHS = "source string, paragraph bigint, text_key bigint"
_VERIFIED = "a string, b string, jaccard double, containment_ab double, containment_ba double"


def _signer_args(ngram: int, num_perm: int, seed: Optional[int], no_fold, keep_datelines):
    return dict(ngram=ngram, num_perm=num_perm, seed=seed, no_fold=list(no_fold or []),
                keep_datelines=keep_datelines)


def _paragraph_partitions(args: dict):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        signer = naql.Signer(**args)
        for batch in batches:
            yield naql.paragraph_batch(batch, "text", "source", signed=True, signer=signer)
    return run


def _sign_partitions(args: dict, bands: int, rows: int, has_date: bool, boiler):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        signer = naql.Signer(**args)
        table = boiler.value if boiler is not None else None
        for batch in batches:
            out = naql.sign_batch(batch, "text", ["id"], bands=bands, rows=rows, signed=True,
                                  signer=signer, **({"date": "date"} if has_date else {}),
                                  **({"source": "source", "boilerplate": table} if table else {}))
            cols = {"id": out.column("id"), "band_keys": out.column("band_keys"),
                    "empty": out.column("empty"), "chars": out.column("chars")}
            cols["date_key"] = (out.column("date_key") if has_date
                                else pa.nulls(out.num_rows, pa.int64()))
            # Spark reads arrays as variable-size lists.
            cols["band_keys"] = cols["band_keys"].cast(pa.list_(pa.int64()))
            yield pa.RecordBatch.from_pydict(cols)
    return run


def _verify_partitions(args: dict, boiler):
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        signer = naql.Signer(**args)
        table = boiler.value if boiler is not None else None
        sources = {"source_a": "source_a", "source_b": "source_b", "boilerplate": table}
        for batch in batches:
            o = naql.verify_batch(batch, "text_a", "text_b", signer=signer,
                                  **(sources if table else {}))
            yield pa.RecordBatch.from_arrays(
                [batch.column("a"), batch.column("b"), o.column("jaccard"),
                 o.column("containment_ab"), o.column("containment_ba")],
                ["a", "b", "jaccard", "containment_ab", "containment_ba"])
    return run


def source_column(df: DataFrame, source_col: Optional[str]) -> Optional[str]:
    """The column that names each text's outlet: ``source_col``, else the first of the
    CLI's candidates (``naql.SOURCE_FIELDS``) that ``df`` has; None when there is none."""
    if source_col:
        return source_col
    return next((c for c in naql._naql.SOURCE_FIELDS if c in df.columns), None)


def boilerplate_table(docs: DataFrame, args: dict, min_docs: int) -> "naql.Boilerplate":
    """The table ``naql cluster`` finds, counted distributed over ``docs`` (columns text and
    source): per source, the paragraphs in at least ``min_docs`` distinct texts of it. The
    shuffle carries one (source, paragraph, text key) row per distinct paragraph of a text;
    only the (small) table is collected."""
    counts = (docs.mapInArrow(_paragraph_partitions(args), _PARAGRAPHS).distinct()
              .groupBy("source", "paragraph").count()
              .where(F.col("count") >= min_docs).select("source", "paragraph"))
    rows = counts.collect()
    return naql.Boilerplate([r[0] for r in rows], [r[1] for r in rows])


def _checkpoint(df: DataFrame) -> DataFrame:
    """Cuts the lineage of an iterated DataFrame (kept on the executors)."""
    return df.localCheckpoint(eager=True)


def _large_star(e: DataFrame) -> DataFrame:
    both = e.union(e.select(F.col("v").alias("u"), F.col("u").alias("v")))
    m = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return (both.join(m, "u").where(F.col("v") > F.col("u"))
            .select(F.col("v").alias("u"), F.col("m").alias("v")).distinct())


def _small_star(e: DataFrame) -> DataFrame:
    down = e.select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v"))
    m = down.groupBy("u").agg(F.min("v").alias("m"))
    linked = down.join(m, "u").select(F.col("v").alias("u"), F.col("m").alias("v"))
    own = m.select(F.col("u"), F.col("m").alias("v"))
    return linked.union(own).where(F.col("u") != F.col("v")).distinct()


def components(edges: DataFrame, max_rounds: int = 100) -> tuple[DataFrame, int]:
    """``(id, component)`` for every node of ``edges`` (columns a, b), the component named by
    its smallest id; and the number of rounds. Large-star then small-star until no edge
    changes (each round shrinks the components' depth; O(log n) rounds in practice)."""
    e = _checkpoint(edges.select(F.col("a").alias("u"), F.col("b").alias("v"))
                    .where(F.col("u") != F.col("v")).distinct())
    rounds = 0
    while True:
        rounds += 1
        nxt = _checkpoint(_small_star(_large_star(e)))
        if rounds >= max_rounds or (nxt.count() == e.count()
                                    and nxt.exceptAll(e).limit(1).count() == 0):
            e = nxt
            break
        e = nxt
    # Converged: every edge joins a node to its component's smallest id.
    node = e.select(F.greatest("u", "v").alias("id"), F.least("u", "v").alias("c"))
    roots = e.select(F.least("u", "v").alias("id"), F.least("u", "v").alias("c"))
    comp = node.union(roots).groupBy("id").agg(F.min("c").alias("component"))
    return comp, rounds


def dedup_job(df: DataFrame, id_col: str = "id", text_col: str = "text",
              threshold: float = 0.8, *, date_col: Optional[str] = None, ngram: int = 3,
              num_perm: int = 128, seed: Optional[int] = None, no_fold=None,
              keep_datelines: bool = False, fp_weight: Optional[float] = None,
              fn_weight: Optional[float] = None, max_bucket: int = 64,
              source_col: Optional[str] = None,
              boilerplate_min_docs: int = naql.BOILERPLATE_MIN_DOCS) -> dict[str, Any]:
    """The whole job; returns ``documents``, ``clusters``, ``pairs`` (verified) and ``stats``."""
    spark = df.sparkSession
    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    args = _signer_args(ngram, num_perm, seed, no_fold, keep_datelines)
    naql.Signer(**args)  # bad parameters fail here, on the driver
    bands, rows = naql.lsh_params(threshold, fp_weight, fn_weight, num_perm)
    cols = [F.col(id_col).cast("string").alias("id"), F.col(text_col).alias("text")]
    if date_col:
        cols.append(F.col(date_col).cast("string").alias("date"))
    source = source_column(df, source_col) if boilerplate_min_docs > 0 else None
    if source:
        cols.append(F.col(source).cast("string").alias("source"))
    else:
        cols.append(F.lit(None).cast("string").alias("source"))
    # Read once for the boilerplate count, signing and the texts of candidate pairs.
    docs = df.select(*cols).persist(StorageLevel.MEMORY_AND_DISK)
    table = boilerplate_table(docs, args, boilerplate_min_docs) if source else None
    boiler = spark.sparkContext.broadcast(table) if table else None

    signed = docs.mapInArrow(_sign_partitions(args, bands, rows, bool(date_col), boiler),
                             _SIGNED)
    signed = signed.cache()
    keys = (signed.where(~F.col("empty"))
            .select("id", F.posexplode("band_keys").alias("band", "key")))
    buckets = (keys.groupBy("band", "key")
               .agg(F.count("*").alias("n"), F.min("id").alias("first"))
               .where(F.col("n") >= 2))
    keyed = keys.join(buckets, ["band", "key"]).cache()
    small = keyed.where(F.col("n") <= max_bucket).select("band", "key", "id")
    listed = (small.alias("x").join(small.alias("y"), ["band", "key"])
              .where(F.col("x.id") < F.col("y.id"))
              .select(F.col("x.id").alias("a"), F.col("y.id").alias("b")))
    starred = (keyed.where((F.col("n") > max_bucket) & (F.col("id") != F.col("first")))
               .select(F.col("first").alias("a"), F.col("id").alias("b")))
    candidates = listed.union(starred).distinct()

    # Only documents in a candidate pair need their text again (every clustered one is): one
    # shuffle of the texts to find them, then joins on that smaller table.
    in_pairs = (candidates.select(F.col("a").alias("id"))
                .union(candidates.select(F.col("b").alias("id"))).distinct())
    texts = docs.select("id", "text", "source").join(in_pairs, "id", "left_semi").cache()

    def side(name: str) -> DataFrame:
        return texts.select(F.col("id").alias(name), F.col("text").alias(f"text_{name}"),
                            F.col("source").alias(f"source_{name}"))
    with_texts = (candidates.join(side("a"), "a").join(side("b"), "b")
                  .select("a", "b", "text_a", "text_b", "source_a", "source_b"))
    verified = with_texts.mapInArrow(_verify_partitions(args, boiler), _VERIFIED)
    pairs = _checkpoint(verified.where(F.col("jaccard") >= threshold))

    comp, rounds = components(pairs.select("a", "b"))
    members = comp.join(signed.select("id", "chars", "date_key"), "id")
    order = Window.partitionBy("component").orderBy(
        F.col("date_key").isNull(), F.col("date_key"), F.col("chars").desc(), F.col("id"))
    reps = (members.withColumn("r", F.row_number().over(order)).where(F.col("r") == 1)
            .select("component", F.col("id").alias("representative")))
    clustered = comp.join(reps, "component").select("id", "representative")
    scored = (clustered.withColumnRenamed("id", "a").withColumnRenamed("representative", "b")
              .join(side("a"), "a").join(side("b"), "b")
              .select("a", "b", "text_a", "text_b", "source_a", "source_b")
              .mapInArrow(_verify_partitions(args, boiler), _VERIFIED)
              .select(F.col("a").alias("id"), F.col("b").alias("representative"),
                      "jaccard", F.col("containment_ab").alias("containment")))
    documents = (signed.select("id").join(scored, "id", "left")
                 .select("id", F.col("representative").alias("cluster"), "representative",
                         "jaccard", "containment"))
    clusters = (clustered.groupBy("representative")
                .agg(F.count("*").alias("size"), F.sort_array(F.collect_list("id")).alias("members"))
                .select(F.col("representative").alias("cluster"), "representative", "size",
                        "members"))
    n_large = keyed.where(F.col("n") > max_bucket).select("band", "key").distinct().count()
    stats = {"bands": bands, "rows": rows, "max_bucket": max_bucket,
             "capped_buckets": n_large, "components_rounds": rounds,
             "verified_pairs": pairs.count(),
             "boilerplate": {"source_col": source, "min_docs": boilerplate_min_docs,
                             "paragraphs": len(table) if table is not None else 0}}
    return {"documents": documents, "clusters": clusters, "pairs": pairs, "stats": stats}


def dedup(df: DataFrame, id_col: str = "id", text_col: str = "text", threshold: float = 0.8,
          **options: Any) -> DataFrame:
    """One row per document: ``id``, ``cluster`` (the representative's id; null for a
    singleton), ``representative``, ``jaccard`` and ``containment`` against it."""
    return dedup_job(df, id_col, text_col, threshold, **options)["documents"]


def _read(spark: SparkSession, path: str) -> DataFrame:
    if path.endswith(".parquet") or os.path.isdir(path):
        return spark.read.parquet(path)
    return spark.read.json(path)


def main(argv: Optional[list] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m naql.spark", description=__doc__.split("\n")[0])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--threshold", type=float, default=0.8)
    p.add_argument("--id-col", default="id")
    p.add_argument("--text-col", default="text")
    p.add_argument("--date-col")
    p.add_argument("--ngram", type=int, default=3)
    p.add_argument("--num-perm", type=int, default=128)
    p.add_argument("--max-bucket", type=int, default=64)
    p.add_argument("--source-col")
    p.add_argument("--boilerplate-min-docs", type=int, default=naql.BOILERPLATE_MIN_DOCS)
    p.add_argument("--partitions", type=int)
    p.add_argument("--master")
    a = p.parse_args(argv)
    builder = SparkSession.builder.appName("naql dedup")
    if a.master:
        builder = builder.master(a.master)
    spark = builder.getOrCreate()
    start = time.time()
    df = _read(spark, a.input)
    if a.partitions:
        df = df.repartition(a.partitions)
    out = dedup_job(df, a.id_col, a.text_col, a.threshold, date_col=a.date_col, ngram=a.ngram,
                    num_perm=a.num_perm, max_bucket=a.max_bucket, source_col=a.source_col,
                    boilerplate_min_docs=a.boilerplate_min_docs)
    out["documents"].write.mode("overwrite").parquet(os.path.join(a.output, "documents"))
    out["clusters"].write.mode("overwrite").parquet(os.path.join(a.output, "clusters"))
    out["pairs"].write.mode("overwrite").parquet(os.path.join(a.output, "pairs"))
    stats = dict(out["stats"], seconds=round(time.time() - start, 1))
    with open(os.path.join(a.output, "stats.json"), "w") as f:
        json.dump(stats, f, indent=1)
    print(json.dumps(stats), file=sys.stderr)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
