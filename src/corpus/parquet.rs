//! Parquet inputs: columns mapped to fields as JSONL fields are (given with `--text-field` and
//! the like, or detected from the same lists of names), read one row group at a time.
//!
//! One thread decodes row groups into batches of rows; the rayon pool turns each batch into
//! documents and processes them; results come back in row order. A record's [`Origin`] is
//! the file and its 1-based row. A file whose columns do not fit (no text column, a text
//! column of numbers) is a [`ReadError::Format`] naming the file and the column; a row that
//! does not fit (a null id) is a bad record naming its row.

use std::borrow::Cow;
use std::fs::File;
use std::sync::Arc;
use std::sync::mpsc::{SyncSender, sync_channel};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Schema};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use parquet::file::metadata::ParquetMetaData;
use rayon::prelude::*;

use super::document::{Document, Origin};
use super::error::{BadRecord, ReadError};
use super::fields::{DATE_FIELDS, FieldMap, ID_FIELDS, SOURCE_FIELDS, TEXT_FIELDS, TITLE_FIELDS};
use super::read::{Parsed, ReadOptions};

/// Rows per batch: a few megabytes of news text, enough work per task for the pool.
const BATCH_ROWS: usize = 512;

/// What values a column may hold for its role.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Strings only (texts, outlets, headlines).
    Text,
    /// Strings or integers (ids).
    Id,
    /// Strings or dates (`YYYY-MM-DD`).
    Date,
}

/// One role's column: its name, and its index in the file's schema.
#[derive(Clone, Debug)]
struct Column {
    name: String,
    index: usize,
}

/// The columns each role reads from (the text's is required).
#[derive(Clone, Debug)]
struct Columns {
    text: Column,
    id: Option<Column>,
    source: Option<Column>,
    date: Option<Column>,
    title: Option<Column>,
}

impl Columns {
    /// The columns of `schema` for `fields`: the given names, else the first candidate
    /// present; or why the file cannot be read (naming the column).
    fn of(schema: &Schema, fields: &FieldMap) -> Result<Columns, String> {
        let text =
            find(schema, &fields.text, TEXT_FIELDS, Kind::Text, "text")?.ok_or_else(|| {
                format!(
                    "no text column (looked for {}; name it with --text-field); its columns: {}",
                    TEXT_FIELDS.join(", "),
                    column_names(schema)
                )
            })?;
        Ok(Columns {
            text,
            id: find(schema, &fields.id, ID_FIELDS, Kind::Id, "id")?,
            source: find(schema, &fields.source, SOURCE_FIELDS, Kind::Text, "source")?,
            date: find(schema, &fields.date, DATE_FIELDS, Kind::Date, "date")?,
            title: find(schema, &fields.title, TITLE_FIELDS, Kind::Text, "title")?,
        })
    }

    fn indices(&self) -> Vec<usize> {
        [&self.id, &self.source, &self.date, &self.title]
            .into_iter()
            .flatten()
            .chain([&self.text])
            .map(|c| c.index)
            .collect()
    }
}

fn column_names(schema: &Schema) -> String {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    names.join(", ")
}

/// The column named `given` (it must exist), else the first of `candidates` present; its type
/// must suit `kind`.
fn find(
    schema: &Schema,
    given: &Option<String>,
    candidates: &[&str],
    kind: Kind,
    role: &str,
) -> Result<Option<Column>, String> {
    let found = match given {
        Some(name) => match schema.index_of(name) {
            Ok(i) => Some((name.clone(), i)),
            Err(_) => {
                return Err(format!(
                    "no column {name:?} (given with --{role}-field); its columns: {}",
                    column_names(schema)
                ));
            }
        },
        None => candidates
            .iter()
            .find_map(|c| schema.index_of(c).ok().map(|i| (c.to_string(), i))),
    };
    let Some((name, index)) = found else {
        return Ok(None);
    };
    let data_type = schema.field(index).data_type();
    if !suits(data_type, kind) {
        let wanted = match kind {
            Kind::Text => "a string",
            Kind::Id => "a string or an integer",
            Kind::Date => "a string or a date",
        };
        return Err(format!(
            "column {name:?} ({role}) is {data_type}, not {wanted}; name another with --{role}-field"
        ));
    }
    Ok(Some(Column { name, index }))
}

fn is_string(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_string(values),
        _ => false,
    }
}

fn suits(t: &DataType, kind: Kind) -> bool {
    is_string(t)
        || match kind {
            Kind::Text => false,
            Kind::Id => t.is_integer(),
            Kind::Date => matches!(t, DataType::Date32 | DataType::Date64),
        }
}

