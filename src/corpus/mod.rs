//! Documents and the readers that bring them in: JSONL (plain or gzip, also from stdin) and
//! directories of `.txt` files, with field names detected or given.
//!
//! Reading is streamed: one thread decompresses and cuts the input into chunks of whole lines,
//! and the rayon pool parses them (and whatever the caller does next) in parallel. Results come
//! back in input order, so everything downstream is deterministic.
//!
//! Every bad record is reported with its file and line; with `skip_bad` it is set aside with a
//! reason instead of stopping the run, so every line of input is accounted for.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

use rayon::prelude::*;

/// One article.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub id: String,
    pub source: Option<String>,
    pub date: Option<String>,
    pub title: Option<String>,
    pub text: String,
}

/// Where a record came from: file (or `-`) and 1-based line (files of a directory: line 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: u64,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A record that could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BadRecord {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for BadRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

/// An input that could not be read at all, or a bad record when not skipping.
#[derive(Debug)]
pub enum ReadError {
    Bad(BadRecord),
    Io { file: String, error: io::Error },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Bad(b) => write!(f, "{b}"),
            ReadError::Io { file, error } => write!(f, "{file}: {error}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// Field names to read. `None` means: detect from the candidates below, per record.
#[derive(Clone, Debug, Default)]
pub struct FieldMap {
    pub id: Option<String>,
    pub text: Option<String>,
    pub source: Option<String>,
    pub date: Option<String>,
    pub title: Option<String>,
}

pub const ID_FIELDS: &[&str] = &["id", "doc_id", "docid", "docno", "_id", "uuid", "guid"];
pub const TEXT_FIELDS: &[&str] = &[
    "text",
    "content",
    "body",
    "article",
    "full_text",
    "fulltext",
];
pub const SOURCE_FIELDS: &[&str] = &["source", "outlet", "src", "site", "publisher", "domain"];
pub const DATE_FIELDS: &[&str] = &[
    "date",
    "published",
    "published_at",
    "pubdate",
    "date_published",
    "datetime",
    "time",
    "timestamp",
    "date_extracted",
    "created_at",
];
pub const TITLE_FIELDS: &[&str] = &["title", "headline"];

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
}

impl fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadOptions")
            .field("fields", &self.fields)
            .field("skip_bad", &self.skip_bad)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What reading accounted for besides the documents.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ReadReport {
    /// Records set aside (only with `skip_bad`).
    pub skipped: Vec<BadRecord>,
    /// Files in input directories that are not `.txt` and were not read.
    pub ignored_files: Vec<String>,
}

/// A record as read: a document, or why there is none.
pub type Record = Result<(Document, Origin), BadRecord>;

const CHUNK_BYTES: usize = 1 << 20;

/// Kinds of input, decided from the path.
enum Input {
    Stdin,
    Jsonl(PathBuf),
    Gzip(PathBuf),
    Dir(PathBuf),
    Txt(PathBuf),
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
    } else {
        Input::Jsonl(p)
    }
}

/// One document as read and processed: its id, where it came from, and what `process` made of it.
pub struct Item<U> {
    pub id: String,
    pub origin: Origin,
    pub value: U,
}

