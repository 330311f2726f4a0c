//! Reading inputs: files of JSON lines (plain or `.gz`), stdin, single `.txt` files and
//! directories of them; ids checked unique across all inputs.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::document::{Document, Origin};
use super::encoding;
use super::error::{BadRecord, ReadError};
use super::fields::FieldMap;
use super::jsonl::{Counted, read_jsonl};
use super::skipped::Skipped;

/// Told how reading goes, so that a front door can show progress (the library shows nothing).
pub trait Progress: Send + Sync {
    /// `bytes` more of an input file were read (compressed bytes for `.gz`).
    fn advance(&self, bytes: u64);
    /// Every input was read.
    fn finish(&self) {}
}

/// How to read.
#[derive(Clone, Default)]
pub struct ReadOptions {
    /// Field names to use instead of detecting them.
    pub fields: FieldMap,
    /// Set bad records aside (with file, line and reason) instead of failing on the first.
    pub skip_bad: bool,
    /// Told of the bytes read.
    pub progress: Option<std::sync::Arc<dyn Progress>>,
    /// The longest line of JSON read as a record, in bytes; `None` for
    /// [`DEFAULT_MAX_RECORD_BYTES`]. A longer line is a bad record ("line too long").
    pub max_record_bytes: Option<usize>,
}

/// The default cap on a JSON line: far above any real article (the longest news texts are a
/// few hundred kilobytes), low enough that a file without newlines cannot exhaust memory.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 64 << 20;

impl ReadOptions {
    /// The cap on a JSON line in bytes ([`ReadOptions::max_record_bytes`] or the default).
    pub fn max_record_bytes(&self) -> usize {
        self.max_record_bytes.unwrap_or(DEFAULT_MAX_RECORD_BYTES)
    }
}

impl fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadOptions")
            .field("fields", &self.fields)
            .field("skip_bad", &self.skip_bad)
            .field("progress", &self.progress.is_some())
            .field("max_record_bytes", &self.max_record_bytes)
            .finish()
    }
}

/// What reading accounted for besides the documents.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ReadReport {
    /// Records set aside (only with `skip_bad`): all counted, the first thousand listed.
    pub skipped: Skipped,
    /// Files in input directories that are not `.txt` and were not read.
    pub ignored_files: Vec<String>,
}

/// A record as read: a document, or why there is none.
pub type Record = Result<(Document, Origin), BadRecord>;

/// One document as read and processed: its id, where it came from, and what `process` made of it.
pub struct Item<U> {
    /// The document's id.
    pub id: String,
    /// Where it was read.
    pub origin: Origin,
    /// What the caller's `process` made of the document.
    pub value: U,
}

/// The records of one chunk (or one `.txt` file) as parsed: its documents, and its bad records
/// counted (only the first ones kept, so a file of bad lines costs little memory).
#[derive(Default)]
pub(super) struct Parsed {
    pub(super) docs: Vec<(Document, Origin)>,
    pub(super) bad: Skipped,
}

impl From<Record> for Parsed {
    fn from(record: Record) -> Parsed {
        let mut parsed = Parsed::default();
        match record {
            Ok(doc) => parsed.docs.push(doc),
            Err(bad) => parsed.bad.push(bad),
        }
        parsed
    }
}

/// A chunk's documents after the caller's `process`, and its bad records.
struct Processed<U> {
    items: Vec<Item<U>>,
    bad: Skipped,
}

impl<U> Processed<U> {
    fn new(parsed: Parsed, process: impl Fn(Document) -> U) -> Processed<U> {
        let items = parsed
            .docs
            .into_iter()
            .map(|(doc, origin)| Item {
                id: doc.id.clone(),
                origin,
                value: process(doc),
            })
            .collect();
        Processed {
            items,
            bad: parsed.bad,
        }
    }
}

/// Kinds of input, decided from the path.
enum Input {
    Stdin,
    Jsonl(PathBuf),
    Gzip(PathBuf),
    Dir(PathBuf),
    Txt(PathBuf),
    Parquet(String),
}

fn classify(path: &str) -> Input {
    if path == "-" {
        return Input::Stdin;
    }
    let p = PathBuf::from(path);
    if p.is_dir() {
        Input::Dir(p)
    } else if path.ends_with(".gz") {
        Input::Gzip(p)
    } else if path.ends_with(".txt") {
        Input::Txt(p)
    } else if path.ends_with(".parquet") {
        Input::Parquet(path.to_owned())
    } else {
        Input::Jsonl(p)
    }
}