/// A column of one batch, read row by row as text.
struct Values<'a> {
    /// The column as decoded (its nulls are the rows' nulls).
    column: &'a dyn Array,
    /// Where the values are: the column itself, or a dictionary column's values.
    values: &'a dyn Array,
    /// For a dictionary column: each row's index into `values`.
    keys: Option<Vec<usize>>,
}

impl<'a> Values<'a> {
    fn new(column: &'a ArrayRef) -> Values<'a> {
        let (values, keys) = match column.as_any_dictionary_opt() {
            Some(dict) => (dict.values().as_ref(), Some(dict.normalized_keys())),
            None => (column.as_ref(), None),
        };
        Values {
            column: column.as_ref(),
            values,
            keys,
        }
    }

    /// Row `row` as text; `None` when null.
    fn get(&self, row: usize) -> Option<Cow<'a, str>> {
        if self.column.is_null(row) {
            return None;
        }
        value(self.values, self.keys.as_ref().map_or(row, |k| k[row]))
    }
}

/// Value `i` of a string, integer or date array as text (`None` when null).
fn value(a: &dyn Array, i: usize) -> Option<Cow<'_, str>> {
    if a.is_null(i) {
        return None;
    }
    let owned = |s: String| Some(Cow::Owned(s));
    match a.data_type() {
        DataType::Utf8 => Some(Cow::Borrowed(a.as_string::<i32>().value(i))),
        DataType::LargeUtf8 => Some(Cow::Borrowed(a.as_string::<i64>().value(i))),
        DataType::Utf8View => Some(Cow::Borrowed(a.as_string_view().value(i))),
        DataType::Int8 => owned(a.as_primitive::<Int8Type>().value(i).to_string()),
        DataType::Int16 => owned(a.as_primitive::<Int16Type>().value(i).to_string()),
        DataType::Int32 => owned(a.as_primitive::<Int32Type>().value(i).to_string()),
        DataType::Int64 => owned(a.as_primitive::<Int64Type>().value(i).to_string()),
        DataType::UInt8 => owned(a.as_primitive::<UInt8Type>().value(i).to_string()),
        DataType::UInt16 => owned(a.as_primitive::<UInt16Type>().value(i).to_string()),
        DataType::UInt32 => owned(a.as_primitive::<UInt32Type>().value(i).to_string()),
        DataType::UInt64 => owned(a.as_primitive::<UInt64Type>().value(i).to_string()),
        DataType::Date32 => {
            let days = a.as_primitive::<arrow_array::types::Date32Type>().value(i);
            owned(day(i64::from(days)))
        }
        DataType::Date64 => {
            let ms = a.as_primitive::<arrow_array::types::Date64Type>().value(i);
            owned(day(ms.div_euclid(86_400_000)))
        }
        _ => None,
    }
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (what [`crate::date`] reads).
fn day(days: i64) -> String {
    let epoch = jiff::civil::date(1970, 1, 1);
    match jiff::Span::new()
        .try_days(days)
        .ok()
        .and_then(|s| epoch.checked_add(s).ok())
    {
        Some(d) => d.to_string(),
        None => String::new(),
    }
}

/// The documents of one batch whose first row is `first_row` (1-based). A row whose fields
/// add up to more than `max` bytes is a bad record, as an over-long JSON line is.
fn parse_batch(
    batch: &RecordBatch,
    first_row: u64,
    file: &str,
    columns: &Columns,
    max: usize,
) -> Parsed {
    let values = |c: &Option<Column>| {
        c.as_ref()
            .and_then(|c| batch.column_by_name(&c.name))
            .map(Values::new)
    };
    let text = batch
        .column_by_name(&columns.text.name)
        .map(Values::new)
        .expect("the text column is projected");
    let id = values(&columns.id);
    let (source, date, title) = (
        values(&columns.source),
        values(&columns.date),
        values(&columns.title),
    );
    let optional = |v: &Option<Values>, row: usize| {
        v.as_ref()
            .and_then(|v| v.get(row))
            .filter(|s| !s.trim().is_empty())
            .map(Cow::into_owned)
    };
    let mut parsed = Parsed::default();
    let shared: std::sync::Arc<str> = file.into();
    for row in 0..batch.num_rows() {
        let line = first_row + row as u64;
        let id = match &id {
            None => format!("{file}:{line}"),
            Some(v) => match v.get(row).filter(|s| !s.is_empty()) {
                Some(s) => s.into_owned(),
                None => {
                    let name = columns.id.as_ref().map_or("id", |c| &c.name);
                    parsed.bad.push(BadRecord {
                        file: file.to_owned(),
                        line,
                        reason: format!("field {name:?} is not a usable id (null or empty)"),
                    });
                    continue;
                }
            },
        };
        let doc = Document {
            id,
            source: optional(&source, row),
            date: optional(&date, row),
            title: optional(&title, row),
            text: text.get(row).map(Cow::into_owned).unwrap_or_default(),
        };
        if row_bytes(&doc) > max {
            parsed.bad.push(BadRecord {
                file: file.to_owned(),
                line,
                reason: format!("row too long (over {max} bytes; see --max-record-bytes)"),
            });
            continue;
        }
        let origin = Origin {
            file: shared.clone(),
            line,
        };
        parsed.docs.push((doc, origin));
    }
    parsed
}

