//! A persistent, incremental index for scheduled dedup jobs.
//!
//! Each run checks a batch of new articles against everything indexed before and against each
//! other, then adds the batch in one SQLite transaction, so a job killed at any moment leaves
//! either the whole batch or none of it, and a re-run indexes each document exactly once (ids
//! are unique in the index).
//!
//! ## What is stored, and why
//!
//! One SQLite file (WAL journal, `synchronous = FULL`). Per document: id, source, date, cluster
//! id, the content hash of its kept words (exact duplicates), its shingle count, the low 16 bits
//! of each MinHash value (for the Jaccard estimate: two unequal values agree on 16 bits with
//! probability 2⁻¹⁶, a negligible bias) and its LSH band keys (high 32 bits, so it can be removed
//! without re-signing). The band table maps `band key → document` (WITHOUT ROWID, the lookup
//! path). With [`History::Exact`] the document's shingle set (high 32 bits of each key, sorted)
//! is stored too, so matches against history are verified exactly like `naql cluster` does;
//! that costs about 4 bytes per word. The default, [`History::Estimate`], verifies history
//! matches by the signature estimate and stays under 1 KB per document (BENCHMARKS.md).
//!
//! Parameters, normalization rules and the signature algorithm are stored as JSON in the `meta`
//! table and the file carries `PRAGMA application_id` ("naql") and `PRAGMA user_version` (the
//! format version): [`Index::open`] refuses anything else, and [`Index::check_config`] refuses a
//! configuration that differs from the stored one, so signatures are never mixed.
//! The file format (tables, columns, what each blob holds, how the version is checked) is
//! specified in `src/index/format.rs`; it changes only with [`FORMAT_VERSION`].
//!
//! ## Boilerplate in incremental mode
//!
//! `naql cluster` calls a paragraph boilerplate when it recurs in `boilerplate_min_docs`
//! distinct documents of one source in the corpus. Here the index keeps, per source, how many
//! distinct documents each paragraph (hash, 32 bits) has appeared in; a paragraph is boilerplate
//! for a new document when history plus the batch reach the minimum. Documents indexed before
//! a paragraph reached the minimum keep it in their signatures (their text is not stored).
//!
//! ```
//! use naql::corpus::{Document, Item, Origin};
//! use naql::copy::Config;
//! use naql::index::{DedupOptions, History, Index, Status};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("news.naql");
//! let mut index = Index::create(&path, &Config::default(), History::Estimate).unwrap();
//! let story = "أعلنت وزارة الصحة اليوم عن تسجيل حالات جديدة في عدد من المناطق وأكدت أن \
//!              الفرق الطبية تعمل على مدار الساعة لمتابعة المخالطين";
//! let item = |id: &str, text: String| {
//!     let doc = Document { id: id.into(), source: Some("was".into()), text, ..Document::default() };
//!     Item { id: id.into(), origin: Origin { file: "-".into(), line: 1 }, value: doc }
//! };
//! // Monday's batch.
//! let batch = index.prepare(vec![item("a", story.to_string())]);
//! let out = index.dedup(batch, &DedupOptions::default()).unwrap();
//! assert_eq!(out.verdicts[0].status, Status::New);
//! // Tuesday: a copy with a dateline joins Monday's cluster.
//! let batch = index.prepare(vec![item("b", format!("الرياض - واس: {story}"))]);
//! let out = index.dedup(batch, &DedupOptions::default()).unwrap();
//! assert_eq!(out.verdicts[0].status, Status::ExactDuplicate);
//! assert_eq!(out.verdicts[0].matches[0].id, "a");
//! assert_eq!(index.stats().unwrap().documents, 2);
//! ```

mod batch;
mod error;
mod format;
mod maintain;
mod overlap;
mod passages;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;
use rusqlite::{Connection, OpenFlags, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::copy::{Config, Engine, LshParams, Prepared};
use crate::corpus::{Document, Item};
use crate::error::ConfigError;

pub use self::error::IndexError;
pub use self::format::FORMAT_VERSION;
use self::format::{APPLICATION_ID, SCHEMA, config_from, params_json};
pub use self::passages::{PassageSeeds, Seeder, SharedPassage};

/// How matches against indexed documents are verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum History {
    /// Store each document's shingle set; verify exactly (about 4 bytes more per word).
    Exact,
    /// Verify by the MinHash estimate (k values); the index stays under 1 KB per document.
    Estimate,
}