/// Items for documents already in memory, `process`ed in parallel; their origin is `-` and
/// their position (from 1), as if they had come on stdin.
pub fn items_in_memory<U, F>(docs: Vec<Document>, process: F) -> Vec<Item<U>>
where
    U: Send,
    F: Fn(Document) -> U + Sync + Send,
{
    docs.into_par_iter()
        .enumerate()
        .map(|(i, d)| Item {
            id: d.id.clone(),
            origin: Origin {
                file: "-".into(),
                line: i as u64 + 1,
            },
            value: process(d),
        })
        .collect()
}

/// Reads every input and hands each document to `process`, in parallel; returns the results in
/// input order. Ids must be unique across all inputs: a repeated id is an error, or with
/// `skip_bad` the later record is set aside.
pub fn read_with<U, F>(
    inputs: &[String],
    options: &ReadOptions,
    process: F,
) -> Result<(Vec<Item<U>>, ReadReport), ReadError>
where
    U: Send,
    F: Fn(Document) -> U + Sync + Send,
{
    let (chunks, report) = read_chunks_with(inputs, options, process)?;
    Ok((flatten(chunks), report))
}

/// Documents in the chunks they were read in, in input order.
pub type Chunks<U> = Vec<Vec<Item<U>>>;

/// [`read_with`], the documents left in the chunks they were read in (each a few hundred, in
/// input order), so that a caller can turn them into something else a chunk at a time and
/// never hold all of both at once.
pub fn read_chunks_with<U, F>(
    inputs: &[String],
    options: &ReadOptions,
    process: F,
) -> Result<(Chunks<U>, ReadReport), ReadError>
where
    U: Send,
    F: Fn(Document) -> U + Sync + Send,
{
    let mut chunks: Vec<Processed<U>> = Vec::new();
    let mut report = ReadReport::default();
    let run = |parsed: Parsed| Processed::new(parsed, &process);
    for path in inputs {
        read_input(path, options, &run, &mut chunks, &mut report)?;
    }
    if let Some(p) = &options.progress {
        p.finish();
    }
    let items = first_of_each_id(chunks, options.skip_bad, &mut report)?;
    Ok((items, report))
}

/// Reads JSON lines already in memory (named `name` in errors, lines from 1) exactly as a
/// JSONL file is read: fields detected or given, ids unique, bad records reported. For
/// bindings (the Python package) that hold records rather than files.
pub fn read_jsonl_bytes_with<U, F>(
    bytes: &[u8],
    name: &str,
    options: &ReadOptions,
    process: F,
) -> Result<(Vec<Item<U>>, ReadReport), ReadError>
where
    U: Send,
    F: Fn(Document) -> U + Sync + Send,
{
    let run = |parsed: Parsed| Processed::new(parsed, &process);
    let chunks = read_jsonl(bytes, name, options, &run)?;
    let mut report = ReadReport::default();
    let items = first_of_each_id(chunks, options.skip_bad, &mut report)?;
    Ok((flatten(items), report))
}

/// Reads one input (whatever its kind) into `chunks`.
fn read_input<U: Send>(
    path: &str,
    options: &ReadOptions,
    run: &(impl Fn(Parsed) -> Processed<U> + Sync),
    chunks: &mut Vec<Processed<U>>,
    report: &mut ReadReport,
) -> Result<(), ReadError> {
    match classify(path) {
        Input::Dir(dir) => read_dir(&dir, options, run, chunks, report)?,
        Input::Txt(f) => {
            let name = f.to_string_lossy().into_owned();
            let id = f
                .file_name()
                .map_or(name.clone(), |n| n.to_string_lossy().into_owned());
            chunks.push(run(Parsed::from(read_txt(&f, &id)?)));
        }
        Input::Stdin => {
            chunks.extend(read_jsonl(io::stdin(), "-", options, run)?);
        }
        #[cfg(feature = "parquet")]
        Input::Parquet(file) => {
            chunks.extend(super::parquet::read_parquet(&file, options, run)?);
        }
        #[cfg(not(feature = "parquet"))]
        Input::Parquet(file) => {
            return Err(ReadError::Format {
                file,
                what: "Parquet is not read by this build of naql (built without the `parquet` \
                       feature)"
                    .into(),
            });
        }
        Input::Jsonl(p) | Input::Gzip(p) => {
            let name = p.display().to_string();
            if [".csv", ".tsv", ".csv.gz", ".tsv.gz"]
                .iter()
                .any(|e| name.ends_with(e))
            {
                return Err(ReadError::Format {
                    what: format!(
                        "CSV is not read; naql reads JSON lines, .txt files or directories of \
                         them: convert it, e.g. with Miller, `mlr --icsv --ojsonl cat {name} > \
                         converted.jsonl` (--itsv for TSV)"
                    ),
                    file: name,
                });
            }
            let file = File::open(&p).map_err(|error| ReadError::Io {
                file: name.clone(),
                error,
            })?;
            let counted = Counted {
                inner: file,
                progress: options.progress.clone(),
            };
            if path.ends_with(".gz") {
                let buffered = BufReader::with_capacity(1 << 16, counted);
                let gz = flate2::read::MultiGzDecoder::new(buffered);
                chunks.extend(read_jsonl(gz, &name, options, run)?);
            } else {
                chunks.extend(read_jsonl(counted, &name, options, run)?);
            }
        }
    }
    Ok(())
}

