"""The Python API against the command line on the fixtures: same signatures bit for bit, the
same clusters, pairs, diff JSON, HTML page and index verdicts, and typed errors with the CLI's
messages."""

import json
import shutil
import threading
import time

import numpy as np
import pytest

import naql
from conftest import SAMPLE, SEEDS, cli, cli_json, cli_jsonl


def test_normalize_folds_and_rules_turn_off():
    text = "قالَ المُتَحَدِّثُ إنّ «الإتفاقيّة» ستُوقّع في ٢٠٢٢"
    assert naql.normalize(text) == "قال المتحدث ان الاتفاقيه ستوقع في 2022"
    kept = naql.normalize(text, diacritics=False)
    assert "َ" in kept and "2022" in kept
    assert "٢٠٢٢" in naql.normalize(text, digits=False)


def test_normalization_v2_folds_hamza_seats_and_tanween_alef():
    assert naql.normalize("مسؤول مسئول الطوارىء الطوارئ جزراً") == "مسءول مسءول الطوارء الطوارء جزر"
    assert naql.normalize("جزراً أيضا", tanween_alef=False) == "جزرا ايضا"
    assert naql.normalize("مسئول", hamza_carriers=False) == "مسئول"


def test_unknown_rule_is_a_config_error():
    with pytest.raises(naql.ConfigError, match='unknown normalization rule "diacritic"'):
        naql.normalize("نص", diacritic=False)


def test_token_offsets_are_characters():
    # An emoji (two UTF-16 units, four UTF-8 bytes) and diacritics before the words.
    text = "😀 أعلنَ الوزيرُ اليوم"
    toks = naql.tokens(text)
    assert [t for t, _, _ in toks] == ["اعلن", "الوزير", "اليوم"]
    assert [text[s:e] for _, s, e in toks] == ["أعلنَ", "الوزيرُ", "اليوم"]


def test_signatures_are_bit_identical_to_naql_sign(records):
    want = {r["id"]: r["signature"] for r in cli_jsonl("sign", SAMPLE)}
    texts = [r.get("content") or "" for r in records]
    sources = [r.get("source") for r in records]
    got = naql.Signer().sign(texts, sources)
    assert got.dtype == np.uint64 and got.shape == (len(records), 128)
    for r, row in zip(records, got):
        assert row.tolist() == want[str(r["id"])], r["id"]


def test_signatures_without_sources_are_naql_sign_without_sources(records, tmp_path):
    # Texts alone take the fast path (no document kept); the CLI reads the same records
    # without their source field, datelines cut as by default.
    plain = tmp_path / "plain.jsonl"
    with open(plain, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps({"id": r["id"], "content": r.get("content") or ""}) + "\n")
    want = [w["signature"] for w in cli_jsonl("sign", plain)]
    texts = [r.get("content") or "" for r in records]
    assert naql.Signer().sign(texts).tolist() == want
    # Any sequence of str, in batches past the first (the sample is 316 texts).
    assert naql.Signer().sign(tuple(texts)).tolist() == want


def test_every_utf8_width_is_encoded_as_python_encodes_it():
    # 1-byte ASCII, 2-byte Arabic, 3-byte quotes, CJK and the ﷺ ligature, 4-byte emoji: the
    # list path encodes code points itself, the sources path through Python's encoder.
    texts = ["😀 قالَ “الوزير” 中文 ﷺ abc", "x" * 300 + " ي", "", "ﷺ", "😀😀 𝔸"]
    signer = naql.Signer(num_perm=64)
    by_python = signer.sign(texts, [None] * len(texts))
    assert signer.sign(texts).tolist() == by_python.tolist()
    assert signer.sign(texts[:1]).tolist() != signer.sign(["😀 قال الوزير"]).tolist()


def test_texts_that_are_not_a_sequence_of_str_are_type_errors(records):
    signer = naql.Signer()
    with pytest.raises(TypeError, match="not one str"):
        signer.sign("نص واحد")
    with pytest.raises(TypeError):
        signer.sign(["نص", 5])
    with pytest.raises(TypeError):
        signer.sign(5)
    # A lone surrogate has no UTF-8: Python's own error, as the CLI cannot be given one.
    texts = [r.get("content") or "" for r in records] + ["نص \ud800"]
    with pytest.raises(UnicodeEncodeError):
        signer.sign(texts)


def test_signatures_with_other_parameters_match_too(records):
    args = ["--ngram", "5", "--num-perm", "64", "--seed", "7", "--keep-datelines",
            "--no-fold", "alef"]
    want = cli_jsonl("sign", SAMPLE, *args)
    signer = naql.Signer(ngram=5, num_perm=64, seed=7, keep_datelines=True, no_fold=["alef"])
    got = signer.sign([r.get("content") or "" for r in records], [r.get("source") for r in records])
    assert [w["signature"] for w in want] == got.tolist()
    assert want[0]["seed"] == signer.seed == 7