/// What one new document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Matches nothing indexed (nor anything earlier in the batch): starts a cluster.
    New,
    /// Reaches the threshold with at least one document: joins its cluster.
    Duplicate,
    /// Has the same kept words as a document already seen.
    ExactDuplicate,
    /// Its id is in the index already and no verdict is stored for it (it was added by a naql
    /// that did not store verdicts): nothing is done (re-runs are safe). Documents whose verdict
    /// is stored get that verdict again instead.
    AlreadyIndexed,
    /// Not indexed: no words after normalization.
    Skipped,
}

/// A document this one copies, or is copied by.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// The matched document's id.
    pub id: String,
    /// Its source, if it has one.
    pub source: Option<String>,
    /// Its date, as given.
    pub date: Option<String>,
    /// Jaccard similarity of the two shingle sets (or its estimate), to 4 decimals.
    pub jaccard: f64,
    /// |new ∩ match| / |new|: how much of the new document the match already has.
    pub containment: f64,
    /// `exact` (shingle sets) or `estimate` (MinHash; history without stored shingles).
    pub verified: &'static str,
}

/// [`Match`] as read back from the index, before `verified` becomes a static string.
#[derive(Deserialize)]
struct StoredMatch {
    id: String,
    source: Option<String>,
    date: Option<String>,
    jaccard: f64,
    containment: f64,
    verified: String,
}

impl<'de> Deserialize<'de> for Match {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Match, D::Error> {
        let m = StoredMatch::deserialize(d)?;
        let verified = match m.verified.as_str() {
            "exact" => "exact",
            "estimate" => "estimate",
            other => return Err(serde::de::Error::custom(format!("verified {other:?}"))),
        };
        Ok(Match {
            id: m.id,
            source: m.source,
            date: m.date,
            jaccard: m.jaccard,
            containment: m.containment,
            verified,
        })
    }
}

/// The answer for one input document. It is stored in the index with the document (same
/// transaction), so a re-run of an indexed document gives it again: see [`Index::dedup`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The input document's id.
    pub id: String,
    /// What the document is.
    pub status: Status,
    /// The cluster the document is in after this batch (`None` when skipped).
    pub cluster: Option<u64>,
    /// Clusters this document bridged, now part of `cluster`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<u64>,
    /// Best first (Jaccard, then earlier date, then id); at most
    /// [`DedupOptions::max_matches`] of them.
    pub matches: Vec<Match>,
    /// How many documents it matched in all, when that is more than `matches` lists (only the
    /// best [`DedupOptions::max_matches`] are listed); absent when every match is listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_count: Option<usize>,
    /// The document met more than [`DedupOptions::large_group`] earlier candidates (a story syndicated
    /// or templated thousands of times): it was verified against members of each candidate
    /// cluster only until one matched, plus enough to list [`DedupOptions::max_matches`].
    /// Its cluster is the one verifying every candidate gives; `matches` lists verified
    /// matches, not necessarily the best, and the count of all matches is not known.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sampled: bool,
    /// Why a skipped document was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Options of one dedup run.
#[derive(Clone, Debug)]
pub struct DedupOptions {
    /// Only match documents whose dates lie within this many seconds of the new one's; a
    /// document without a usable date matches nothing when a window is set.
    pub window: Option<i64>,
    /// Query only; add nothing.
    pub dry_run: bool,
    /// List at most this many matches per verdict (the best; `match_count` counts all).
    pub max_matches: usize,
    /// Above this many earlier candidates of the batch under one band key, a document is
    /// linked rather than verified against each ([`LARGE_GROUP`]; see [`Verdict::sampled`]).
    pub large_group: usize,
    /// The same bound for indexed candidates ([`LARGE_HISTORY`]).
    pub large_history: usize,
}

impl Default for DedupOptions {
    fn default() -> Self {
        DedupOptions {
            window: None,
            dry_run: false,
            max_matches: DEFAULT_MAX_MATCHES,
            large_group: LARGE_GROUP,
            large_history: LARGE_HISTORY,
        }
    }
}

