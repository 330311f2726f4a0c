//! Documents and the readers that bring them in: JSONL (plain or gzip, also from stdin),
//! Parquet (feature `parquet`) and directories of `.txt` files, with field names detected or
//! given.
//!
//! Reading is streamed: one thread decompresses and cuts the input into chunks of whole lines,
//! and the rayon pool parses them (and whatever the caller does next) in parallel. Results come
//! back in input order, so everything downstream is deterministic.
//!
//! Every bad record is reported with its file and line; with `skip_bad` it is set aside with a
//! reason instead of stopping the run, so every line of input is accounted for.
//!
//! Where things are: `document.rs` ([`Document`], [`Origin`]), `fields.rs` ([`FieldMap`] and
//! the lists of field names detected), `record.rs` (one JSON line → a document), `jsonl.rs`
//! (chunked reading of JSON lines), `parquet.rs` (Parquet files, a row group at a time), `read.rs` ([`read_with`], [`read_all`], `.txt` files and
//! directories), `error.rs` ([`ReadError`], [`BadRecord`]), `skipped.rs` ([`Skipped`]: bad records counted,
//! the first thousand kept).
//!
//! ```
//! use naql::corpus::{ReadOptions, read_all};
//!
//! let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/saudinewsnet-sample.jsonl");
//! let (docs, report) = read_all(&[fixture.to_string()], &ReadOptions::default()).unwrap();
//! assert!(!docs.is_empty() && report.skipped.is_empty());
//! let (first, origin) = &docs[0];
//! assert_eq!(origin.line, 1);
//! assert!(!first.text.is_empty());
//! ```

mod document;
mod encoding;
mod error;
mod fields;
mod jsonl;
#[cfg(feature = "parquet")]
mod parquet;
mod read;
mod record;
mod skipped;

pub use self::document::{Document, Origin, UnreadDates};
pub use self::error::{BadRecord, ReadError};
pub use self::fields::{
    DATE_FIELDS, FieldMap, ID_FIELDS, SOURCE_FIELDS, TEXT_FIELDS, TITLE_FIELDS,
};
pub use self::read::{
    Chunks, DEFAULT_MAX_RECORD_BYTES, Item, Progress, ReadOptions, ReadReport, Record,
    items_in_memory, read_all, read_chunks_with, read_jsonl_bytes_with, read_with,
};
pub use self::skipped::Skipped;