/// Items for documents already in memory, `process`ed in parallel; their origin is `-` and
/// their position (from 1), as if they had come on stdin.
pub fn items_in_memory<U, F>(docs: Vec<Document>, process: F) -> Vec<Item<U>>
where
    U: Send,
    F: Fn(Document) -> U + Sync + Send,
{
    use rayon::prelude::*;
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
    let mut chunks: Vec<Vec<Result<Item<U>, BadRecord>>> = Vec::new();
    let mut report = ReadReport::default();
    let run = |records: Vec<Record>| -> Vec<Result<Item<U>, BadRecord>> {
        records
            .into_iter()
            .map(|r| {
                r.map(|(doc, origin)| Item {
                    id: doc.id.clone(),
                    origin,
                    value: process(doc),
                })
            })
            .collect()
    };
    for path in inputs {
        match classify(path) {
            Input::Dir(dir) => {
                let mut files = Vec::new();
                walk(&dir, &mut files).map_err(|error| ReadError::Io {
                    file: dir.display().to_string(),
                    error,
                })?;
                files.sort();
                let (txt, other): (Vec<_>, Vec<_>) = files
                    .into_iter()
                    .partition(|f| f.extension().is_some_and(|e| e == "txt"));
                report
                    .ignored_files
                    .extend(other.iter().map(|f| f.display().to_string()));
                for batch in txt.chunks(256) {
                    let records = batch
                        .par_iter()
                        .map(|f| {
                            let id = f.strip_prefix(&dir).unwrap_or(f);
                            read_txt(f, &id.to_string_lossy()).map(|r| run(vec![r]))
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    chunks.extend(records);
                }
            }
            Input::Txt(f) => {
                let name = f.to_string_lossy().into_owned();
                let id = f
                    .file_name()
                    .map_or(name.clone(), |n| n.to_string_lossy().into_owned());
                chunks.push(run(vec![read_txt(&f, &id)?]));
            }
            Input::Stdin => {
                chunks.extend(read_jsonl(io::stdin(), "-", options, &run)?);
            }
            Input::Jsonl(p) | Input::Gzip(p) => {
                let name = p.display().to_string();
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
                    chunks.extend(read_jsonl(gz, &name, options, &run)?);
                } else {
                    chunks.extend(read_jsonl(counted, &name, options, &run)?);
                }
            }
        }
    }
    if let Some(p) = &options.progress {
        p.finish();
    }
    // Duplicate ids: the first occurrence wins; a later one is an error (or set aside).
    let mut items = Vec::new();
    let mut first_seen: HashMap<String, Origin> = HashMap::new();
    for r in chunks.into_iter().flatten() {
        match r {
            Ok(item) => {
                if let Some(first) = first_seen.get(&item.id) {
                    let bad = BadRecord {
                        file: item.origin.file.clone(),
                        line: item.origin.line,
                        reason: format!("duplicate id {:?} (first at {first})", item.id),
                    };
                    if !options.skip_bad {
                        return Err(ReadError::Bad(bad));
                    }
                    report.skipped.push(bad);
                } else {
                    first_seen.insert(item.id.clone(), item.origin.clone());
                    items.push(item);
                }
            }
            // Bad `.txt` files come here whether or not bad records are skipped.
            Err(b) if !options.skip_bad => return Err(ReadError::Bad(b)),
            Err(b) => report.skipped.push(b),
        }
    }
    Ok((items, report))
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
    if bytes.contains(&0) {
        return Ok(Err(BadRecord {
            file,
            line: 1,
            reason: "binary data (NUL bytes), not text".into(),
        }));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() as u64;
            return Ok(Err(BadRecord {
                file,
                line,
                reason: format!("invalid UTF-8 at byte {at}"),
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
        Origin { file, line: 1 },
    )))
}

/// Tells [`ReadOptions::progress`] of the bytes read.
struct Counted<R> {
    inner: R,
    progress: Option<std::sync::Arc<dyn Progress>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = &self.progress {
            p.advance(n as u64);
        }
        Ok(n)
    }
}

struct Chunk {
    first_line: u64,
    bytes: Vec<u8>,
    /// The read error that ended the input after this chunk, if any.
    error: Option<io::Error>,
}

/// Cuts `reader` into chunks of whole lines on a separate thread and processes them on the pool.
fn read_jsonl<R, T, F>(
    mut reader: R,
    file: &str,
    options: &ReadOptions,
    process: &F,
) -> Result<Vec<T>, ReadError>
where
    R: Read + Send,
    T: Send,
    F: Fn(Vec<Record>) -> T + Sync,
{
    let (tx, rx) = sync_channel::<Chunk>(4);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut carry: Vec<u8> = Vec::new();
            let mut line = 1u64;
            loop {
                let mut buf = std::mem::take(&mut carry);
                let start = buf.len();
                buf.resize(start + CHUNK_BYTES, 0);
                let mut filled = start;
                let mut error = None;
                // Fill the buffer (a decoder may return short reads).
                while filled < buf.len() {
                    match reader.read(&mut buf[filled..]) {
                        Ok(0) => break,
                        Ok(n) => filled += n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            error = Some(e);
                            break;
                        }
                    }
                }
                buf.truncate(filled);
                let at_end = filled < start + CHUNK_BYTES || error.is_some();
                if !at_end {
                    // Keep the partial last line for the next chunk; a line longer than a chunk
                    // just makes this chunk grow. The carry has no newline, so only the newly
                    // read bytes are searched (rescanning it made long lines quadratic).
                    match buf[start..].iter().rposition(|&b| b == b'\n') {
                        Some(nl) => carry = buf.split_off(start + nl + 1),
                        None => {
                            carry = buf;
                            continue;
                        }
                    }
                }
                let lines = buf.iter().filter(|&&b| b == b'\n').count() as u64;
                let chunk = Chunk {
                    first_line: line,
                    bytes: buf,
                    error,
                };
                line += lines;
                if tx.send(chunk).is_err() || at_end {
                    break;
                }
            }
        });
        let parsed: Vec<(usize, Result<T, ReadError>)> = rx
            .into_iter()
            .enumerate()
            .par_bridge()
            .map(|(i, chunk)| (i, parse_chunk(chunk, file, options).map(process)))
            .collect();
        let mut parsed = parsed;
        parsed.sort_by_key(|(i, _)| *i);
        parsed.into_iter().map(|(_, r)| r).collect()
    })
}

