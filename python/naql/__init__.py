"""naql: find copied and rewritten Arabic news, from Python.

The same library as the ``naql`` command (Rust, through PyO3): the same normalization,
the same ``naql-oph-v2`` signatures bit for bit, the same clusters and JSON. Long calls
release the GIL and run on all cores.

    >>> import naql
    >>> naql.normalize("قالَ المُتَحَدِّثُ")
    'قال المتحدث'
    >>> sigs = naql.Signer().sign(["نص أول للتجربة هنا", "نص ثان"])  # numpy uint64, (2, 128)

Records are dicts (fields detected as the CLI detects them: id, text, source, date, title,
or named with ``id_field=`` …) or paths of JSONL/.gz files and directories of .txt files.
Errors are subclasses of :class:`naql.Error` with the CLI's messages.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable, Mapping, Union

from naql import _naql
from naql._naql import (
    BOILERPLATE_MIN_DOCS,
    DEFAULT_SEED,
    Boilerplate,
    SIGNATURE_ALGORITHM,
    ConfigError,
    Error,
    IndexBusyError,
    IndexFileError,
    ReadError,
    Signer,
    TableError,
    band_keys,
    lsh_params,
)

__all__ = [
    "BOILERPLATE_MIN_DOCS",
    "DEFAULT_SEED",
    "Boilerplate",
    "SIGNATURE_ALGORITHM",
    "ConfigError",
    "Error",
    "Index",
    "IndexBusyError",
    "IndexFileError",
    "ReadError",
    "Signer",
    "TableError",
    "band_keys",
    "band_keys_arrow",
    "cluster",
    "compare",
    "lsh_params",
    "normalize",
    "pairs",
    "paragraph_batch",
    "render_html",
    "sign_arrow",
    "sign_batch",
    "tokens",
    "verify_batch",
]

# The keyword options each call takes, with the CLI's flag names (dashes as underscores).
_COPY = {
    "threshold", "ngram", "char_ngram", "num_perm", "seed", "fp_weight", "fn_weight",
    "boilerplate_min_docs", "keep_datelines", "no_fold", "verify",
}
_READ = {"id_field", "text_field", "source_field", "date_field", "title_field", "skip_bad",
         "max_record_bytes"}
_STORY = {"window", "no_window", "linkage", "idf"}
_COMPARE = {"ngram", "no_fold", "min_score", "idf", "a_name", "b_name", "a_source", "b_source",
            "a_date", "b_date"}

Records = Union[str, "os.PathLike[str]", Iterable[Union[Mapping[str, Any], str, "os.PathLike[str]"]]]


def _check(options: Mapping[str, Any], allowed: set, call: str) -> dict:
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise TypeError(f"{call}() got unexpected keyword argument(s): {', '.join(unknown)}")
    opts = dict(options)
    if isinstance(opts.get("no_fold"), str):
        opts["no_fold"] = [opts["no_fold"]]
    return opts


def _source(records: Records) -> tuple:
    """(paths, None) for files, (None, JSON lines) for records held in memory."""
    if isinstance(records, (str, os.PathLike)):
        return [os.fspath(records)], None
    records = list(records)
    if records and all(isinstance(r, (str, os.PathLike)) for r in records):
        return [os.fspath(r) for r in records], None
    lines = "\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in records)
    return None, lines.encode("utf-8")


def normalize(text: str, **rules: bool) -> str:
    """The text as naql compares it; turn a rule off with ``diacritics=False`` and so on
    (rules: diacritics, tatweel, alef, alef_maqsura, teh_marbuta, hamza_carriers,
    tanween_alef, digits, presentation_forms, persian_letters, invisible, case)."""
    return _naql.normalize(text, rules or None)


def tokens(text: str, **rules: bool) -> list:
    """``(token, start, end)`` for each word: the normalized token and its span in ``text`` in
    character offsets, so ``text[start:end]`` is the word as written."""
    return _naql.tokens(text, rules or None)


def cluster(records: Records, threshold: float | None = None, *, level: str = "copy",
            **options: Any) -> dict:
    """Clusters of copies (``level="story"``: stories with their copies nested) as
    ``naql cluster --format json`` writes them. Options are the CLI's flags: ``ngram``,
    ``num_perm``, ``no_fold``, ``id_field``, ``skip_bad``, ``window``, … ."""
    opts = _check(options, _COPY | _READ | _STORY, "cluster")
    if threshold is not None:
        opts["threshold"] = threshold
    paths, lines = _source(records)
    return json.loads(_naql.cluster_json(paths, lines, level, opts))


def pairs(records: Records, threshold: float | None = None, *, level: str = "copy",
          **options: Any) -> list:
    """Every verified pair, as ``naql pairs`` writes them (one dict a pair)."""
    opts = _check(options, _COPY | _READ | _STORY, "pairs")
    if threshold is not None:
        opts["threshold"] = threshold
    paths, lines = _source(records)
    out = _naql.pairs_jsonl(paths, lines, level, opts)
    return [json.loads(line) for line in out.splitlines()]


def compare(a: str, b: str, **options: Any) -> dict:
    """Two reports aligned sentence by sentence: the ``naql-diff-v2`` JSON of
    ``naql diff --format json`` (spans in character offsets)."""
    opts = _check(options, _COMPARE, "compare")
    return json.loads(_naql.compare_json(a, b, opts))


def render_html(a: str, b: str, *, title: str | None = None, **options: Any) -> str:
    """The self-contained HTML page of ``naql diff --format html`` for two texts."""
    opts = _check(options, _COMPARE, "render_html")
    if title is not None:
        opts["title"] = title
    return _naql.render_html(a, b, opts)


class Index:
    """The on-disk dedup index (the file ``naql index create`` makes and ``naql dedup``
    uses). ``Index(path)`` opens one; ``Index.create(path, ...)`` makes one."""

    def __init__(self, path: str | os.PathLike, *, read_only: bool = False,
                 wait: float = 60.0) -> None:
        self._inner = _naql.Index(os.fspath(path), read_only, wait)

    @classmethod
    def create(cls, path: str | os.PathLike, threshold: float = 0.8, *,
               history: str = "estimate", **options: Any) -> "Index":
        """A new index with fixed parameters (``history="exact"`` stores shingle sets)."""
        opts = _check(options, _COPY - {"verify"}, "Index.create")
        opts["threshold"] = threshold
        self = cls.__new__(cls)
        self._inner = _naql.Index.create(os.fspath(path), history, opts)
        return self

    @property
    def path(self) -> str:
        return os.fspath(self._inner.path)

    def dedup(self, records: Records, *, window: str | None = None, dry_run: bool = False,
              max_matches: int = 10, **options: Any) -> list:
        """One verdict per record (``naql dedup``'s JSON lines as dicts), after adding the
        batch unless ``dry_run``; ``window="7d"`` matches only documents dated close."""
        opts = _check(options, _READ, "Index.dedup")
        paths, lines = _source(records)
        out = self._inner.dedup_jsonl(paths, lines, window, dry_run, max_matches, opts)
        return [json.loads(line) for line in out.splitlines()]

    def stats(self) -> dict:
        """``naql index stats --format json``."""
        return json.loads(self._inner.stats_json())

    def prune(self, before: str) -> int:
        """Removes documents dated before ``before`` (YYYY-MM-DD); returns how many."""
        return self._inner.prune(before)

    def remove(self, ids: Iterable[str]) -> list:
        """Removes documents by id; returns the ids that were not in the index."""
        return self._inner.remove(list(ids))

    def __repr__(self) -> str:
        return repr(self._inner)


_DEFAULT_SIGNER = None


def _signer(signer: Signer | None) -> Signer:
    global _DEFAULT_SIGNER
    if signer is not None:
        return signer
    if _DEFAULT_SIGNER is None:
        _DEFAULT_SIGNER = Signer()
    return _DEFAULT_SIGNER


def sign_arrow(texts: Any, signer: Signer | None = None) -> Any:
    """Signatures of a pyarrow string array (or one-column ChunkedArray) as a pyarrow
    ``FixedSizeList<UInt64>`` array; null texts give null rows. Texts are read in place."""
    return _naql.sign_arrow(_signer(signer), texts)


def band_keys_arrow(signatures: Any, bands: int, rows: int) -> Any:
    """LSH band keys of ``FixedSizeList<UInt64>`` signatures, as ``FixedSizeList<UInt64>``."""
    return _naql.band_keys_arrow(signatures, bands, rows)


def sign_batch(batch: Any, text: str = "text", keep: Iterable[str] = (), *,
               bands: int | None = None, rows: int | None = None, signed: bool = False,
               date: str | None = None, source: str | None = None,
               boilerplate: Boilerplate | None = None, signer: Signer | None = None) -> Any:
    """A pyarrow RecordBatch of the ``keep`` columns, ``signature``, with bands and rows
    ``band_keys``, ``empty`` and ``chars`` (the text's length in characters), and with
    ``date`` (a column name) ``date_key``: the CLI's date order as YYYYMMDDhhmmss in UTC,
    null when unreadable. With ``source`` (a column name), boilerplate is left out per source:
    the ``boilerplate`` table's paragraphs (counted over the whole corpus), else those
    recurring in this batch. For Spark ``mapInArrow`` or ``map_batches``; ``signed=True``
    gives Int64 lists with the same bits (Spark has no unsigned integers)."""
    return _naql.sign_batch(_signer(signer), batch, text, list(keep), bands, rows, signed, date,
                            source, boilerplate)


def verify_batch(batch: Any, a: str = "text_a", b: str = "text_b",
                 signer: Signer | None = None, *, source_a: str | None = None,
                 source_b: str | None = None, boilerplate: Boilerplate | None = None) -> Any:
    """Exact Jaccard and containments of the texts in columns ``a`` and ``b`` of each row,
    as ``naql cluster`` verifies a candidate pair (a RecordBatch of three Float64 columns).
    With the source columns and a ``boilerplate`` table, each text's boilerplate paragraphs
    are left out first, as the CLI does."""
    return _naql.verify_batch(_signer(signer), batch, a, b, source_a, source_b, boilerplate)


def paragraph_batch(batch: Any, text: str = "text", source: str = "source", *,
                    signed: bool = False, signer: Signer | None = None) -> Any:
    """What boilerplate is counted from: a RecordBatch of ``source``, ``paragraph`` (the hash
    of a paragraph) and ``text_key`` (tells distinct texts apart), one row per distinct
    triple of the texts that have a source. Across all batches, a paragraph with at least
    ``boilerplate_min_docs`` (5 in the CLI) distinct text keys in one source is that source's
    boilerplate: ``Boilerplate(sources, paragraphs)`` of those rows is the table the CLI
    finds. ``signed=True`` gives Int64 columns with the same bits, for Spark."""
    return _naql.paragraph_batch(_signer(signer), batch, text, source, signed)
