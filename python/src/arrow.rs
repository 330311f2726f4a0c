//! The batch API on Arrow arrays, for Spark `mapInArrow`, Ray/Daft `map_batches`, pandas and
//! polars: strings in, `FixedSizeList<UInt64>` signatures and band keys out. Arrays cross the
//! Arrow C data interface (arrow-rs's own `arrow-pyarrow`): no Python object per row is made,
//! and the texts are read where pyarrow keeps them.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt64Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, FixedSizeListArray, Float64Array, Int64Array, RecordBatch,
    UInt64Array, make_array,
};
use arrow_buffer::NullBuffer;
use arrow_data::ArrayData;
use arrow_pyarrow::{FromPyArrow, FromPyArrowUnchecked, ToPyArrow};
use arrow_schema::{DataType, Field, Schema};
use pyo3::prelude::*;
use rayon::prelude::*;

use naql::copy::Overlap;
use naql::copy::{Boilerplate as Table, EMPTY_BIN};
use naql::corpus::Document;

use crate::boilerplate::Boilerplate;
use crate::errors::config_err;
use crate::sign::{Signer, banding, documents, keys_of_row, sign_alone, sign_into, source_of};

/// Row `i` of a string array (`string` or `large_string`), `None` when null.
struct Texts(ArrayRef);

impl Texts {
    fn of(array: ArrayRef) -> PyResult<Texts> {
        match array.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Ok(Texts(array)),
            other => Err(config_err(format!("expected a string array, got {other}"))),
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, i: usize) -> Option<&str> {
        if self.0.is_null(i) {
            return None;
        }
        Some(match self.0.data_type() {
            DataType::Utf8 => self.0.as_string::<i32>().value(i),
            DataType::LargeUtf8 => self.0.as_string::<i64>().value(i),
            _ => self.0.as_string_view().value(i),
        })
    }
}

/// A pyarrow Array as it is, a ChunkedArray as one Array (combined by pyarrow, which copies
/// only when there are several chunks).
fn combined<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if obj.hasattr("combine_chunks")? {
        obj.call_method0("combine_chunks")
    } else {
        Ok(obj.clone())
    }
}

/// A column or array from Python ([`combined`]), checked by arrow.
fn array_of(obj: &Bound<'_, PyAny>) -> PyResult<ArrayRef> {
    Ok(make_array(ArrayData::from_pyarrow_bound(&combined(obj)?)?))
}

/// A pyarrow array of texts ([`combined`]). A `string` or `large_string` array is checked on
/// all cores: arrow's own check reads every byte for UTF-8 on one core, a quarter of the
/// time of signing. Any other array is checked as [`array_of`] checks it.
fn texts_of(obj: &Bound<'_, PyAny>) -> PyResult<Texts> {
    let obj = combined(obj)?;
    // SAFETY: nothing reads `data` before the checks below have passed, and together they
    // check what `validate_full` would: buffers, nulls and offsets through the binary view of
    // the same buffers (`build` validates it), and UTF-8 row by row, so that every offset is
    // also a character boundary.
    let data = unsafe { ArrayData::from_pyarrow_bound_unchecked(&obj)? };
    let as_bytes = match data.data_type() {
        DataType::Utf8 => DataType::Binary,
        DataType::LargeUtf8 => DataType::LargeBinary,
        _ => {
            data.validate_full()
                .map_err(|e| config_err(e.to_string()))?;
            return Texts::of(make_array(data));
        }
    };
    let bytes = data
        .clone()
        .into_builder()
        .data_type(as_bytes)
        .build()
        .map_err(|e| config_err(e.to_string()))?;
    let bytes = make_array(bytes);
    let row = |i: usize| match bytes.data_type() {
        DataType::Binary => bytes.as_binary::<i32>().value(i),
        _ => bytes.as_binary::<i64>().value(i),
    };
    if let Some(bad) = (0..bytes.len())
        .into_par_iter()
        .find_first(|&i| simdutf8::basic::from_utf8(row(i)).is_err())
    {
        return Err(config_err(format!(
            "text {bad} of the array is not valid UTF-8"
        )));
    }
    Texts::of(make_array(data))
}

/// A pyarrow RecordBatch (or Table), whose columns are imported one by one as they are asked
/// for: only those a function reads are checked, text columns on all cores ([`texts_of`]).
struct Batch<'py>(Bound<'py, PyAny>);