def test_lsh_params_are_the_clis():
    lsh = cli_json("cluster", SAMPLE, "--format", "json")["params"]["lsh"]
    assert naql.lsh_params(0.8) == (lsh["bands"], lsh["rows"])
    assert naql.lsh_params(0.5, num_perm=256) != naql.lsh_params(0.8, num_perm=256)


def test_every_cli_pair_shares_a_band_key(records):
    sigs = naql.Signer().sign([r.get("content") or "" for r in records],
                              [r.get("source") for r in records])
    keys = naql.band_keys(sigs, *naql.lsh_params(0.8))
    assert keys.shape == (len(records), 18)
    row = {str(r["id"]): i for i, r in enumerate(records)}
    pairs = cli_jsonl("pairs", SAMPLE)
    assert pairs
    for p in pairs:
        a, b = keys[row[p["a"]]], keys[row[p["b"]]]
        assert (a == b).any(), p
    # Unrelated documents share none.
    assert not (keys[0] == keys[1]).any()


def test_band_keys_refuse_bad_banding():
    sigs = naql.Signer(num_perm=16).sign(["نص قصير للتجربة فقط"])
    with pytest.raises(naql.ConfigError, match="bands × rows"):
        naql.band_keys(sigs, 5, 4)


def test_cluster_of_a_file_is_the_clis_json():
    assert naql.cluster(SAMPLE) == cli_json("cluster", SAMPLE, "--format", "json")


def test_cluster_of_records_gives_the_same_clusters(records):
    got = naql.cluster(records, 0.8)
    want = cli_json("cluster", SAMPLE, "--format", "json")
    assert got["clusters"] == want["clusters"]
    assert got["stats"] == want["stats"]


def test_options_reach_the_engine():
    got = naql.cluster(SAMPLE, 0.6, ngram=5, no_fold="alef")
    want = cli_json("cluster", SAMPLE, "--format", "json", "--threshold", "0.6", "--ngram", "5",
                    "--no-fold", "alef")
    assert got == want


def test_pairs_are_the_clis(records):
    assert naql.pairs(SAMPLE) == cli_jsonl("pairs", SAMPLE)
    assert naql.pairs(records) == cli_jsonl("pairs", SAMPLE)


def test_story_level_is_the_clis():
    assert naql.cluster(SAMPLE, level="story") == cli_json("cluster", SAMPLE, "--level", "story",
                                                          "--format", "json")
    assert naql.pairs(SAMPLE, level="story") == cli_jsonl("pairs", SAMPLE, "--level", "story")


def test_compare_is_naql_diff_json():
    a, b = SEEDS[0], SEEDS[1]
    got = naql.compare(a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8"),
                       a_name=str(a), b_name=str(b))
    assert got == json.loads(cli("diff", a, b, "--format", "json").stdout)
    assert "naql-diff-v2" in json.dumps(got)


def test_render_html_is_naql_diff_html():
    a, b = SEEDS[2], SEEDS[3]
    got = naql.render_html(a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8"),
                           a_name=str(a), b_name=str(b))
    assert got == cli("diff", a, b, "--format", "html").stdout
    assert got.startswith("<!DOCTYPE html>") or got.lower().startswith("<!doctype html>")


def test_index_verdicts_are_naql_dedups(tmp_path, records):
    path = tmp_path / "news.naql"
    cli("index", "create", path)
    copy = tmp_path / "copy.naql"
    shutil.copy(path, copy)
    first, second = records[:150], records[150:]
    batch = tmp_path / "second.jsonl"
    batch.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in second),
                     encoding="utf-8")
    head = tmp_path / "first.jsonl"
    head.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in first),
                    encoding="utf-8")
    cli("dedup", "--index", copy, head, "-q", "-o", tmp_path / "v1.jsonl")
    want = cli_jsonl("dedup", "--index", copy, batch)

    idx = naql.Index(path)
    assert len(idx.dedup(first)) == 150
    got = idx.dedup(second)
    assert got == want
    assert any(v["status"] != "new" for v in got)
    stats = idx.stats()
    want = json.loads(cli("index", "stats", "--json", copy).stdout)
    for size in ("file_bytes", "bytes_per_document"):  # the two files' pages differ
        stats.pop(size), want.pop(size)
    assert stats == want and stats["documents"] > 150
    assert idx.prune("2015-07-01") == 0
    assert idx.remove([str(records[0]["id"]), "no-such-id"]) == ["no-such-id"]


def test_index_create_and_dry_run(tmp_path, records):
    idx = naql.Index.create(tmp_path / "i.naql", 0.7, history="exact", ngram=4)
    params = idx.stats()["params"]
    assert params["threshold"] == 0.7
    verdicts = idx.dedup(records[:20], dry_run=True)
    assert len(verdicts) == 20 and idx.stats()["documents"] == 0