/// Above this many earlier candidates in one band of the batch (or [`LARGE_HISTORY`] in
/// the index), a new document is linked, not fully verified: see [`Verdict::sampled`]. It
/// keeps candidates, verification and verdicts near-linear in the size of a group of
/// near-copies.
pub const LARGE_GROUP: usize = 256;

/// The index-side bound of [`LARGE_GROUP`]: indexed documents under one band key.
pub const LARGE_HISTORY: usize = 20_000;

/// How many matches a verdict lists by default ([`DedupOptions::max_matches`]).
pub const DEFAULT_MAX_MATCHES: usize = 10;

/// The result of one dedup run.
#[derive(Clone, Debug, Default)]
pub struct BatchOutcome {
    /// One per input document, in input order.
    pub verdicts: Vec<Verdict>,
    /// Documents added to the index (0 on a dry run).
    pub added: usize,
    /// Documents indexed before whose stored verdict was given again.
    pub replayed: usize,
    /// Boilerplate paragraphs left out of the new documents' signatures, in all.
    pub boilerplate_removed: usize,
}

/// What `naql index stats` shows.
#[derive(Clone, Debug, Serialize)]
pub struct IndexStats {
    /// The file's format version ([`FORMAT_VERSION`]; no other opens).
    pub format_version: i64,
    /// Documents indexed.
    pub documents: u64,
    /// Clusters of two or more documents.
    pub clusters: u64,
    /// Documents in those clusters.
    pub clustered: u64,
    /// Distinct sources.
    pub sources: u64,
    /// Dedup runs that added documents.
    pub batches: u64,
    /// The date of the earliest dated document, as given.
    pub first_date: Option<String>,
    /// The date of the latest dated document, as given.
    pub last_date: Option<String>,
    /// Rows of the LSH band table.
    pub band_rows: u64,
    /// (source, paragraph) pairs counted for boilerplate.
    pub boilerplate_paragraphs_tracked: u64,
    /// The database file plus its write-ahead log, if any.
    pub file_bytes: u64,
    /// `file_bytes / documents` (`None` when empty).
    pub bytes_per_document: Option<f64>,
    /// The stored parameters: the `meta.params` JSON of the on-disk format.
    pub params: Value,
}

/// One document as `naql index export` writes it.
#[derive(Clone, Debug, Serialize)]
pub struct Exported {
    /// The document's id.
    pub id: String,
    /// Its source, if it has one.
    pub source: Option<String>,
    /// Its date, as given.
    pub date: Option<String>,
    /// The cluster it is in.
    pub cluster: u64,
    /// The dedup run that added it (`batches.id`).
    pub batch: u64,
    /// Distinct shingles of its kept words.
    pub shingles: u64,
}

/// How the index file is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Queries only (stats, export, check, dry runs).
    ReadOnly,
    /// Adds or removes documents; refused when the file is not writable.
    ReadWrite,
}

/// An open index. See the module docs.
pub struct Index {
    conn: Connection,
    path: PathBuf,
    engine: Engine,
    lsh: LshParams,
    history: History,
    wait: Duration,
}

/// Documents after preparing (see [`Index::prepare`]), ready for [`Index::dedup`].
pub struct PreparedBatch(Vec<Item<Prepared>>);

impl From<Vec<Item<Prepared>>> for PreparedBatch {
    fn from(items: Vec<Item<Prepared>>) -> Self {
        PreparedBatch(items)
    }
}

/// `7d`, `12h`, `2w`, `30m`, `45s` → seconds (a number alone is days), for
/// [`DedupOptions::window`]. The error names the parameter `window`, and its message shows the
/// text (trimmed): `window "7x": unit must be s, m, h, d or w`.
pub fn parse_window(s: &str) -> Result<i64, ConfigError> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num.parse().map_err(|_| {
        ConfigError::new(
            "window",
            format!("{s:?}: expected a number and a unit, like 7d"),
        )
    })?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" | "" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(ConfigError::new(
                "window",
                format!("{s:?}: unit must be s, m, h, d or w"),
            ));
        }
    };
    Ok(n * unit)
}