/// A row's size as the cap counts it: the bytes of its fields' values.
fn row_bytes(doc: &Document) -> usize {
    let optional = [&doc.source, &doc.date, &doc.title];
    doc.id.len()
        + doc.text.len()
        + optional
            .iter()
            .filter_map(|f| f.as_ref())
            .map(String::len)
            .sum::<usize>()
}

/// A batch as decoded, with its first row; or the error that ended the file.
type Decoded = Result<(u64, RecordBatch), ReadError>;

/// Reads the Parquet file at `file` and processes its batches on the pool, in row order.
pub(super) fn read_parquet<T, F>(
    file: &str,
    options: &ReadOptions,
    process: &F,
) -> Result<Vec<T>, ReadError>
where
    T: Send,
    F: Fn(Parsed) -> T + Sync,
{
    let format = |what: String| ReadError::Format {
        file: file.to_owned(),
        what,
    };
    let handle = File::open(file).map_err(|error| ReadError::Io {
        file: file.to_owned(),
        error,
    })?;
    let meta = contained(|| ArrowReaderMetadata::load(&handle, Default::default()))
        .and_then(|loaded| loaded.map_err(|e| e.to_string()))
        .map_err(|e| format(format!("not a readable Parquet file: {e}")))?;
    let size = handle.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
    check_chunks(meta.metadata(), size).map_err(format)?;
    let columns = Columns::of(meta.schema(), &options.fields).map_err(format)?;
    let max = options.max_record_bytes();
    let (tx, rx) = sync_channel::<Decoded>(4);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let last = tx.clone();
            if let Err(e) = contained(|| decode(handle, meta, &columns, file, options, tx)) {
                let _ = last.send(Err(format(format!("corrupt Parquet data: {e}"))));
            }
        });
        let mut done: Vec<(usize, Result<T, ReadError>)> = rx
            .into_iter()
            .enumerate()
            .par_bridge()
            .map(|(i, decoded)| {
                let parsed = decoded.map(|(first, b)| parse_batch(&b, first, file, &columns, max));
                (i, parsed.map(process))
            })
            .collect();
        done.sort_by_key(|(i, _)| *i);
        done.into_iter().map(|(_, r)| r).collect()
    })
}

/// Runs `f`, turning a panic into its message. The parquet crate still asserts on some
/// corrupt inputs instead of returning an error (apache/arrow-rs#9742); one bad file must
/// end in an error naming it, not a crash, and never in a silently short read.
fn contained<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".to_owned());
        format!("the Parquet decoder failed: {message}")
    })
}

/// Checks that every column chunk lies inside the file, as the footer claims it does: the
/// parquet crate asserts this (a panic) rather than returning an error, so a corrupt footer
/// must be caught here.
fn check_chunks(meta: &ParquetMetaData, size: u64) -> Result<(), String> {
    for (g, group) in meta.row_groups().iter().enumerate() {
        for column in group.columns() {
            let start = column
                .dictionary_page_offset()
                .unwrap_or(column.data_page_offset());
            let length = column.compressed_size();
            let end = u64::try_from(start)
                .ok()
                .zip(u64::try_from(length).ok())
                .and_then(|(s, l)| s.checked_add(l));
            if end.is_none_or(|end| end > size) {
                return Err(format!(
                    "corrupt Parquet footer: column {} of row group {g} claims {length} bytes \
                     at offset {start} of a {size}-byte file",
                    column.column_path()
                ));
            }
        }
    }
    Ok(())
}