def test_errors_are_typed_with_the_clis_messages(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": 5}\n', encoding="utf-8")
    cli_message = cli("cluster", bad, "-q", check=False).stderr.strip()
    with pytest.raises(naql.ReadError) as e:
        naql.cluster(bad)
    assert cli_message == f"naql: error: {e.value}"
    # Records from Python are named `records` and numbered from 1.
    with pytest.raises(naql.ReadError, match=r'^records:2: field "text" is not a string'):
        naql.cluster([{"id": "a", "text": "نص"}, {"id": "b", "text": 5}])
    with pytest.raises(naql.ReadError, match="duplicate id"):
        naql.pairs([{"id": "a", "text": "نص"}, {"id": "a", "text": "نص"}])
    with pytest.raises(naql.ConfigError, match=r"^threshold must be in \(0, 1\], got 1.5$"):
        naql.cluster(SAMPLE, 1.5)
    missing = tmp_path / "nope.naql"
    cli_message = cli("index", "stats", missing, check=False).stderr.strip()
    with pytest.raises(naql.IndexFileError) as e:
        naql.Index(missing)
    assert cli_message == f"naql: error: {e.value}"
    with pytest.raises(naql.ConfigError, match="level"):
        naql.cluster(SAMPLE, level="stories")
    with pytest.raises(TypeError, match="thresold"):
        naql.cluster(SAMPLE, thresold=0.5)
    for cls in (naql.ConfigError, naql.ReadError, naql.IndexFileError, naql.IndexBusyError,
                naql.TableError):
        assert issubclass(cls, naql.Error)


def test_skip_bad_sets_records_aside():
    out = naql.cluster([{"id": "a", "text": "نص"}, {"id": "b", "text": 5}], skip_bad=True)
    assert out["skipped_records"][0]["line"] == 2


def test_sign_releases_the_gil():
    texts = [" ".join(["كلمة%d" % (i * 7 + j) for j in range(400)]) for i in range(3000)]
    ticks = 0
    done = threading.Event()

    def run():
        naql.Signer().sign(texts)
        done.set()

    t = threading.Thread(target=run)
    t.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    t.join()
    # The main thread kept running while the batch was signed.
    assert ticks > 5


def _texts_sources(recs):
    return [r.get("content") or "" for r in recs], [r.get("source") for r in recs]


def test_boilerplate_table_is_counted_from_paragraph_hashes(boiler_sample):
    """What a distributed job counts (paragraph hashes per distinct text key, per source) gives
    the table the CLI finds; blank and missing sources are not examined."""
    import collections
    import pickle

    texts, sources = _texts_sources(boiler_sample[1])
    signer = naql.Signer()
    table = naql.Boilerplate.find(signer, texts, sources)
    seen = collections.defaultdict(set)
    for hashes, key, src in zip(signer.paragraph_hashes(texts), signer.text_keys(texts), sources):
        if src and src.strip():
            for h in hashes:
                seen[(src, h)].add(int(key))
    want = sorted(e for e, keys in seen.items() if len(keys) >= naql.BOILERPLATE_MIN_DOCS)
    assert table.entries() == want
    assert {s for s, _ in want} == {"alriyadh", "okaz"}
    assert len(table) == cli_json("cluster", boiler_sample[0], "--format", "json")[
        "stats"]["boilerplate_paragraphs"]
    assert naql.Boilerplate([s for s, _ in want], [h for _, h in want]) == table
    # Spark's bigints: the same bits, signed.
    signed = [h - 2**64 if h >= 2**63 else h for _, h in want]
    assert naql.Boilerplate([s for s, _ in want], signed) == table
    assert pickle.loads(pickle.dumps(table)) == table
    assert want[0] in table and ("okaz", 1) not in table
    assert naql.Boilerplate.find(signer, texts, sources, min_docs=0).entries() == []


def test_signing_with_the_table_is_naql_sign(boiler_sample):
    path, recs = boiler_sample
    want = {r["id"]: r["signature"] for r in cli_jsonl("sign", path)}
    texts, sources = _texts_sources(recs)
    signer = naql.Signer()
    table = naql.Boilerplate.find(signer, texts, sources)
    with_table = signer.sign(texts, sources, boilerplate=table)
    assert with_table.tolist() == signer.sign(texts, sources).tolist()
    for r, row in zip(recs, with_table):
        assert row.tolist() == want[str(r["id"])], r["id"]
    # Without the table (or without sources) boilerplate is kept, and signatures differ.
    assert signer.sign(texts).tolist() != with_table.tolist()
    with pytest.raises(naql.ConfigError, match="as many as hashes"):
        naql.Boilerplate(["a"], [])