impl<'py> Batch<'py> {
    /// Column `name` as pyarrow has it, or the error naming it.
    fn py_column(&self, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let schema = self.0.getattr("schema")?;
        let at: i64 = schema.call_method1("get_field_index", (name,))?.extract()?;
        if at < 0 {
            return Err(config_err(format!("no column {name:?} in the batch")));
        }
        self.0.call_method1("column", (at,))
    }

    /// Column `name`, any type.
    fn column(&self, name: &str) -> PyResult<ArrayRef> {
        array_of(&self.py_column(name)?)
    }

    /// Column `name`, which must hold strings.
    fn texts(&self, name: &str) -> PyResult<Texts> {
        texts_of(&self.py_column(name)?)
    }
}

/// `n` rows of `k` values as `FixedSizeList<UInt64>` (or `Int64`, the same bits, for Spark,
/// which has no unsigned type), null where `valid` says so.
fn fixed_lists(
    flat: Vec<u64>,
    k: usize,
    valid: Option<Vec<bool>>,
    signed: bool,
) -> FixedSizeListArray {
    let (values, item): (ArrayRef, DataType) = if signed {
        let v: Int64Array = flat
            .into_iter()
            .map(|x| x as i64)
            .collect::<Vec<_>>()
            .into();
        (Arc::new(v), DataType::Int64)
    } else {
        (Arc::new(UInt64Array::from(flat)), DataType::UInt64)
    };
    let field = Arc::new(Field::new("item", item, false));
    let nulls = valid.map(NullBuffer::from);
    FixedSizeListArray::new(field, k as i32, values, nulls)
}

/// The rows of a column as owned strings (null as `None`), copied in parallel.
fn owned(texts: &Texts) -> Vec<Option<String>> {
    (0..texts.len())
        .into_par_iter()
        .map(|i| texts.get(i).map(str::to_owned))
        .collect()
}

/// Signatures of every row, in parallel without the GIL: flat values and row validity. With
/// `sources`, boilerplate is left out per source (the `table`'s, else the batch's own).
fn sign_texts(
    py: Python<'_>,
    signer: &Signer,
    texts: &Texts,
    sources: Option<&Texts>,
    table: Option<&Table>,
) -> (Vec<u64>, Option<Vec<bool>>) {
    let k = signer.engine.config.signer.num_perm;
    py.detach(|| {
        let mut flat = vec![0u64; texts.len() * k];
        match sources {
            // Read where pyarrow keeps them: nothing is copied.
            None => sign_alone(&signer.engine, |i| texts.get(i), &mut flat),
            Some(sources) => {
                let bodies = owned(texts)
                    .into_iter()
                    .map(Option::unwrap_or_default)
                    .collect();
                let docs = documents(bodies, Some(owned(sources)));
                sign_into(&signer.engine, docs, table, &mut flat);
            }
        }
        let valid = (texts.0.null_count() > 0)
            .then(|| (0..texts.len()).map(|i| !texts.0.is_null(i)).collect());
        (flat, valid)
    })
}

/// Band keys of flat signature rows of `k` values.
fn keys_of(
    py: Python<'_>,
    flat: &[u64],
    k: usize,
    bands: usize,
    rows: usize,
) -> PyResult<Vec<u64>> {
    let lsh = banding(k, bands, rows)?;
    let n = flat.len() / k.max(1);
    py.detach(|| {
        let mut keys = vec![0u64; n * bands];
        keys.par_chunks_mut(bands)
            .zip(flat.par_chunks(k))
            .map(|(out, row)| keys_of_row(&lsh, row, out))
            .collect::<Result<(), String>>()
            .map(|()| keys)
    })
    .map_err(config_err)
}

/// The flat values and width of a `FixedSizeList<UInt64 | Int64>` array.
fn flat_of(array: &ArrayRef) -> PyResult<(Vec<u64>, usize)> {
    let Some(list) = array.as_fixed_size_list_opt() else {
        return Err(config_err(format!(
            "expected FixedSizeList<UInt64> signatures, got {}",
            array.data_type()
        )));
    };
    let k = list.value_length() as usize;
    let values = list.values().slice(list.offset() * k, list.len() * k);
    let flat: Vec<u64> = match values.data_type() {
        DataType::UInt64 => values.as_primitive::<UInt64Type>().values().to_vec(),
        DataType::Int64 => values
            .as_primitive::<Int64Type>()
            .values()
            .iter()
            .map(|&v| v as u64)
            .collect(),
        other => {
            return Err(config_err(format!(
                "expected UInt64 signature values, got {other}"
            )));
        }
    };
    Ok((flat, k))
}