/// Opens the file and reads its `application_id` (the first read, which is when SQLite needs
/// `FILE-shm`).
///
/// Readers open read-write too when the file allows it (SQLite falls back to read-only by
/// itself): the last connection to close, reader or not, then folds the write-ahead log into
/// the file and removes it, so the index stays one file at rest. Reading never writes anything
/// else. Where `FILE-shm` cannot be created (a read-only directory or file system), a reader
/// opens the file immutable instead — safe when no write-ahead log is waiting to be folded in
/// (no writer can be at work there either: it would need the same files); when one is, the
/// error says so ([`IndexError::SharedMemory`]).
fn connect(path: &Path, access: Access, wait: Duration) -> rusqlite::Result<(Connection, i64)> {
    let probe = |conn: Connection| -> rusqlite::Result<(Connection, i64)> {
        conn.busy_timeout(wait)?;
        let app = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        Ok((conn, app))
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let first = Connection::open_with_flags(path, flags).and_then(probe);
    let cannot_open = |e: &rusqlite::Error| {
        matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
        )
    };
    match first {
        Err(e) if access == Access::ReadOnly && cannot_open(&e) => {
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                return Err(read_only());
            }
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            Connection::open_with_flags(immutable_uri(path), flags).and_then(probe)
        }
        Err(e) if cannot_open(&e) => {
            // A writer: if the file reads immutable, what failed is writing beside it.
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            match Connection::open_with_flags(immutable_uri(path), flags).and_then(probe) {
                Ok(_) => Err(read_only()),
                Err(_) => Err(e),
            }
        }
        other => other,
    }
}

/// SQLite's "read-only" error, which [`IndexError::from_sqlite`] maps onto
/// [`IndexError::ReadOnly`] (and `Index::open` onto [`IndexError::SharedMemory`] for readers).
fn read_only() -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
        None,
    )
}

/// `file:PATH?immutable=1`, the path percent-encoded where a URI needs it.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

