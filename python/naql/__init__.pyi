"""Type stubs of naql (see the docstrings in naql/__init__.py)."""

import os
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

SIGNATURE_ALGORITHM: str
DEFAULT_SEED: int
BOILERPLATE_MIN_DOCS: int

Records = Union[str, os.PathLike[str], Iterable[Union[Mapping[str, Any], str, os.PathLike[str]]]]

class Error(Exception): ...
class ConfigError(Error): ...
class ReadError(Error): ...
class IndexFileError(Error): ...
class IndexBusyError(IndexFileError): ...
class TableError(Error): ...

class Signer:
    """``naql sign`` for batches of texts: ``sign`` returns (n, num_perm) uint64."""
    def __init__(
        self,
        ngram: int = 3,
        num_perm: int = 128,
        seed: Optional[int] = None,
        char_ngram: Optional[int] = None,
        keep_datelines: bool = False,
        no_fold: Optional[list[str]] = None,
    ) -> None: ...
    @property
    def num_perm(self) -> int: ...
    @property
    def seed(self) -> int: ...
    def sign(
        self,
        texts: Sequence[str],
        sources: Optional[list[Optional[str]]] = None,
        boilerplate: Optional["Boilerplate"] = None,
    ) -> npt.NDArray[np.uint64]: ...
    def paragraph_hashes(self, texts: list[str]) -> list[list[int]]: ...
    def text_keys(self, texts: list[str]) -> npt.NDArray[np.uint64]: ...

class Boilerplate:
    """Per source, the paragraph hashes left out of that source's texts."""
    def __init__(self, sources: list[str] = ..., hashes: list[int] = ...) -> None: ...
    @staticmethod
    def find(
        signer: Signer,
        texts: list[str],
        sources: list[Optional[str]],
        min_docs: Optional[int] = None,
    ) -> "Boilerplate": ...
    def entries(self) -> list[tuple[str, int]]: ...
    def __len__(self) -> int: ...
    def __contains__(self, entry: tuple[str, int]) -> bool: ...

def normalize(
    text: str,
    *,
    diacritics: bool = ...,
    tatweel: bool = ...,
    alef: bool = ...,
    alef_maqsura: bool = ...,
    teh_marbuta: bool = ...,
    hamza_carriers: bool = ...,
    tanween_alef: bool = ...,
    digits: bool = ...,
    presentation_forms: bool = ...,
    persian_letters: bool = ...,
    invisible: bool = ...,
    case: bool = ...,
) -> str: ...
def tokens(text: str, **rules: bool) -> list[tuple[str, int, int]]: ...
def band_keys(
    signatures: npt.NDArray[np.uint64], bands: int, rows: int
) -> npt.NDArray[np.uint64]: ...
def lsh_params(
    threshold: float = 0.8,
    fp_weight: Optional[float] = None,
    fn_weight: Optional[float] = None,
    num_perm: int = 128,
) -> tuple[int, int]: ...
def cluster(
    records: Records,
    threshold: Optional[float] = None,
    *,
    level: str = "copy",
    ngram: int = 3,
    char_ngram: Optional[int] = None,
    num_perm: int = 128,
    seed: Optional[int] = None,
    fp_weight: Optional[float] = None,
    fn_weight: Optional[float] = None,
    boilerplate_min_docs: Optional[int] = None,
    keep_datelines: bool = False,
    no_fold: Optional[Union[str, list[str]]] = None,
    verify: str = "exact",
    id_field: Optional[str] = None,
    text_field: Optional[str] = None,
    source_field: Optional[str] = None,
    date_field: Optional[str] = None,
    title_field: Optional[str] = None,
    skip_bad: bool = False,
    max_record_bytes: Optional[int] = None,
    window: Optional[float] = None,
    no_window: bool = False,
    linkage: Optional[float] = None,
    idf: Optional[str] = None,
) -> dict[str, Any]: ...
def pairs(
    records: Records, threshold: Optional[float] = None, *, level: str = "copy", **options: Any
) -> list[dict[str, Any]]: ...
def compare(
    a: str,
    b: str,
    *,
    ngram: int = 3,
    no_fold: Optional[Union[str, list[str]]] = None,
    min_score: Optional[float] = None,
    idf: Optional[str] = None,
    a_name: str = "a",
    b_name: str = "b",
    a_source: Optional[str] = None,
    b_source: Optional[str] = None,
    a_date: Optional[str] = None,
    b_date: Optional[str] = None,
) -> dict[str, Any]: ...
def render_html(a: str, b: str, *, title: Optional[str] = None, **options: Any) -> str: ...

class Index:
    def __init__(
        self, path: Union[str, os.PathLike[str]], *, read_only: bool = False, wait: float = 60.0
    ) -> None: ...
    @classmethod
    def create(
        cls,
        path: Union[str, os.PathLike[str]],
        threshold: float = 0.8,
        *,
        history: str = "estimate",
        **options: Any,
    ) -> "Index": ...
    @property
    def path(self) -> str: ...
    def dedup(
        self,
        records: Records,
        *,
        window: Optional[str] = None,
        dry_run: bool = False,
        max_matches: int = 10,
        **options: Any,
    ) -> list[dict[str, Any]]: ...
    def stats(self) -> dict[str, Any]: ...
    def prune(self, before: str) -> int: ...
    def remove(self, ids: Iterable[str]) -> list[str]: ...

def sign_arrow(texts: Any, signer: Optional[Signer] = None) -> Any: ...
def band_keys_arrow(signatures: Any, bands: int, rows: int) -> Any: ...
def sign_batch(
    batch: Any,
    text: str = "text",
    keep: Iterable[str] = (),
    *,
    bands: Optional[int] = None,
    rows: Optional[int] = None,
    signed: bool = False,
    date: Optional[str] = None,
    source: Optional[str] = None,
    boilerplate: Optional[Boilerplate] = None,
    signer: Optional[Signer] = None,
) -> Any: ...
def verify_batch(
    batch: Any,
    a: str = "text_a",
    b: str = "text_b",
    signer: Optional[Signer] = None,
    *,
    source_a: Optional[str] = None,
    source_b: Optional[str] = None,
    boilerplate: Optional[Boilerplate] = None,
) -> Any: ...
def paragraph_batch(
    batch: Any,
    text: str = "text",
    source: str = "source",
    *,
    signed: bool = False,
    signer: Optional[Signer] = None,
) -> Any: ...