fn parse_chunk(chunk: Chunk, file: &str, options: &ReadOptions) -> Result<Vec<Record>, ReadError> {
    let mut records = Vec::new();
    let lookup = FieldLookup::new(&options.fields);
    let mut line_no = chunk.first_line;
    let ends_cleanly = chunk.bytes.last().is_none_or(|&b| b == b'\n');
    let mut lines: Vec<&[u8]> = chunk.bytes.split(|&b| b == b'\n').collect();
    if ends_cleanly {
        lines.pop(); // the empty piece after the final newline
    }
    let last = lines.len();
    for (i, line) in lines.into_iter().enumerate() {
        let result = match &chunk.error {
            Some(e) if i + 1 == last && !ends_cleanly => Err(format!(
                "input ends in the middle of this line (truncated file: {e})"
            )),
            _ => parse_record(line, file, line_no, &lookup),
        };
        match result {
            Ok(Some(doc)) => records.push(Ok((
                doc,
                Origin {
                    file: file.to_owned(),
                    line: line_no,
                },
            ))),
            Ok(None) => {}
            Err(reason) => {
                let bad = BadRecord {
                    file: file.to_owned(),
                    line: line_no,
                    reason,
                };
                if !options.skip_bad {
                    return Err(ReadError::Bad(bad));
                }
                records.push(Err(bad));
            }
        }
        line_no += 1;
    }
    // After a cut line the error is already reported with it; else it is a record of its own.
    if let Some(error) = chunk.error.filter(|_| ends_cleanly) {
        let bad = BadRecord {
            file: file.to_owned(),
            line: line_no,
            reason: format!("cannot read further: {error}"),
        };
        if !options.skip_bad {
            return Err(ReadError::Bad(bad));
        }
        records.push(Err(bad));
    }
    Ok(records)
}

/// One JSON line → a document; `Ok(None)` for a blank line.
#[cfg(test)]
fn parse_line(
    line: &[u8],
    file: &str,
    line_no: u64,
    fields: &FieldMap,
) -> Result<Option<Document>, String> {
    parse_record(line, file, line_no, &FieldLookup::new(fields))
}