/// Signatures of a pyarrow string array as `FixedSizeList<UInt64>` (null rows stay null).
#[pyfunction]
pub fn sign_arrow<'py>(
    py: Python<'py>,
    signer: &Signer,
    texts: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let texts = texts_of(texts)?;
    let (flat, valid) = sign_texts(py, signer, &texts, None, None);
    let k = signer.engine.config.signer.num_perm;
    fixed_lists(flat, k, valid, false).to_data().to_pyarrow(py)
}

/// The band keys of `FixedSizeList` signatures as `FixedSizeList<UInt64>` of `bands` keys.
#[pyfunction]
pub fn band_keys_arrow<'py>(
    py: Python<'py>,
    signatures: &Bound<'py, PyAny>,
    bands: usize,
    rows: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let (flat, k) = flat_of(&array_of(signatures)?)?;
    let keys = keys_of(py, &flat, k, bands, rows)?;
    fixed_lists(keys, bands, None, false)
        .to_data()
        .to_pyarrow(py)
}

/// A RecordBatch's `keep` columns, plus `signature`, `empty` (the text has no shingle),
/// `chars` (its length in characters), with `bands` and `rows` `band_keys`, and with `date`
/// `date_key` (the CLI's date order, `YYYYMMDDhhmmss` in UTC, null when unreadable), from
/// column `text`. With `source` (a column), boilerplate is left out per source: the
/// `boilerplate` table's paragraphs, else those recurring in this batch. `signed` gives Int64
/// lists (the same bits) for Spark.
#[pyfunction]
#[pyo3(signature = (signer, batch, text="text", keep=vec![], bands=None, rows=None, signed=false, date=None, source=None, boilerplate=None))]
#[allow(clippy::too_many_arguments)]
pub fn sign_batch<'py>(
    py: Python<'py>,
    signer: &Signer,
    batch: &Bound<'py, PyAny>,
    text: &str,
    keep: Vec<String>,
    bands: Option<usize>,
    rows: Option<usize>,
    signed: bool,
    date: Option<&str>,
    source: Option<&str>,
    boilerplate: Option<PyRef<'py, Boilerplate>>,
) -> PyResult<Bound<'py, PyAny>> {
    let batch = Batch(batch.clone());
    let texts = batch.texts(text)?;
    let sources = source.map(|s| batch.texts(s)).transpose()?;
    let table = boilerplate.as_ref().map(|b| &b.table);
    let (flat, valid) = sign_texts(py, signer, &texts, sources.as_ref(), table);
    let k = signer.engine.config.signer.num_perm;
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for name in &keep {
        let c = batch.column(name)?;
        fields.push(Field::new(name, c.data_type().clone(), true));
        columns.push(c);
    }
    if let (Some(b), Some(r)) = (bands, rows) {
        let keys = keys_of(py, &flat, k, b, r)?;
        let keys = fixed_lists(keys, b, valid.clone(), signed);
        fields.push(Field::new("band_keys", keys.data_type().clone(), true));
        columns.push(Arc::new(keys));
    }
    let empty: BooleanArray = flat
        .chunks(k)
        .map(|row| Some(row.iter().all(|&v| v == u64::from(EMPTY_BIN))))
        .collect();
    let chars: Int64Array = (0..texts.len())
        .map(|i| Some(texts.get(i).map_or(0, |t| t.chars().count()) as i64))
        .collect();
    fields.push(Field::new("empty", DataType::Boolean, false));
    columns.push(Arc::new(empty));
    fields.push(Field::new("chars", DataType::Int64, false));
    columns.push(Arc::new(chars));
    if let Some(name) = date {
        let dates = batch.texts(name)?;
        let keys: Int64Array = (0..dates.len())
            .map(|i| {
                dates
                    .get(i)
                    .and_then(naql::date::sort_key)
                    .map(|k| k as i64)
            })
            .collect();
        fields.push(Field::new("date_key", DataType::Int64, true));
        columns.push(Arc::new(keys));
    }
    let sigs = fixed_lists(flat, k, valid, signed);
    fields.insert(
        keep.len(),
        Field::new("signature", sigs.data_type().clone(), true),
    );
    columns.insert(keep.len(), Arc::new(sigs));
    let out = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .map_err(|e| config_err(e.to_string()))?;
    out.to_pyarrow(py)
}

