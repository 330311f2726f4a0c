"""The Arrow batch API: the same signatures and band keys as the numpy API, as
FixedSizeList<UInt64>, from string, large_string and chunked arrays and RecordBatches."""

import pyarrow as pa
import pytest

import naql
from conftest import SAMPLE, cli_jsonl


@pytest.fixture(scope="module")
def texts(records):
    return [r.get("content") or "" for r in records]


def test_sign_arrow_equals_sign(texts):
    got = naql.sign_arrow(pa.array(texts))
    assert got.type == pa.list_(pa.field("item", pa.uint64(), nullable=False), 128)
    assert got.to_pylist() == naql.Signer().sign(texts).tolist()


def test_large_and_chunked_strings_and_nulls(texts):
    want = naql.Signer(num_perm=32).sign(texts[:10]).tolist()
    signer = naql.Signer(num_perm=32)
    assert naql.sign_arrow(pa.array(texts[:10], pa.large_string()), signer).to_pylist() == want
    chunked = pa.chunked_array([texts[:4], texts[4:10]])
    assert naql.sign_arrow(chunked, signer).to_pylist() == want
    with_null = naql.sign_arrow(pa.array([texts[0], None]), signer)
    assert with_null.null_count == 1 and with_null[0].as_py() == want[0]
    # A slice starts where pyarrow says (offsets are honoured).
    assert naql.sign_arrow(pa.array(texts[:10]).slice(3, 4), signer).to_pylist() == want[3:7]


def test_invalid_utf8_in_a_string_array_is_refused():
    # Built from raw buffers, so pyarrow does not check them; naql checks every row.
    data = pa.py_buffer("نص".encode() + b"\xff\xfe")
    offsets = pa.py_buffer(pa.array([0, 4, 6], pa.int32()).buffers()[1])
    bad = pa.Array.from_buffers(pa.string(), 2, [None, offsets, data])
    with pytest.raises(naql.ConfigError, match="text 1 of the array is not valid UTF-8"):
        naql.sign_arrow(bad)
    # The rows before it are fine.
    assert naql.sign_arrow(bad.slice(0, 1)).to_pylist() == naql.Signer().sign(["نص"]).tolist()


def test_not_strings_is_a_config_error():
    with pytest.raises(naql.ConfigError, match="expected a string array"):
        naql.sign_arrow(pa.array([1, 2, 3]))


def test_band_keys_arrow_equals_band_keys(texts):
    sigs = naql.Signer().sign(texts)
    bands, rows = naql.lsh_params(0.8)
    got = naql.band_keys_arrow(naql.sign_arrow(pa.array(texts)), bands, rows)
    assert got.type.list_size == bands
    assert got.to_pylist() == naql.band_keys(sigs, bands, rows).tolist()


def test_sign_batch_for_map_in_arrow(records, texts):
    batch = pa.RecordBatch.from_pydict({
        "id": [str(r["id"]) for r in records],
        "text": texts,
        "date": [r.get("date_extracted") for r in records],
    })
    out = naql.sign_batch(batch, "text", ["id"], bands=18, rows=7, date="date")
    assert out.schema.names == ["id", "signature", "band_keys", "empty", "chars", "date_key"]
    assert out.column("id").to_pylist() == batch.column("id").to_pylist()
    assert out.column("signature").to_pylist() == naql.Signer().sign(texts).tolist()
    assert out.column("empty").to_pylist() == [t.strip() == "" for t in texts]
    assert out.column("chars").to_pylist() == [len(t) for t in texts]
    assert out.column("date_key")[0].as_py() == int(
        records[0]["date_extracted"].replace("-", "").replace(":", "").replace(" ", ""))
    signed = naql.sign_batch(batch, bands=18, rows=7, signed=True)
    as_int = signed.column("band_keys").values.to_pylist()
    as_uint = out.column("band_keys").values.to_pylist()
    assert [v & (2**64 - 1) for v in as_int] == as_uint


def test_verify_batch_is_the_clis_verification(records):
    by_id = {str(r["id"]): r.get("content") or "" for r in records}
    pairs = cli_jsonl("pairs", SAMPLE, "--boilerplate-min-docs", "0")
    batch = pa.RecordBatch.from_pydict({
        "text_a": [by_id[p["a"]] for p in pairs],
        "text_b": [by_id[p["b"]] for p in pairs],
    })
    out = naql.verify_batch(batch)
    got = [round(j, 4) for j in out.column("jaccard").to_pylist()]
    assert got == [p["jaccard"] for p in pairs]
    got = [round(c, 4) for c in out.column("containment_ab").to_pylist()]
    assert got == [p["containment_ab"] for p in pairs]


def test_paragraph_batch_counts_to_the_table(boiler_sample):
    """Rows of paragraph_batch over several batches, made distinct and counted per source as
    the Spark job does, give Boilerplate.find's table."""
    import collections

    recs = boiler_sample[1]
    texts = [r.get("content") or "" for r in recs]
    sources = [r.get("source") for r in recs]
    table = naql.Boilerplate.find(naql.Signer(), texts, sources)
    rows = set()
    for start in range(0, len(recs), 50):
        batch = pa.RecordBatch.from_pydict({"text": texts[start:start + 50],
                                            "source": sources[start:start + 50]})
        out = naql.paragraph_batch(batch, signed=True)
        assert out.schema.names == ["source", "paragraph", "text_key"]
        assert out.schema.field("paragraph").type == pa.int64()
        rows |= set(zip(*(out.column(c).to_pylist() for c in out.schema.names)))
    assert None not in {s for s, _, _ in rows} and " " not in {s for s, _, _ in rows}
    counts = collections.Counter((s, p) for s, p, _ in rows)
    found = [(s, p) for (s, p), n in counts.items() if n >= naql.BOILERPLATE_MIN_DOCS]
    assert naql.Boilerplate([s for s, _ in found], [p for _, p in found]) == table


def test_sign_and_verify_batches_leave_the_table_out(boiler_sample):
    path, recs = boiler_sample
    texts = [r.get("content") or "" for r in recs]
    sources = [r.get("source") for r in recs]
    signer = naql.Signer()
    table = naql.Boilerplate.find(signer, texts, sources)
    # One small batch: the table, not the batch's own counts, decides.
    batch = pa.RecordBatch.from_pydict({"text": texts[-12:], "source": sources[-12:]})
    out = naql.sign_batch(batch, source="source", boilerplate=table)
    assert (out.column("signature").to_pylist()
            == signer.sign(texts, sources)[-12:].tolist())
    by_id = {str(r["id"]): r for r in recs}
    pairs = cli_jsonl("pairs", path)
    assert any(p["a"].endswith("-share") or p["b"].endswith("-share") for p in pairs)
    cols = {f"{x}_{s}": [by_id[p[s]].get(k) or "" if x == "text" else by_id[p[s]].get(k)
                         for p in pairs]
            for s in "ab" for x, k in (("text", "content"), ("source", "source"))}
    out = naql.verify_batch(pa.RecordBatch.from_pydict(cols), source_a="source_a",
                            source_b="source_b", boilerplate=table)
    assert [round(j, 4) for j in out.column("jaccard").to_pylist()] == [p["jaccard"] for p in pairs]