/// One JSON line → a document; `Ok(None)` for a blank line.
fn parse_record(
    line: &[u8],
    file: &str,
    line_no: u64,
    lookup: &FieldLookup,
) -> Result<Option<Document>, String> {
    let fields = lookup.fields;
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    if line.contains(&0) {
        return Err("binary data (NUL bytes), not JSON".into());
    }
    // simdutf8 validates Arabic text many times faster than std; std then locates an error.
    let text = simdutf8::basic::from_utf8(line).map_err(|_| {
        // Control bytes (not JSON whitespace) in invalid UTF-8: binary, not another encoding.
        if line.iter().any(|&b| b < 0x20 && b != b'\t' && b != b'\r') {
            return "binary data (control bytes), not JSON".to_string();
        }
        let at = std::str::from_utf8(line).map_or_else(|e| e.valid_up_to(), |_| 0);
        format!("invalid UTF-8 at byte {at} of the line")
    })?;
    let mut found = Found::default();
    let seed = RecordSeed {
        lookup,
        found: &mut found,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    serde::de::DeserializeSeed::deserialize(seed, &mut de)
        .and_then(|()| de.end())
        .map_err(|e| {
            if e.is_data() {
                "expected a JSON object".to_string()
            } else {
                format!("malformed JSON: {e}")
            }
        })?;
    let [id, text, source, date, title] = found
        .values
        .map(|v| v.map(|(role, rank, value)| (lookup.name(role, rank), value)));
    let body = match text {
        Some((_, Scalar::Str(s))) => s,
        Some((_, Scalar::Null)) => String::new(),
        Some((name, _)) => return Err(format!("field {name:?} is not a string")),
        None => {
            return Err(match &fields.text {
                Some(name) => format!("no field {name:?}"),
                None => format!(
                    "no text field (looked for {}; name it with --text-field)",
                    TEXT_FIELDS.join(", ")
                ),
            });
        }
    };
    let id = match id {
        Some((_, Scalar::Str(s))) if !s.is_empty() => s,
        Some((_, Scalar::Num(n))) => n,
        Some((name, _)) => return Err(format!("field {name:?} is not a usable id")),
        None if fields.id.is_some() => {
            return Err(format!("no field {:?}", fields.id.as_deref().unwrap_or("")));
        }
        None => format!("{file}:{line_no}"),
    };
    let optional =
        |v: Option<(String, Scalar)>, given: &Option<String>| -> Result<Option<String>, String> {
            match v {
                Some((_, Scalar::Str(s))) if !s.trim().is_empty() => Ok(Some(s)),
                Some((_, Scalar::Num(n))) => Ok(Some(n)),
                Some(_) => Ok(None),
                None => match given {
                    Some(name) => Err(format!("no field {name:?}")),
                    None => Ok(None),
                },
            }
        };
    Ok(Some(Document {
        id,
        source: optional(source, &fields.source)?,
        date: optional(date, &fields.date)?,
        title: optional(title, &fields.title)?,
        text: body,
    }))
}

/// The fields a record can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Id,
    Text,
    Source,
    Date,
    Title,
}

const ROLES: [(Role, &[&str]); 5] = [
    (Role::Id, ID_FIELDS),
    (Role::Text, TEXT_FIELDS),
    (Role::Source, SOURCE_FIELDS),
    (Role::Date, DATE_FIELDS),
    (Role::Title, TITLE_FIELDS),
];

/// Per role: the value found so far, with the role, its rank among the candidates and the value.
#[derive(Default)]
struct Found {
    values: [Option<(Role, usize, Scalar)>; 5],
}

/// Which roles each field name fills (and at which rank among the candidates), built once per
/// chunk so that each key of a record costs one hash lookup.
struct FieldLookup<'a> {
    fields: &'a FieldMap,
    roles: HashMap<&'a str, Vec<(Role, usize)>>,
}

impl<'a> FieldLookup<'a> {
    fn new(fields: &'a FieldMap) -> Self {
        let mut roles: HashMap<&'a str, Vec<(Role, usize)>> = HashMap::new();
        for (role, candidates) in ROLES {
            match fields.given(role) {
                Some(name) => roles.entry(name).or_default().push((role, 0)),
                None => {
                    for (rank, c) in candidates.iter().enumerate() {
                        roles.entry(c).or_default().push((role, rank));
                    }
                }
            }
        }
        FieldLookup { fields, roles }
    }