/// Exact overlap of the texts in columns `a` and `b` of each row, as `naql cluster` verifies a
/// candidate pair: a RecordBatch of `jaccard`, `containment_ab`, `containment_ba` (Float64).
/// With source columns and a `boilerplate` table, each text's boilerplate is left out first.
#[pyfunction]
#[pyo3(signature = (signer, batch, a="text_a", b="text_b", source_a=None, source_b=None, boilerplate=None))]
#[allow(clippy::too_many_arguments)]
pub fn verify_batch<'py>(
    py: Python<'py>,
    signer: &Signer,
    batch: &Bound<'py, PyAny>,
    a: &str,
    b: &str,
    source_a: Option<&str>,
    source_b: Option<&str>,
    boilerplate: Option<PyRef<'py, Boilerplate>>,
) -> PyResult<Bound<'py, PyAny>> {
    let batch = Batch(batch.clone());
    let (ta, tb) = (batch.texts(a)?, batch.texts(b)?);
    let sa = source_a.map(|s| batch.texts(s)).transpose()?;
    let sb = source_b.map(|s| batch.texts(s)).transpose()?;
    let empty = Table::default();
    let table = boilerplate.as_ref().map_or(&empty, |b| &b.table);
    let engine = &signer.engine;
    let overlaps: Vec<[f64; 3]> = py.detach(|| {
        (0..ta.len())
            .into_par_iter()
            .map(|i| {
                let set = |t: &Texts, s: Option<&Texts>| {
                    let p = engine.prepare(Document {
                        text: t.get(i).unwrap_or("").to_owned(),
                        source: source_of(s.and_then(|s| s.get(i)).map(str::to_owned)),
                        ..Document::default()
                    });
                    engine.config.signer.shingle_set(&table.kept_units(&p))
                };
                let o = Overlap::of(&set(&ta, sa.as_ref()), &set(&tb, sb.as_ref()));
                [o.jaccard, o.containment_ab, o.containment_ba]
            })
            .collect()
    });
    let col = |j: usize| -> ArrayRef {
        Arc::new(Float64Array::from_iter_values(
            overlaps.iter().map(|o| o[j]),
        ))
    };
    let schema = Schema::new(vec![
        Field::new("jaccard", DataType::Float64, false),
        Field::new("containment_ab", DataType::Float64, false),
        Field::new("containment_ba", DataType::Float64, false),
    ]);
    let out = RecordBatch::try_new(Arc::new(schema), vec![col(0), col(1), col(2)])
        .map_err(|e| config_err(e.to_string()))?;
    out.to_pyarrow(py)
}

/// What boilerplate is counted from, for a distributed job: one row per distinct
/// `(source, paragraph, text_key)` of the batch's texts that have a source (blank or null
/// sources are not examined, as in the CLI). A job keeps, per source, the paragraphs with at
/// least `boilerplate_min_docs` distinct text keys across all batches. `signed` gives Int64
/// columns (the same bits) for Spark.
#[pyfunction]
#[pyo3(signature = (signer, batch, text="text", source="source", signed=false))]
pub fn paragraph_batch<'py>(
    py: Python<'py>,
    signer: &Signer,
    batch: &Bound<'py, PyAny>,
    text: &str,
    source: &str,
    signed: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let batch = Batch(batch.clone());
    let (texts, sources) = (batch.texts(text)?, batch.texts(source)?);
    let mut rows: Vec<(&str, u64, u64)> = py.detach(|| {
        let mut rows: Vec<(&str, u64, u64)> = (0..texts.len())
            .into_par_iter()
            .filter_map(|i| Some((i, sources.get(i).filter(|s| !s.trim().is_empty())?)))
            .flat_map_iter(|(i, s)| {
                let p = signer.prepared(texts.get(i).unwrap_or("").to_owned());
                let key = p.text_key();
                p.paragraph_hashes()
                    .map(|h| (s, h, key))
                    .collect::<Vec<_>>()
            })
            .collect();
        rows.par_sort_unstable();
        rows.dedup();
        rows
    });
    let names: arrow_array::StringArray = rows.iter().map(|r| Some(r.0)).collect();
    let ints = |f: fn(&(&str, u64, u64)) -> u64| -> ArrayRef {
        if signed {
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|r| f(r) as i64),
            ))
        } else {
            Arc::new(UInt64Array::from_iter_values(rows.iter().map(f)))
        }
    };
    let (paragraphs, keys) = (ints(|r| r.1), ints(|r| r.2));
    rows.clear();
    let int = if signed {
        DataType::Int64
    } else {
        DataType::UInt64
    };
    let schema = Schema::new(vec![
        Field::new("source", DataType::Utf8, false),
        Field::new("paragraph", int.clone(), false),
        Field::new("text_key", int, false),
    ]);
    let out = RecordBatch::try_new(Arc::new(schema), vec![Arc::new(names), paragraphs, keys])
        .map_err(|e| config_err(e.to_string()))?;
    out.to_pyarrow(py)
}