impl Index {
    /// Creates a new index file (never overwrites one). The file appears complete or not at
    /// all: it is built beside `path` and linked into place.
    pub fn create(path: &Path, config: &Config, history: History) -> Result<Index, IndexError> {
        let p = path.to_path_buf();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(IndexError::NoDirectory(dir));
        }
        if path.exists() {
            return Err(IndexError::Exists(p));
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let tmp = dir.join(format!(".{name}.naql-new-{}", std::process::id()));
        let lsh = config.lsh();
        let built = (|| -> Result<(), IndexError> {
            let sql = |e| IndexError::from_sqlite(path, e, Duration::ZERO);
            let conn = Connection::open(&tmp).map_err(sql)?;
            conn.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {FORMAT_VERSION};"
            ))
            .map_err(sql)?;
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(sql)?;
            conn.execute_batch(SCHEMA).map_err(sql)?;
            let put = |k: &str, v: &dyn rusqlite::ToSql| {
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES (?1, ?2)",
                    params![k, v],
                )
            };
            put("params", &params_json(config, &lsh, history).to_string()).map_err(sql)?;
            put("next_cluster", &1i64).map_err(sql)?;
            put("naql_version", &env!("CARGO_PKG_VERSION")).map_err(sql)?;
            put("date_reader", &format::DATE_READER).map_err(sql)?;
            conn.close().map_err(|(_, e)| sql(e))?;
            std::fs::hard_link(&tmp, path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    IndexError::Exists(p.clone())
                } else {
                    IndexError::Io(p.clone(), e)
                }
            })
        })();
        let _ = std::fs::remove_file(&tmp);
        built?;
        Index::open(path, Access::ReadWrite, Duration::from_secs(5))
    }

    /// Opens an index, checking that it is one, its format version and its parameters.
    /// `wait` bounds how long a write waits for another job holding the index.
    pub fn open(path: &Path, access: Access, wait: Duration) -> Result<Index, IndexError> {
        let p = path.to_path_buf();
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(IndexError::Missing(p));
            }
            Err(e) => return Err(IndexError::Io(p, e)),
            Ok(m) if !m.is_file() => {
                return Err(IndexError::NotAnIndex(p, "not a regular file".into()));
            }
            Ok(_) => {}
        }
        let sql = |e| match IndexError::from_sqlite(path, e, wait) {
            IndexError::ReadOnly(p) if access == Access::ReadOnly => IndexError::SharedMemory(p),
            other => other,
        };
        let (conn, app) = connect(path, access, wait).map_err(sql)?;
        if app != APPLICATION_ID {
            return Err(IndexError::NotAnIndex(
                p,
                "an SQLite database, but not one naql made".into(),
            ));
        }
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql)?;
        if version == 1 {
            return Err(IndexError::OldNormalization(p));
        }
        if version != FORMAT_VERSION {
            return Err(IndexError::UnknownVersion(p, version));
        }
        if access == Access::ReadWrite && conn.is_readonly("main").map_err(sql)? {
            return Err(IndexError::ReadOnly(p));
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sql)?;
        let raw: String = conn
            .query_row("SELECT value FROM meta WHERE key = 'params'", [], |r| {
                r.get(0)
            })
            .map_err(sql)?;
        let stored: Value = serde_json::from_str(&raw)
            .map_err(|e| IndexError::NotAnIndex(p.clone(), format!("stored params: {e}")))?;
        let (config, lsh, history) = config_from(&p, &stored)?;
        // The same bounds as the command line: a hand-edited or hostile file (num_perm 10^12,
        // shingles of 0 words) is refused here rather than spinning or misbehaving later.
        config.validate().map_err(|e| {
            IndexError::Mismatch(
                p.clone(),
                format!("stored parameters out of bounds: {e}; rebuild the index"),
            )
        })?;
        Ok(Index {
            conn,
            path: p,
            engine: Engine::new(config),
            lsh,
            history,
            wait,
        })
    }

    /// The configuration the index was created with.
    pub fn config(&self) -> &Config {
        &self.engine.config
    }

    /// How matches against the indexed documents are verified (fixed at creation).
    pub fn history(&self) -> History {
        self.history
    }

    /// Refuses a configuration whose signatures or bands would differ from the stored ones.
    pub fn check_config(&self, wanted: &Config) -> Result<(), IndexError> {
        let have = params_json(self.config(), &self.lsh, self.history);
        let want = params_json(wanted, &wanted.lsh(), self.history);
        let mut diffs = Vec::new();
        for (k, v) in want.as_object().expect("an object") {
            if have.get(k) != Some(v) {
                diffs.push(format!("{k} {} (asked {v})", have[k]));
            }
        }
        if diffs.is_empty() {
            return Ok(());
        }
        Err(IndexError::Mismatch(
            self.path.clone(),
            format!(
                "the index was made with other parameters: {}; its signatures cannot be mixed \
                 with these (build another index, or drop the options)",
                diffs.join(", ")
            ),
        ))
    }

    /// Normalizes and shingles documents (in parallel) for [`Index::dedup`].
    pub fn prepare(&self, docs: Vec<Item<Document>>) -> PreparedBatch {
        let engine = &self.engine;
        PreparedBatch(
            docs.into_par_iter()
                .map(|it| Item {
                    id: it.id,
                    origin: it.origin,
                    value: engine.prepare(it.value),
                })
                .collect(),
        )
    }

    /// The engine that prepares documents for this index (for streaming readers).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn sql(&self, e: rusqlite::Error) -> IndexError {
        IndexError::from_sqlite(&self.path, e, self.wait)
    }

    /// The index file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_with_units() {
        assert_eq!(parse_window("7d"), Ok(7 * 86_400));
        assert_eq!(parse_window("12h"), Ok(12 * 3600));
        assert_eq!(parse_window("2w"), Ok(14 * 86_400));
        assert!(parse_window("7 days").is_err());
        assert!(parse_window("d").is_err());
        let e = parse_window("7x").unwrap_err();
        assert_eq!(e.param, "window");
        assert_eq!(
            e.to_string(),
            r#"window "7x": unit must be s, m, h, d or w"#
        );
        assert_eq!(
            parse_window(" x ").unwrap_err().to_string(),
            r#"window "x": expected a number and a unit, like 7d"#
        );
    }
}