    /// The field name behind a role's value, for messages.
    fn name(&self, role: Role, rank: usize) -> String {
        match self.fields.given(role) {
            Some(name) => name.to_string(),
            None => ROLES[role as usize].1[rank].to_string(),
        }
    }
}

impl FieldMap {
    fn given(&self, role: Role) -> Option<&str> {
        match role {
            Role::Id => self.id.as_deref(),
            Role::Text => self.text.as_deref(),
            Role::Source => self.source.as_deref(),
            Role::Date => self.date.as_deref(),
            Role::Title => self.title.as_deref(),
        }
    }
}

/// Parses one JSON object in a single pass, keeping only the fields some role wants and
/// skipping the rest unparsed; for detected fields the earliest candidate in the list wins.
struct RecordSeed<'a> {
    lookup: &'a FieldLookup<'a>,
    found: &'a mut Found,
}

impl<'de> serde::de::DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for RecordSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            // Wanted: the role is still empty, or this field ranks before the one found.
            let wanted = |found: &[Option<(Role, usize, Scalar)>; 5], role: Role, rank: usize| {
                found[role as usize]
                    .as_ref()
                    .is_none_or(|(_, r, _)| rank < *r)
            };
            let roles = self.lookup.roles.get(key.0.as_ref());
            let any = roles.is_some_and(|r| {
                r.iter()
                    .any(|&(role, rank)| wanted(&self.found.values, role, rank))
            });
            if !any {
                map.next_value::<serde::de::IgnoredAny>()?;
                continue;
            }
            let value: Scalar = map.next_value()?;
            for &(role, rank) in roles.into_iter().flatten() {
                if wanted(&self.found.values, role, rank) {
                    self.found.values[role as usize] = Some((role, rank, value.clone()));
                }
            }
        }
        Ok(())
    }
}

/// A map key, borrowed from the line when it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// A field's value as far as naql cares: text, a number (kept as written), null, or other.
#[derive(Clone)]
enum Scalar {
    Str(String),
    Num(String),
    Null,
    Other,
}

impl<'de> serde::Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Str(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v.to_string()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Scalar, A::Error> {
                while s.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Scalar, A::Error> {
                while m
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Other)
            }
        }
        d.deserialize_any(V)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_common_field_names() {
        let d = parse_line(
            r#"{"docno": 7, "src": "bbc", "time": "2018-02-01", "headline": "h", "content": "نص"}"#
                .as_bytes(),
            "f",
            1,
            &FieldMap::default(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(d.id, "7");
        assert_eq!(d.source.as_deref(), Some("bbc"));
        assert_eq!(d.date.as_deref(), Some("2018-02-01"));
        assert_eq!(d.title.as_deref(), Some("h"));
        assert_eq!(d.text, "نص");
    }

    #[test]
    fn explains_bad_lines() {
        let f = FieldMap::default();
        let err = |l: &[u8]| parse_line(l, "f", 3, &f).unwrap_err();
        assert!(err(b"{\"text\": ").starts_with("malformed JSON"));
        assert!(err(b"{\"title\": \"x\"}").starts_with("no text field"));
        assert!(err(b"[1,2]").contains("JSON object"));
        assert!(err(b"{\"text\": 5}").contains("not a string"));
        assert!(err(b"\x00\x01\x02").contains("binary"));
        assert!(err(b"{\"text\": \"\xff\"}").contains("UTF-8"));
        assert_eq!(parse_line(b"  \r", "f", 1, &f), Ok(None));
    }

    #[test]
    fn missing_id_falls_back_to_file_and_line() {
        let d = parse_line(br#"{"text": "x"}"#, "a.jsonl", 9, &FieldMap::default())
            .unwrap()
            .unwrap();
        assert_eq!(d.id, "a.jsonl:9");
    }
}