/// Decodes the projected columns one row group at a time and sends the batches, numbered by
/// their first row; stops at the first error (sent) or when the receiver is gone.
fn decode(
    handle: File,
    meta: ArrowReaderMetadata,
    columns: &Columns,
    file: &str,
    options: &ReadOptions,
    tx: SyncSender<Decoded>,
) {
    let broken = |e: String| ReadError::Format {
        file: file.to_owned(),
        what: format!("corrupt Parquet data: {e}"),
    };
    let mask = ProjectionMask::roots(meta.parquet_schema(), columns.indices());
    let groups: Vec<i64> = Arc::clone(meta.metadata())
        .row_groups()
        .iter()
        .map(|g| g.compressed_size())
        .collect();
    let mut row = 1u64;
    for (g, compressed) in groups.into_iter().enumerate() {
        let reader = handle
            .try_clone()
            .map_err(|error| ReadError::Io {
                file: file.to_owned(),
                error,
            })
            .and_then(|h| {
                ParquetRecordBatchReaderBuilder::new_with_metadata(h, meta.clone())
                    .with_row_groups(vec![g])
                    .with_projection(mask.clone())
                    .with_batch_size(BATCH_ROWS)
                    .build()
                    .map_err(|e| broken(e.to_string()))
            });
        let reader = match reader {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        };
        for batch in reader {
            let sent = match batch {
                Ok(b) => {
                    let first = row;
                    row += b.num_rows() as u64;
                    tx.send(Ok((first, b)))
                }
                Err(e) => {
                    let _ = tx.send(Err(broken(e.to_string())));
                    return;
                }
            };
            if sent.is_err() {
                return;
            }
        }
        if let Some(p) = &options.progress {
            p.advance(compressed.max(0) as u64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Int64Array, StringArray};
    use arrow_schema::Field;

    fn schema(fields: &[(&str, DataType)]) -> Schema {
        Schema::new(
            fields
                .iter()
                .map(|(n, t)| Field::new(*n, t.clone(), true))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn columns_are_detected_by_the_jsonl_lists() {
        let s = schema(&[
            ("url", DataType::Utf8),
            ("content", DataType::LargeUtf8),
            ("id", DataType::Int64),
            ("date_extracted", DataType::Utf8),
        ]);
        let c = Columns::of(&s, &FieldMap::default()).unwrap();
        assert_eq!(c.text.name, "content");
        assert_eq!(c.id.as_ref().unwrap().name, "id");
        assert_eq!(c.date.as_ref().unwrap().name, "date_extracted");
        assert!(c.source.is_none() && c.title.is_none());
    }

    #[test]
    fn a_text_column_of_numbers_or_none_is_named_in_the_error() {
        let s = schema(&[("text", DataType::Int64), ("x", DataType::Utf8)]);
        let e = Columns::of(&s, &FieldMap::default()).unwrap_err();
        assert_eq!(
            e,
            "column \"text\" (text) is Int64, not a string; name another with --text-field"
        );
        let s = schema(&[("x", DataType::Utf8)]);
        let e = Columns::of(&s, &FieldMap::default()).unwrap_err();
        assert!(
            e.starts_with("no text column") && e.ends_with("its columns: x"),
            "{e}"
        );
        let fields = FieldMap {
            text: Some("body_ar".into()),
            ..FieldMap::default()
        };
        let e = Columns::of(&s, &fields).unwrap_err();
        assert!(e.starts_with("no column \"body_ar\""), "{e}");
    }

    #[test]
    fn rows_become_documents_and_null_ids_bad_records() {
        let s = Arc::new(schema(&[("id", DataType::Int64), ("text", DataType::Utf8)]));
        let batch = RecordBatch::try_new(
            s.clone(),
            vec![
                Arc::new(Int64Array::from(vec![Some(7), None, Some(9)])),
                Arc::new(StringArray::from(vec![Some("نص"), Some("x"), None])),
            ],
        )
        .unwrap();
        let columns = Columns::of(&s, &FieldMap::default()).unwrap();
        let parsed = parse_batch(&batch, 11, "c.parquet", &columns, usize::MAX);
        let ids: Vec<_> = parsed
            .docs
            .iter()
            .map(|(d, o)| (&d.id[..], o.line))
            .collect();
        assert_eq!(ids, [("7", 11), ("9", 13)]);
        assert_eq!(parsed.docs[0].0.text, "نص");
        assert_eq!(parsed.docs[1].0.text, "");
        let bad = &parsed.bad.listed()[0];
        assert_eq!(
            bad.to_string(),
            "c.parquet:12: field \"id\" is not a usable id (null or empty)"
        );
    }

    #[test]
    fn dates_are_written_as_days() {
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(16_637), "2015-07-21");
    }
}