/// Every `.txt` file under `dir`, in path order, id relative to `dir`, then every `.parquet`
/// file; other files are listed in the report as ignored.
fn read_dir<U: Send>(
    dir: &Path,
    options: &ReadOptions,
    run: &(impl Fn(Parsed) -> Processed<U> + Sync),
    chunks: &mut Vec<Processed<U>>,
    report: &mut ReadReport,
) -> Result<(), ReadError> {
    let mut files = Vec::new();
    walk(dir, &mut files).map_err(|error| ReadError::Io {
        file: dir.display().to_string(),
        error,
    })?;
    files.sort();
    let (txt, other): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|f| f.extension().is_some_and(|e| e == "txt"));
    // Parquet files (a Spark or Hive table's directory of parts) are read whole, after the
    // `.txt` files, in path order.
    let (parquet, mut other): (Vec<_>, Vec<_>) = other
        .into_iter()
        .partition(|f| cfg!(feature = "parquet") && f.extension().is_some_and(|e| e == "parquet"));
    // A FIFO, socket or device named `.txt` is not read (a FIFO would block forever): it is
    // counted with the ignored files. A dangling symbolic link is a bad record.
    let mut dangling = Vec::new();
    let txt: Vec<PathBuf> = txt
        .into_iter()
        .filter(|f| match std::fs::metadata(f) {
            Ok(m) if m.is_file() => true,
            Ok(_) => {
                other.push(f.clone());
                false
            }
            Err(e) => {
                dangling.push(BadRecord {
                    file: f.display().to_string(),
                    line: 1,
                    reason: format!("dangling symbolic link or unreadable file: {e}"),
                });
                false
            }
        })
        .collect();
    other.sort();
    if !dangling.is_empty() {
        chunks.push(Processed {
            items: Vec::new(),
            bad: dangling.into_iter().collect(),
        });
    }
    report
        .ignored_files
        .extend(other.iter().map(|f| f.display().to_string()));
    for batch in txt.chunks(256) {
        let records = batch
            .par_iter()
            .map(|f| {
                let id = f.strip_prefix(dir).unwrap_or(f);
                read_txt(f, &id.to_string_lossy()).map(|r| run(Parsed::from(r)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        chunks.extend(records);
    }
    #[cfg(feature = "parquet")]
    for f in parquet {
        let name = f.display().to_string();
        chunks.extend(super::parquet::read_parquet(&name, options, run)?);
    }
    #[cfg(not(feature = "parquet"))]
    let _ = (options, parquet);
    Ok(())
}

/// The items in input order. Duplicate ids: the first occurrence wins; a later one is an error
/// (or set aside). Bad records are an error unless `skip_bad`: the first in input order is
/// returned, whether a bad record or a repeated id.
fn first_of_each_id<U>(
    chunks: Vec<Processed<U>>,
    skip_bad: bool,
    report: &mut ReadReport,
) -> Result<Vec<Vec<Item<U>>>, ReadError> {
    let mut out: Vec<Vec<Item<U>>> = Vec::with_capacity(chunks.len());
    let mut seen = SeenIds::default();
    for chunk in chunks {
        // A chunk is one file's lines in order, so lines compare within it.
        let first_bad = chunk.bad.listed().first().cloned();
        let mut kept = Vec::with_capacity(chunk.items.len());
        for item in chunk.items {
            let Some((c, i)) = seen.first(&out, &kept, &item.id) else {
                seen.insert((out.len(), kept.len()), &item.id);
                kept.push(item);
                continue;
            };
            let first = &out.get(c).unwrap_or(&kept)[i].origin;
            let bad = BadRecord {
                file: item.origin.file.to_string(),
                line: item.origin.line,
                reason: format!("duplicate id {:?} (first at {first})", item.id),
            };
            if !skip_bad {
                return Err(ReadError::Bad(match first_bad {
                    Some(b) if b.line < bad.line => b,
                    _ => bad,
                }));
            }
            report.skipped.push(bad);
        }
        if let Some(b) = first_bad.filter(|_| !skip_bad) {
            return Err(ReadError::Bad(b));
        }
        report.skipped.append(chunk.bad);
        out.push(kept);
    }
    Ok(out)
}

/// The chunks' items in one list, in order.
fn flatten<U>(chunks: Vec<Vec<Item<U>>>) -> Vec<Item<U>> {
    // Reserved once: a doubling vector of large items would briefly hold three times them.
    let mut items = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for c in chunks {
        items.extend(c);
    }
    items
}

/// The ids read so far, as (chunk, index) of their first item: a hash of each id (8 bytes,
/// not a copy of it), with the rare ids whose hash another id already has kept whole.
#[derive(Default)]
struct SeenIds {
    by_hash: HashMap<u64, (u32, u32)>,
    collided: HashMap<String, (usize, usize)>,
}

impl SeenIds {
    /// Where the first item with `id` is: in `done` (earlier chunks), or `current` (the chunk
    /// being read, which is `done.len()`).
    fn first<U>(
        &self,
        done: &[Vec<Item<U>>],
        current: &[Item<U>],
        id: &str,
    ) -> Option<(usize, usize)> {
        let &(c, i) = self.by_hash.get(&crate::hash::token_hash(id))?;
        let (c, i) = (c as usize, i as usize);
        match done.get(c).map_or(current, |v| v)[i].id == id {
            true => Some((c, i)),
            false => self.collided.get(id).copied(),
        }
    }

    /// Records that the item at `(chunk, index)` (new) has `id`.
    fn insert(&mut self, (c, i): (usize, usize), id: &str) {
        let h = crate::hash::token_hash(id);
        match (
            self.by_hash.contains_key(&h),
            u32::try_from(c),
            u32::try_from(i),
        ) {
            (false, Ok(c), Ok(i)) => {
                self.by_hash.insert(h, (c, i));
            }
            _ => {
                self.collided.insert(id.to_owned(), (c, i));
            }
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// One `.txt` file is one document: id from its path, title from its first non-blank line.
fn read_txt(path: &Path, id: &str) -> Result<Record, ReadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| ReadError::Io {
        file: file.clone(),
        error,
    })?;
    if let Some(reason) = encoding::wrong_format(&bytes, &file, false) {
        return Ok(Err(BadRecord {
            file,
            line: 1,
            reason,
        }));
    }
    if bytes.contains(&0) {
        return Ok(Err(BadRecord {
            file,
            line: 1,
            reason: "binary data (NUL bytes), not text".into(),
        }));
    }
    let mut bytes = bytes;
    if bytes.starts_with(encoding::UTF8_BOM) {
        bytes.drain(..encoding::UTF8_BOM.len());
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64;
            return Ok(Err(BadRecord {
                file,
                line,
                reason: format!(
                    "invalid UTF-8 at byte {at}{}",
                    encoding::non_utf8_hint(e.as_bytes())
                ),
            }));
        }
    };
    let title = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .filter(|l| l.chars().count() <= 300)
        .map(str::to_owned);
    Ok(Ok((
        Document {
            id: id.to_owned(),
            source: None,
            date: None,
            title,
            text,
        },
        Origin {
            file: file.into(),
            line: 1,
        },
    )))
}

/// Reads every document into memory (the simple API; `read_with` streams).
pub fn read_all(
    inputs: &[String],
    options: &ReadOptions,
) -> Result<(Vec<(Document, Origin)>, ReadReport), ReadError> {
    let (items, report) = read_with(inputs, options, |doc| doc)?;
    Ok((
        items.into_iter().map(|i| (i.value, i.origin)).collect(),
        report,
    ))
}
