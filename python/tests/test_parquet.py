"""Parquet between pyarrow and the naql command line: a table written by pyarrow (renamed
columns, large strings, a dictionary-encoded outlet column, several row groups) clusters as its
JSONL does, and naql's `--format parquet` reads back in pyarrow with one row per document."""

import pyarrow as pa
import pyarrow.parquet as pq

import naql
from conftest import SAMPLE, cli, cli_json


def clusters_of(out):
    return {c["representative"]: sorted(m["id"] for m in c["members"]) for c in out["clusters"]}


def write_renamed(records, path):
    table = pa.table({
        "doc_no": pa.array([r["id"] for r in records], pa.int64()),
        "body": pa.array([r["content"] for r in records], pa.large_string()),
        "outlet": pa.array([r["source"] for r in records]).dictionary_encode(),
        "published": pa.array([r["date_extracted"] for r in records]),
        "title": pa.array([r["title"] for r in records]),
    })
    pq.write_table(table, path, row_group_size=64, compression="zstd")


def test_pyarrow_parquet_clusters_as_the_jsonl(tmp_path, records):
    path = tmp_path / "renamed.parquet"
    write_renamed(records, path)
    assert pq.ParquetFile(path).metadata.num_row_groups == 5
    got = cli_json("cluster", path, "--format", "json", "--id-field", "doc_no",
                   "--text-field", "body", "--source-field", "outlet",
                   "--date-field", "published")
    want = cli_json("cluster", SAMPLE, "--format", "json")
    assert got["clusters"] == want["clusters"]
    assert got["stats"] == want["stats"]


def test_naql_parquet_output_reads_back_in_pyarrow(tmp_path, records):
    out = tmp_path / "documents.parquet"
    cli("cluster", SAMPLE, "--format", "parquet", "-o", out, "-q")
    table = pq.read_table(out)
    assert table.schema.names == ["id", "cluster", "representative", "jaccard", "containment"]
    assert table.schema.field("jaccard").type == pa.float64()
    assert table.column("id").to_pylist() == [str(r["id"]) for r in records]
    rows = {r["id"]: r for r in table.to_pylist()}
    want = naql.cluster(records)
    for c in want["clusters"]:
        for m in c["members"]:
            r = rows[m["id"]]
            assert r["cluster"] == r["representative"] == c["representative"]
            assert (r["jaccard"], r["containment"]) == (m["jaccard"], m["containment"])
    clustered = sum(len(c["members"]) for c in want["clusters"])
    assert sum(r["cluster"] is None for r in rows.values()) == len(records) - clustered
    assert b"naql.params" in pq.ParquetFile(out).metadata.metadata


def test_a_parquet_text_column_of_numbers_names_file_and_column(tmp_path):
    path = tmp_path / "numbers.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": [1, 2]}), path)
    run = cli("cluster", path, check=False)
    assert run.returncode == 1
    assert f'{path}: column "text" (text) is Int64, not a string' in run.stderr
