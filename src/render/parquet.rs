//! Cluster results as Parquet (feature `parquet`): one row per document read, in input order,
//! with the columns of the Spark job's `documents/` table (`python -m naql.spark`), so that
//! the two outputs can be joined or compared directly.
//!
//! | column | type | value |
//! |---|---|---|
//! | `id` | string | the document's id |
//! | `cluster` | string, null | the representative's id; null for a document in no cluster |
//! | `representative` | string, null | the same (the Spark job's name for it) |
//! | `jaccard` | double, null | against the representative (1 for itself), four decimals |
//! | `containment` | double, null | the same; null when verification was estimated |
//!
//! The run's parameters are in the file's key-value metadata under `naql.params` (JSON).

use std::io::{self, Write};
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use super::clusters::Params;
use crate::copy::Outcome;
use crate::score::round4;

/// Rows per row group: small enough that a reader streams them, large enough to compress.
const GROUP_ROWS: usize = 1 << 16;

/// One document's row: its cluster's representative, and its scores against it.
#[derive(Clone, Copy, Default)]
struct Row<'a> {
    representative: Option<&'a str>,
    jaccard: Option<f64>,
    containment: Option<f64>,
}

fn rows(out: &Outcome) -> Vec<Row<'_>> {
    let mut rows = vec![Row::default(); out.docs.len()];
    for c in &out.clusters {
        let representative = Some(&out.docs[c.representative].info.id[..]);
        for m in &c.members {
            rows[m.doc] = Row {
                representative,
                jaccard: Some(round4(m.jaccard)),
                containment: m.containment.map(round4),
            };
        }
    }
    rows
}

fn schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("cluster", DataType::Utf8, true),
        Field::new("representative", DataType::Utf8, true),
        Field::new("jaccard", DataType::Float64, true),
        Field::new("containment", DataType::Float64, true),
    ]))
}

fn batch(out: &Outcome, rows: &[Row], start: usize) -> io::Result<RecordBatch> {
    let ids = out.docs[start..start + rows.len()]
        .iter()
        .map(|d| Some(d.info.id.as_str()));
    let reps = || rows.iter().map(|r| r.representative);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter(ids)),
        Arc::new(StringArray::from_iter(reps())),
        Arc::new(StringArray::from_iter(reps())),
        Arc::new(Float64Array::from_iter(rows.iter().map(|r| r.jaccard))),
        Arc::new(Float64Array::from_iter(rows.iter().map(|r| r.containment))),
    ];
    RecordBatch::try_new(schema(), columns).map_err(io::Error::other)
}

/// Writes one row per document of `out` as a Parquet file (Snappy, as Spark writes). The file
/// is put together in memory (Parquet's footer comes last) and then written to `w`.
pub fn write_documents(w: &mut dyn Write, out: &Outcome, params: &Params) -> io::Result<()> {
    let params = serde_json::to_string(params)?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(GROUP_ROWS))
        .set_key_value_metadata(Some(vec![KeyValue::new("naql.params".into(), params)]))
        .build();
    let mut writer =
        ArrowWriter::try_new(Vec::new(), schema(), Some(props)).map_err(io::Error::other)?;
    let rows = rows(out);
    for (i, chunk) in rows.chunks(GROUP_ROWS).enumerate() {
        writer
            .write(&batch(out, chunk, i * GROUP_ROWS)?)
            .map_err(io::Error::other)?;
    }
    let bytes = writer.into_inner().map_err(io::Error::other)?;
    w.write_all(&bytes)
}
