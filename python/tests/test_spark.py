"""The Spark job on a real local Spark (local[2]) over the fixture: the same clusters, the
same representatives, member scores and verified pairs as the CLI's defaults, boilerplate
removal included (on the fixture, where it is a no-op, and on the fixture with boilerplate
added, where it makes and unmakes pairs), and as `--boilerplate-min-docs 0` when turned off."""

import json
import os
import sys

import pytest

pyspark = pytest.importorskip("pyspark")

import naql
from conftest import SAMPLE, cli_json, cli_jsonl


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    s = (SparkSession.builder.master("local[2]").appName("naql-tests")
         .config("spark.sql.shuffle.partitions", "4")
         .config("spark.ui.enabled", "false")
         .config("spark.local.dir", str(tmp_path_factory.mktemp("spark")))
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def job(spark):
    import naql.spark

    df = spark.read.json(str(SAMPLE)).repartition(3)
    return naql.spark.dedup_job(df, "id", "content", 0.8, date_col="date_extracted")


@pytest.fixture(scope="module")
def boiler_job(spark, boiler_sample):
    import naql.spark

    df = spark.read.json(str(boiler_sample[0])).repartition(3)
    return naql.spark.dedup_job(df, "id", "content", 0.8, date_col="date_extracted")


def cli_clusters(path=SAMPLE, *flags):
    out = cli_json("cluster", path, "--format", "json", *flags)
    return {c["representative"]: sorted(m["id"] for m in c["members"]) for c in out["clusters"]}


def test_same_clusters_and_representatives_as_the_cli(job):
    got = {r["representative"]: sorted(r["members"]) for r in job["clusters"].collect()}
    assert got == cli_clusters()
    assert job["stats"]["boilerplate"] == {"source_col": "source", "min_docs": 5,
                                           "paragraphs": 0}


def test_boilerplate_is_removed_as_the_cli_removes_it(boiler_job, boiler_sample):
    path = boiler_sample[0]
    got = {r["representative"]: sorted(r["members"]) for r in boiler_job["clusters"].collect()}
    want = cli_clusters(path)
    assert got == want
    # The corpus is one where removal matters.
    assert want != cli_clusters(path, "--boilerplate-min-docs", "0")
    stats = cli_json("cluster", path, "--format", "json")["stats"]
    assert boiler_job["stats"]["boilerplate"]["paragraphs"] == stats["boilerplate_paragraphs"] > 0
    _same_scores(boiler_job, path, boiler_sample[1])
    _same_pairs(boiler_job, path)


def test_boilerplate_off_is_the_clis_min_docs_0(spark, boiler_sample):
    import naql.spark

    path = boiler_sample[0]
    df = spark.read.json(str(path)).repartition(2)
    out = naql.spark.dedup_job(df, "id", "content", 0.8, date_col="date_extracted",
                               boilerplate_min_docs=0)
    got = {r["representative"]: sorted(r["members"]) for r in out["clusters"].collect()}
    assert got == cli_clusters(path, "--boilerplate-min-docs", "0")
    assert out["stats"]["boilerplate"]["source_col"] is None


def _same_scores(job, path, records):
    rows = {r["id"]: r for r in job["documents"].collect()}
    assert len(rows) == len(records)
    want = cli_json("cluster", path, "--format", "json")
    for c in want["clusters"]:
        for m in c["members"]:
            r = rows[m["id"]]
            assert r["cluster"] == r["representative"] == c["representative"]
            assert round(r["jaccard"], 4) == m["jaccard"], m["id"]
            assert round(r["containment"], 4) == m["containment"], m["id"]
    clustered = sum(len(c["members"]) for c in want["clusters"])
    assert sum(r["cluster"] is None for r in rows.values()) == len(records) - clustered


def _same_pairs(job, path):
    want = {(p["a"], p["b"]) if p["a"] < p["b"] else (p["b"], p["a"]): p["jaccard"]
            for p in cli_jsonl("pairs", path)}
    got = {(r["a"], r["b"]): round(r["jaccard"], 4) for r in job["pairs"].collect()}
    assert got == want


def test_one_row_per_document_scored_against_its_representative(job, records):
    _same_scores(job, SAMPLE, records)


def test_same_verified_pairs_as_naql_pairs(job):
    _same_pairs(job, SAMPLE)
    assert job["stats"]["capped_buckets"] == 0


def test_huge_buckets_are_capped_and_still_clustered(spark):
    import naql.spark

    text = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في عدد من المناطق وأكدت أن الفرق الطبية تعمل"
    rows = [(f"d{i:02d}", text) for i in range(12)] + [("z", "مباراة كرة القدم انتهت بالتعادل")]
    df = spark.createDataFrame(rows, "id string, text string")
    out = naql.spark.dedup_job(df, max_bucket=4)
    assert out["stats"]["capped_buckets"] == 18
    clusters = out["clusters"].collect()
    assert [(c["representative"], c["size"]) for c in clusters] == [("d00", 12)]


def test_command_line_writes_parquet(spark, tmp_path):
    import naql.spark

    out = tmp_path / "out"
    code = naql.spark.main([str(SAMPLE), str(out), "--id-col", "id", "--text-col", "content",
                            "--date-col", "date_extracted", "--partitions", "2"])
    assert code == 0
    stats = json.loads((out / "stats.json").read_text())
    assert stats["bands"] == 18 and stats["rows"] == 7
    import pyarrow.parquet as pq
    docs = pq.read_table(out / "documents")
    assert docs.num_rows == 316
    assert set(docs.column_names) == {"id", "cluster", "representative", "jaccard", "containment"}
    assert pq.read_table(out / "clusters").num_rows == len(cli_clusters())
