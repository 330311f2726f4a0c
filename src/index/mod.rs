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

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use serde_json::{Value, json};

use crate::copy::{self as dedup, Config, Engine, Prepared, Verify};
use crate::copy::{ALGORITHM, LshParams, Overlap, Shingling, Signature, Signer};
use crate::corpus::{Document, Item};
use crate::text::NormalizeOptions;

/// The version of the file layout; [`Index::open`] refuses any other.
pub const FORMAT_VERSION: i64 = 1;
/// `PRAGMA application_id` of a naql index: "naql" in ASCII.
const APPLICATION_ID: i64 = 0x6e61_716c;

/// How matches against indexed documents are verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum History {
    /// Store each document's shingle set; verify exactly (about 4 bytes more per word).
    Exact,
    /// Verify by the MinHash estimate (k values); the index stays under 1 KB per document.
    Estimate,
}

/// Why an index could not be used. Each message names the file.
#[derive(Debug)]
pub enum IndexError {
    Missing(PathBuf),
    NoDirectory(PathBuf),
    Exists(PathBuf),
    NotAnIndex(PathBuf, String),
    UnknownVersion(PathBuf, i64),
    Mismatch(PathBuf, String),
    Busy(PathBuf, Duration),
    ReadOnly(PathBuf),
    /// Reading needs `FILE-shm` beside the index (SQLite's WAL index), which cannot be created.
    SharedMemory(PathBuf),
    Full(PathBuf),
    Sqlite(PathBuf, rusqlite::Error),
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use IndexError::*;
        match self {
            Missing(p) => write!(
                f,
                "{}: no index there (create one with `naql index create {}`)",
                p.display(),
                p.display()
            ),
            NoDirectory(p) => write!(f, "{}: the directory does not exist", p.display()),
            Exists(p) => write!(f, "{}: already exists; not overwriting it", p.display()),
            NotAnIndex(p, why) => write!(f, "{}: not a naql index ({why})", p.display()),
            UnknownVersion(p, v) => write!(
                f,
                "{}: index format version {v}, this naql reads version {FORMAT_VERSION} only",
                p.display()
            ),
            Mismatch(p, what) => write!(f, "{}: {what}", p.display()),
            Busy(p, waited) => write!(
                f,
                "{}: in use by another job; gave up after waiting {} s (see --wait)",
                p.display(),
                waited.as_secs_f64()
            ),
            ReadOnly(p) => write!(
                f,
                "{}: the index is read-only (file or directory not writable); nothing was added",
                p.display()
            ),
            SharedMemory(p) => write!(
                f,
                "{}: cannot read the index without write access to its directory: SQLite \
                 keeps a shared-memory file ({}-shm) beside it while it is open; copy the index \
                 elsewhere or ask for access",
                p.display(),
                p.display()
            ),
            Full(p) => write!(
                f,
                "{}: cannot write (disk full, file size limit or I/O error); nothing was changed",
                p.display()
            ),
            Sqlite(p, e) => write!(f, "{}: {e}", p.display()),
            Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

impl std::error::Error for IndexError {}

impl IndexError {
    /// Maps SQLite's error codes onto the cases a user can act on.
    fn from_sqlite(path: &Path, e: rusqlite::Error, wait: Duration) -> IndexError {
        let p = path.to_path_buf();
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                IndexError::Busy(p, wait)
            }
            Some(ErrorCode::ReadOnly) => IndexError::ReadOnly(p),
            Some(ErrorCode::DiskFull) => IndexError::Full(p),
            Some(ErrorCode::NotADatabase) => {
                IndexError::NotAnIndex(p, "not an SQLite database".into())
            }
            // SQLite reports a refused write (EFBIG past a file size limit, EIO) as an I/O error.
            Some(ErrorCode::SystemIoFailure) => IndexError::Full(p),
            _ => IndexError::Sqlite(p, e),
        }
    }
}

/// What one new document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Matches nothing indexed (nor anything earlier in the batch): starts a cluster.
    New,
    /// Reaches the threshold with at least one document: joins its cluster.
    Duplicate,
    /// Has the same kept words as a document already seen.
    ExactDuplicate,
    /// Its id is in the index already: nothing is done (re-runs are safe).
    AlreadyIndexed,
    /// Not indexed: no words after normalization.
    Skipped,
}

/// A document this one copies, or is copied by.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    pub id: String,
    pub source: Option<String>,
    pub date: Option<String>,
    pub jaccard: f64,
    /// |new ∩ match| / |new|: how much of the new document the match already has.
    pub containment: f64,
    /// `exact` (shingle sets) or `estimate` (MinHash; history without stored shingles).
    pub verified: &'static str,
}

/// The answer for one input document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub id: String,
    pub status: Status,
    /// The cluster the document is in after this batch (`None` when skipped).
    pub cluster: Option<u64>,
    /// Clusters this document bridged, now part of `cluster`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<u64>,
    /// Best first (Jaccard, then earlier date, then id).
    pub matches: Vec<Match>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Options of one dedup run.
#[derive(Clone, Debug, Default)]
pub struct DedupOptions {
    /// Only match documents whose dates lie within this many seconds of the new one's; a
    /// document without a usable date matches nothing when a window is set.
    pub window: Option<i64>,
    /// Query only; add nothing.
    pub dry_run: bool,
}

/// The result of one dedup run.
#[derive(Clone, Debug, Default)]
pub struct BatchOutcome {
    /// One per input document, in input order.
    pub verdicts: Vec<Verdict>,
    /// Documents added to the index (0 on a dry run).
    pub added: usize,
    pub boilerplate_removed: usize,
}

/// What `naql index stats` shows.
#[derive(Clone, Debug, Serialize)]
pub struct IndexStats {
    pub format_version: i64,
    pub documents: u64,
    /// Clusters of two or more documents.
    pub clusters: u64,
    pub clustered: u64,
    pub sources: u64,
    pub batches: u64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub band_rows: u64,
    pub boilerplate_paragraphs_tracked: u64,
    /// The database file plus its write-ahead log, if any.
    pub file_bytes: u64,
    pub bytes_per_document: Option<f64>,
    pub params: Value,
}

/// One document as `naql index export` writes it.
#[derive(Clone, Debug, Serialize)]
pub struct Exported {
    pub id: String,
    pub source: Option<String>,
    pub date: Option<String>,
    pub cluster: u64,
    pub batch: u64,
    pub shingles: u64,
}

/// How the index file is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
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

/// A document after preparing, ready for [`Index::dedup`].
pub struct PreparedBatch(Vec<Item<Prepared>>);

impl From<Vec<Item<Prepared>>> for PreparedBatch {
    fn from(items: Vec<Item<Prepared>>) -> Self {
        PreparedBatch(items)
    }
}

/// A new document after boilerplate removal and signing.
struct Fresh {
    item: usize,
    id: String,
    source: Option<String>,
    date: Option<String>,
    epoch: Option<i64>,
    signature: Signature,
    content: (u64, usize),
    set: Vec<u32>,
    bands: Vec<u32>,
    paragraphs: Vec<u32>,
    removed: usize,
}

/// An indexed document that is a candidate.
struct Old {
    id: String,
    source: Option<i64>,
    date: Option<String>,
    epoch: Option<i64>,
    cluster: u64,
    content: (u64, usize),
    shingles_n: usize,
    sig16: Vec<u8>,
    set: Option<Vec<u32>>,
}

/// Params as stored: everything that decides signatures, bands and verification.
fn params_json(config: &Config, lsh: &LshParams, history: History) -> Value {
    let rules: serde_json::Map<String, Value> = NormalizeOptions::RULES
        .iter()
        .map(|r| (r.to_string(), Value::Bool(rule_on(&config.normalize, r))))
        .collect();
    json!({
        "algorithm": ALGORITHM,
        "hash": "xxh3-64",
        "shingling": config.signer.shingling,
        "num_perm": config.signer.num_perm,
        "seed": config.signer.seed,
        "threshold": config.threshold,
        "false_positive_weight": config.false_positive_weight,
        "false_negative_weight": config.false_negative_weight,
        "bands": lsh.bands,
        "rows": lsh.rows,
        "band_key_bits": 32,
        "signature_bits": 16,
        "boilerplate_min_docs": config.boilerplate_min_docs,
        "datelines": config.datelines,
        "normalization": rules,
        "history": history,
    })
}

fn rule_on(o: &NormalizeOptions, rule: &str) -> bool {
    let mut probe = *o;
    // `set` reports whether the rule exists; compare to learn its current value.
    probe.set(rule, true);
    probe == *o
}

/// Rebuilds the configuration from stored params; anything unknown is a mismatch.
fn config_from(v: &Value) -> Result<(Config, LshParams, History), String> {
    let s = |k: &str| {
        v.get(k)
            .ok_or_else(|| format!("stored parameter {k:?} missing"))
    };
    let u = |k: &str| s(k)?.as_u64().ok_or_else(|| format!("bad stored {k:?}"));
    let f = |k: &str| s(k)?.as_f64().ok_or_else(|| format!("bad stored {k:?}"));
    let b = |k: &str| s(k)?.as_bool().ok_or_else(|| format!("bad stored {k:?}"));
    let algorithm = s("algorithm")?.as_str().unwrap_or_default();
    if algorithm != ALGORITHM {
        return Err(format!(
            "signatures were made with {algorithm:?}; this naql makes {ALGORITHM:?}: \
             build a new index"
        ));
    }
    if s("band_key_bits")? != 32 || s("signature_bits")? != 16 || s("hash")? != "xxh3-64" {
        return Err("stored key widths or hash not understood".into());
    }
    let sh = s("shingling")?;
    let n = sh["n"].as_u64().ok_or("bad stored shingling")? as usize;
    let shingling = match sh["kind"].as_str() {
        Some("words") => Shingling::Words(n),
        Some("chars") => Shingling::Chars(n),
        _ => return Err("bad stored shingling".into()),
    };
    let rules = s("normalization")?
        .as_object()
        .ok_or("bad stored normalization")?;
    let mut normalize = NormalizeOptions::none();
    let mut names: Vec<&str> = rules.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut known = NormalizeOptions::RULES.to_vec();
    known.sort_unstable();
    if names != known {
        return Err(format!(
            "normalization rules differ: the index has {names:?}, this naql has {known:?}"
        ));
    }
    for (rule, on) in rules {
        normalize.set(rule, on.as_bool().unwrap_or(false));
    }
    let history = match s("history")?.as_str() {
        Some("exact") => History::Exact,
        Some("estimate") => History::Estimate,
        _ => return Err("bad stored history mode".into()),
    };
    let config = Config {
        normalize,
        signer: Signer {
            shingling,
            num_perm: u("num_perm")? as usize,
            seed: u("seed")?,
        },
        threshold: f("threshold")?,
        false_positive_weight: f("false_positive_weight")?,
        false_negative_weight: f("false_negative_weight")?,
        verify: Verify::Exact,
        boilerplate_min_docs: u("boilerplate_min_docs")? as usize,
        datelines: b("datelines")?,
    };
    let (bands, rows) = (u("bands")? as usize, u("rows")? as usize);
    if bands * rows > config.signer.num_perm || bands == 0 || rows == 0 {
        return Err("stored LSH bands do not fit the signature".into());
    }
    let t = config.threshold;
    let lsh = LshParams {
        bands,
        rows,
        midpoint: (1.0 / bands as f64).powf(1.0 / rows as f64),
        p_at_threshold: crate::copy::candidate_probability(t, bands, rows),
        false_positive_weight: config.false_positive_weight,
        false_negative_weight: config.false_negative_weight,
    };
    Ok((config, lsh, history))
}

const SCHEMA: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE sources(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE batches(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, docs INTEGER NOT NULL);
CREATE TABLE docs(
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source INTEGER,
    date TEXT,
    epoch INTEGER,
    batch INTEGER NOT NULL,
    cluster INTEGER NOT NULL,
    content_hash INTEGER NOT NULL,
    content_len INTEGER NOT NULL,
    shingles_n INTEGER NOT NULL,
    sig BLOB NOT NULL,
    bands BLOB NOT NULL,
    shingles BLOB
);
CREATE INDEX docs_cluster ON docs(cluster);
CREATE TABLE bands(key INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(key, seq)) WITHOUT ROWID;
CREATE TABLE paragraphs(source INTEGER NOT NULL, hash INTEGER NOT NULL, docs INTEGER NOT NULL,
                        PRIMARY KEY(source, hash)) WITHOUT ROWID;
";

/// `7d`, `12h`, `2w`, `30m`, `45s` → seconds.
pub fn parse_window(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num
        .parse()
        .map_err(|_| format!("window {s:?}: expected a number and a unit, like 7d"))?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" | "" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(format!("window {s:?}: unit must be s, m, h, d or w")),
    };
    Ok(n * unit)
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn to_blob_u32(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_blob_u32(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn sig16(sig: &Signature) -> Vec<u8> {
    sig.0
        .iter()
        .flat_map(|&v| (v as u16).to_le_bytes())
        .collect()
}

/// Fraction of equal 16-bit values.
fn estimate16(a: &[u8], b: &[u8]) -> f64 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let eq = a
        .chunks_exact(2)
        .zip(b.chunks_exact(2))
        .filter(|(x, y)| x == y)
        .count();
    eq as f64 / (a.len() / 2) as f64
}

/// Exact overlap of two sorted, distinct `u32` sets.
fn overlap32(a: &[u32], b: &[u32]) -> Overlap {
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - inter;
    let r = |x: usize, y: usize| if y > 0 { x as f64 / y as f64 } else { 0.0 };
    Overlap {
        jaccard: r(inter, union),
        containment_ab: r(inter, a.len()),
        containment_ba: r(inter, b.len()),
    }
}

/// Containment of A in B from an estimated Jaccard and the set sizes:
/// |A ∩ B| = J (|A| + |B|) / (1 + J).
fn containment_from(j: f64, a: usize, b: usize) -> f64 {
    if a == 0 {
        return 0.0;
    }
    (j * (a + b) as f64 / (1.0 + j) / a as f64).min(1.0)
}

/// Union-find over cluster ids touched in one batch; the smaller id survives a merge.
#[derive(Default)]
struct Aliases(HashMap<u64, u64>);

impl Aliases {
    fn find(&self, mut c: u64) -> u64 {
        while let Some(&n) = self.0.get(&c) {
            c = n;
        }
        c
    }
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
        // Readers open read-write too when the file allows it (SQLite falls back to read-only
        // by itself): the last connection to close, reader or not, then folds the write-ahead
        // log into the file and removes it, so the index stays one file at rest. Reading never
        // writes anything else.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(sql)?;
        conn.busy_timeout(wait).map_err(sql)?;
        let app: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(sql)?;
        if app != APPLICATION_ID {
            return Err(IndexError::NotAnIndex(
                p,
                "an SQLite database, but not one naql made".into(),
            ));
        }
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql)?;
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
        let (config, lsh, history) =
            config_from(&stored).map_err(|m| IndexError::Mismatch(p.clone(), m))?;
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

    /// Checks a batch against the index and each other, then (unless `dry_run`) adds it in one
    /// transaction. Holds the write lock from the first query to the commit, so two jobs are
    /// serialized: the second sees the first one's documents.
    pub fn dedup(
        &mut self,
        batch: PreparedBatch,
        options: &DedupOptions,
    ) -> Result<BatchOutcome, IndexError> {
        let items = batch.0;
        let behavior = if options.dry_run {
            TransactionBehavior::Deferred
        } else {
            TransactionBehavior::Immediate
        };
        let path = self.path.clone();
        let wait = self.wait;
        let sql = |e| IndexError::from_sqlite(&path, e, wait);
        let config = self.engine.config.clone();
        let lsh = self.lsh;
        let history = self.history;
        let tx = self.conn.transaction_with_behavior(behavior).map_err(sql)?;

        // Ids already indexed are reported and left alone.
        let mut existing: Vec<Option<u64>> = Vec::with_capacity(items.len());
        {
            let mut q = tx
                .prepare_cached("SELECT cluster FROM docs WHERE id = ?1")
                .map_err(sql)?;
            for it in &items {
                let c: Option<i64> = q
                    .query_row([&it.id], |r| r.get(0))
                    .optional()
                    .map_err(sql)?;
                existing.push(c.map(|c| c as u64));
            }
        }
        let mut sources: HashMap<String, i64> = HashMap::new();
        {
            let mut q = tx.prepare("SELECT id, name FROM sources").map_err(sql)?;
            let rows = q
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .map_err(sql)?;
            for row in rows {
                let (id, name) = row.map_err(sql)?;
                sources.insert(name, id);
            }
        }
        let source_names: HashMap<i64, String> =
            sources.iter().map(|(n, &i)| (i, n.clone())).collect();

        // Boilerplate: history counts plus this batch's distinct texts, per source.
        let para32 = |h: u64| (h >> 32) as u32;
        let fresh_idx: Vec<usize> = (0..items.len())
            .filter(|&i| existing[i].is_none())
            .collect();
        let mut batch_counts: HashMap<(&str, u32), usize> = HashMap::new();
        let min_docs = config.boilerplate_min_docs;
        if min_docs > 0 {
            let mut seen: HashSet<(&str, u32, u64)> = HashSet::new();
            for &i in &fresh_idx {
                let p = &items[i].value;
                if let Some(s) = p.source.as_deref() {
                    for &(_, h) in &p.paragraphs {
                        if seen.insert((s, para32(h), p.content_key.0)) {
                            *batch_counts.entry((s, para32(h))).or_default() += 1;
                        }
                    }
                }
            }
        }
        let mut boiler: HashSet<(&str, u32)> = HashSet::new();
        {
            let mut q = tx
                .prepare_cached("SELECT docs FROM paragraphs WHERE source = ?1 AND hash = ?2")
                .map_err(sql)?;
            for (&(s, h), &n) in &batch_counts {
                let hist: i64 = match sources.get(s) {
                    Some(&sid) => q
                        .query_row(params![sid, h as i32], |r| r.get(0))
                        .optional()
                        .map_err(sql)?
                        .unwrap_or(0),
                    None => 0,
                };
                if n + hist as usize >= min_docs {
                    boiler.insert((s, h));
                }
            }
        }

        // Sign what each new document keeps.
        let signer = config.signer;
        let fresh: Vec<Option<Fresh>> = fresh_idx
            .par_iter()
            .map(|&i| {
                let p = &items[i].value;
                let mut removed: Vec<u32> = match p.source.as_deref() {
                    Some(s) => (0..p.paragraphs.len() as u32)
                        .filter(|&k| boiler.contains(&(s, para32(p.paragraphs[k as usize].1))))
                        .collect(),
                    None => Vec::new(),
                };
                if removed.len() == p.paragraphs.len() {
                    removed.clear();
                }
                let kept = dedup::kept_units(p, &removed);
                if kept.is_empty() {
                    return None;
                }
                let signature = signer.sign_units(&kept);
                let mut set: Vec<u32> = Vec::with_capacity(kept.len());
                signer.for_each_shingle(&kept, |k| set.push((k >> 32) as u32));
                set.sort_unstable();
                set.dedup();
                let bands = (0..lsh.bands)
                    .map(|b| (lsh.band_key(&signature, b) >> 32) as u32)
                    .collect();
                let mut paragraphs: Vec<u32> =
                    p.paragraphs.iter().map(|&(_, h)| para32(h)).collect();
                paragraphs.sort_unstable();
                paragraphs.dedup();
                Some(Fresh {
                    item: i,
                    id: p.id.clone(),
                    source: p.source.clone(),
                    date: p.date.clone(),
                    epoch: p.date.as_deref().and_then(crate::date::epoch_seconds),
                    content: (dedup::fold_all(&kept), kept.len()),
                    signature,
                    set,
                    bands,
                    paragraphs,
                    removed: removed.len(),
                })
            })
            .collect();
        let mut skipped_empty: HashSet<usize> = HashSet::new();
        for (k, f) in fresh.iter().enumerate() {
            if f.is_none() {
                skipped_empty.insert(fresh_idx[k]);
            }
        }
        let fresh: Vec<Fresh> = fresh.into_iter().flatten().collect();

        // History candidates: every indexed document sharing a band key.
        let keys: BTreeSet<u32> = fresh.iter().flat_map(|f| f.bands.iter().copied()).collect();
        let mut by_key: HashMap<u32, Vec<i64>> = HashMap::new();
        {
            let mut q = tx
                .prepare_cached("SELECT seq FROM bands WHERE key = ?1")
                .map_err(sql)?;
            for &k in &keys {
                let seqs: Vec<i64> = q
                    .query_map([k as i32], |r| r.get(0))
                    .map_err(sql)?
                    .collect::<Result<_, _>>()
                    .map_err(sql)?;
                if !seqs.is_empty() {
                    by_key.insert(k, seqs);
                }
            }
        }
        let wanted: BTreeSet<i64> = by_key.values().flatten().copied().collect();
        let mut old: HashMap<i64, Old> = HashMap::new();
        {
            let mut q = tx
                .prepare_cached(
                    "SELECT id, source, date, epoch, cluster, content_hash, content_len, \
                     shingles_n, sig, shingles FROM docs WHERE seq = ?1",
                )
                .map_err(sql)?;
            for &seq in &wanted {
                let o = q
                    .query_row([seq], |r| {
                        Ok(Old {
                            id: r.get(0)?,
                            source: r.get(1)?,
                            date: r.get(2)?,
                            epoch: r.get(3)?,
                            cluster: r.get::<_, i64>(4)? as u64,
                            content: (r.get::<_, i64>(5)? as u64, r.get::<_, i64>(6)? as usize),
                            shingles_n: r.get::<_, i64>(7)? as usize,
                            sig16: r.get(8)?,
                            set: r.get::<_, Option<Vec<u8>>>(9)?.map(|b| from_blob_u32(&b)),
                        })
                    })
                    .optional()
                    .map_err(sql)?;
                if let Some(o) = o {
                    old.insert(seq, o);
                }
            }
        }

        // Batch candidates: earlier documents of the batch sharing a band key.
        let mut batch_key: HashMap<u32, Vec<usize>> = HashMap::new();
        for (n, f) in fresh.iter().enumerate() {
            for &k in &f.bands {
                let v = batch_key.entry(k).or_default();
                if v.last() != Some(&n) {
                    v.push(n);
                }
            }
        }
        let threshold = config.threshold;
        let in_window = |a: Option<i64>, b: Option<i64>| match options.window {
            None => true,
            Some(w) => matches!((a, b), (Some(a), Some(b)) if (a - b).abs() <= w),
        };
        enum Other {
            Old(i64),
            Batch(usize),
        }
        // (which, jaccard, containment, exact content, verified)
        type Found = (Other, f64, f64, bool, &'static str);
        let found: Vec<Vec<Found>> = fresh
            .par_iter()
            .enumerate()
            .map(|(n, f)| {
                let mut out: Vec<Found> = Vec::new();
                let hist: BTreeSet<i64> = f
                    .bands
                    .iter()
                    .filter_map(|k| by_key.get(k))
                    .flatten()
                    .copied()
                    .collect();
                let sig = sig16(&f.signature);
                for seq in hist {
                    let Some(o) = old.get(&seq) else { continue };
                    if !in_window(f.epoch, o.epoch) {
                        continue;
                    }
                    let (j, c, exact, how) = if o.content == f.content {
                        (1.0, 1.0, true, "exact")
                    } else if let Some(set) = &o.set {
                        let ov = overlap32(&f.set, set);
                        (ov.jaccard, ov.containment_ab, false, "exact")
                    } else {
                        let j = estimate16(&sig, &o.sig16);
                        (
                            j,
                            containment_from(j, f.set.len(), o.shingles_n),
                            false,
                            "estimate",
                        )
                    };
                    if j >= threshold {
                        out.push((Other::Old(seq), j, c, exact, how));
                    }
                }
                let earlier: BTreeSet<usize> = f
                    .bands
                    .iter()
                    .filter_map(|k| batch_key.get(k))
                    .flatten()
                    .copied()
                    .filter(|&m| m < n)
                    .collect();
                for m in earlier {
                    let g = &fresh[m];
                    if !in_window(f.epoch, g.epoch) {
                        continue;
                    }
                    let (j, c, exact) = if g.content == f.content {
                        (1.0, 1.0, true)
                    } else {
                        let ov = overlap32(&f.set, &g.set);
                        (ov.jaccard, ov.containment_ab, false)
                    };
                    if j >= threshold {
                        out.push((Other::Batch(m), j, c, exact, "exact"));
                    }
                }
                out
            })
            .collect();

        // Clusters, in input order: join the smallest cluster matched, merge the others.
        let mut next_cluster: i64 = tx
            .query_row(
                "SELECT value FROM meta WHERE key = 'next_cluster'",
                [],
                |r| r.get(0),
            )
            .map_err(sql)?;
        let mut aliases = Aliases::default();
        let mut cluster_of: Vec<u64> = vec![0; fresh.len()];
        let mut merged_by: Vec<Vec<u64>> = vec![Vec::new(); fresh.len()];
        for n in 0..fresh.len() {
            let mut cs: BTreeSet<u64> = found[n]
                .iter()
                .map(|(o, ..)| match o {
                    Other::Old(seq) => aliases.find(old[seq].cluster),
                    Other::Batch(m) => aliases.find(cluster_of[*m]),
                })
                .collect();
            let target = match cs.pop_first() {
                Some(t) => t,
                None => {
                    next_cluster += 1;
                    (next_cluster - 1) as u64
                }
            };
            for &c in &cs {
                aliases.0.insert(c, target);
            }
            merged_by[n] = cs.into_iter().collect();
            cluster_of[n] = target;
        }

        // Verdicts in input order.
        let mut verdicts: Vec<Verdict> = Vec::with_capacity(items.len());
        let mut fresh_at: HashMap<usize, usize> = HashMap::new();
        for (n, f) in fresh.iter().enumerate() {
            fresh_at.insert(f.item, n);
        }
        for (i, it) in items.iter().enumerate() {
            if let Some(c) = existing[i] {
                verdicts.push(Verdict {
                    id: it.id.clone(),
                    status: Status::AlreadyIndexed,
                    cluster: Some(aliases.find(c)),
                    merged: Vec::new(),
                    matches: Vec::new(),
                    reason: None,
                });
                continue;
            }
            if skipped_empty.contains(&i) {
                verdicts.push(Verdict {
                    id: it.id.clone(),
                    status: Status::Skipped,
                    cluster: None,
                    merged: Vec::new(),
                    matches: Vec::new(),
                    reason: Some("empty text".into()),
                });
                continue;
            }
            let n = fresh_at[&i];
            let mut any_exact = false;
            let mut matches: Vec<(Option<i64>, Match)> = found[n]
                .iter()
                .map(|(o, j, c, exact, how)| {
                    any_exact |= *exact;
                    let (id, source, date, epoch) = match o {
                        Other::Old(seq) => {
                            let o = &old[seq];
                            let src = o.source.and_then(|s| source_names.get(&s).cloned());
                            (o.id.clone(), src, o.date.clone(), o.epoch)
                        }
                        Other::Batch(m) => {
                            let g = &fresh[*m];
                            (g.id.clone(), g.source.clone(), g.date.clone(), g.epoch)
                        }
                    };
                    let m = Match {
                        id,
                        source,
                        date,
                        jaccard: round4(*j),
                        containment: round4(*c),
                        verified: how,
                    };
                    (epoch, m)
                })
                .collect();
            matches.sort_by(|(ea, a), (eb, b)| {
                b.jaccard
                    .total_cmp(&a.jaccard)
                    .then_with(|| (ea.is_none(), ea).cmp(&(eb.is_none(), eb)))
                    .then_with(|| a.id.cmp(&b.id))
            });
            let status = if any_exact {
                Status::ExactDuplicate
            } else if matches.is_empty() {
                Status::New
            } else {
                Status::Duplicate
            };
            verdicts.push(Verdict {
                id: it.id.clone(),
                status,
                cluster: Some(aliases.find(cluster_of[n])),
                merged: merged_by[n].clone(),
                matches: matches.into_iter().map(|(_, m)| m).collect(),
                reason: None,
            });
        }
        let boilerplate_removed = fresh.iter().map(|f| f.removed).sum();
        if options.dry_run {
            tx.rollback().map_err(sql)?;
            return Ok(BatchOutcome {
                verdicts,
                added: 0,
                boilerplate_removed,
            });
        }

        // Write the batch.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        tx.execute(
            "INSERT INTO batches(at, docs) VALUES (?1, ?2)",
            params![now, fresh.len() as i64],
        )
        .map_err(sql)?;
        let batch_id = tx.last_insert_rowid();
        {
            let mut ins = tx
                .prepare_cached("INSERT INTO sources(name) VALUES (?1)")
                .map_err(sql)?;
            for f in &fresh {
                if let Some(s) = &f.source
                    && !sources.contains_key(s)
                {
                    ins.execute([s]).map_err(sql)?;
                    sources.insert(s.clone(), tx.last_insert_rowid());
                }
            }
        }
        let mut band_rows: Vec<(i32, i64)> = Vec::with_capacity(fresh.len() * lsh.bands);
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO docs(id, source, date, epoch, batch, cluster, content_hash, \
                     content_len, shingles_n, sig, bands, shingles) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(sql)?;
            for (n, f) in fresh.iter().enumerate() {
                let shingles = (history == History::Exact).then(|| to_blob_u32(&f.set));
                ins.execute(params![
                    f.id,
                    f.source.as_ref().map(|s| sources[s]),
                    f.date,
                    f.epoch,
                    batch_id,
                    aliases.find(cluster_of[n]) as i64,
                    f.content.0 as i64,
                    f.content.1 as i64,
                    f.set.len() as i64,
                    sig16(&f.signature),
                    to_blob_u32(&f.bands),
                    shingles,
                ])
                .map_err(sql)?;
                let seq = tx.last_insert_rowid();
                let mut ks = f.bands.clone();
                ks.sort_unstable();
                ks.dedup();
                band_rows.extend(ks.into_iter().map(|k| (k as i32, seq)));
            }
        }
        band_rows.sort_unstable();
        {
            let mut ins = tx
                .prepare_cached("INSERT INTO bands(key, seq) VALUES (?1, ?2)")
                .map_err(sql)?;
            for (k, seq) in band_rows {
                ins.execute(params![k, seq]).map_err(sql)?;
            }
        }
        if min_docs > 0 {
            // Distinct texts per (source, paragraph), as counted for boilerplate.
            let mut counts: HashMap<(i64, u32), i64> = HashMap::new();
            let mut seen: HashSet<(i64, u32, u64)> = HashSet::new();
            for f in &fresh {
                let p = &items[f.item].value;
                if let Some(s) = &f.source {
                    let sid = sources[s];
                    for &h in &f.paragraphs {
                        if seen.insert((sid, h, p.content_key.0)) {
                            *counts.entry((sid, h)).or_default() += 1;
                        }
                    }
                }
            }
            let mut counts: Vec<((i64, u32), i64)> = counts.into_iter().collect();
            counts.sort_unstable();
            let mut up = tx
                .prepare_cached(
                    "INSERT INTO paragraphs(source, hash, docs) VALUES (?1, ?2, ?3) \
                     ON CONFLICT(source, hash) DO UPDATE SET docs = docs + excluded.docs",
                )
                .map_err(sql)?;
            for ((sid, h), n) in counts {
                up.execute(params![sid, h as i32, n]).map_err(sql)?;
            }
        }
        {
            let mut up = tx
                .prepare_cached("UPDATE docs SET cluster = ?1 WHERE cluster = ?2")
                .map_err(sql)?;
            let mut merged: Vec<u64> = aliases.0.keys().copied().collect();
            merged.sort_unstable();
            for c in merged {
                up.execute(params![aliases.find(c) as i64, c as i64])
                    .map_err(sql)?;
            }
        }
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'next_cluster'",
            [next_cluster],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(BatchOutcome {
            verdicts,
            added: fresh.len(),
            boilerplate_removed,
        })
    }

    /// Counts, dates, size and parameters.
    pub fn stats(&self) -> Result<IndexStats, IndexError> {
        let c = &self.conn;
        let one = |q: &str| -> Result<u64, IndexError> {
            c.query_row(q, [], |r| r.get::<_, i64>(0))
                .map(|v| v as u64)
                .map_err(|e| self.sql(e))
        };
        let documents = one("SELECT count(*) FROM docs")?;
        let clusters = one(
            "SELECT count(*) FROM (SELECT cluster FROM docs GROUP BY cluster HAVING count(*) > 1)",
        )?;
        let clustered = one(
            "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM docs GROUP BY cluster \
             HAVING n > 1)",
        )?;
        let (first_date, last_date): (Option<String>, Option<String>) = c
            .query_row(
                "SELECT (SELECT date FROM docs WHERE epoch = (SELECT min(epoch) FROM docs) LIMIT 1), \
                        (SELECT date FROM docs WHERE epoch = (SELECT max(epoch) FROM docs) LIMIT 1)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.sql(e))?;
        let file_bytes = self.file_bytes();
        Ok(IndexStats {
            format_version: FORMAT_VERSION,
            documents,
            clusters,
            clustered,
            sources: one("SELECT count(*) FROM sources")?,
            batches: one("SELECT count(*) FROM batches")?,
            first_date,
            last_date,
            band_rows: one("SELECT count(*) FROM bands")?,
            boilerplate_paragraphs_tracked: one("SELECT count(*) FROM paragraphs")?,
            file_bytes,
            bytes_per_document: (documents > 0).then(|| file_bytes as f64 / documents as f64),
            params: params_json(self.config(), &self.lsh, self.history),
        })
    }

    /// Removes documents (with their band keys) in one transaction; returns the ids not found.
    /// Cluster ids of the remaining documents do not change.
    pub fn remove(&mut self, ids: &[String]) -> Result<Vec<String>, IndexError> {
        let path = self.path.clone();
        let wait = self.wait;
        let sql = |e| IndexError::from_sqlite(&path, e, wait);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let mut missing = Vec::new();
        let mut doomed = Vec::new();
        {
            let mut q = tx
                .prepare("SELECT seq, bands FROM docs WHERE id = ?1")
                .map_err(sql)?;
            for id in ids {
                match q
                    .query_row([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
                    .optional()
                    .map_err(sql)?
                {
                    Some(row) => doomed.push(row),
                    None => missing.push(id.clone()),
                }
            }
        }
        delete_docs(&tx, &doomed).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(missing)
    }

    /// Removes every document dated before `epoch` (seconds); undated documents stay.
    /// Returns how many were removed.
    pub fn prune_before(&mut self, epoch: i64) -> Result<usize, IndexError> {
        let path = self.path.clone();
        let wait = self.wait;
        let sql = |e| IndexError::from_sqlite(&path, e, wait);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let doomed: Vec<(i64, Vec<u8>)> = {
            let mut q = tx
                .prepare("SELECT seq, bands FROM docs WHERE epoch < ?1")
                .map_err(sql)?;
            q.query_map([epoch], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?
        };
        delete_docs(&tx, &doomed).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(doomed.len())
    }

    /// Returns the space of removed documents to the file system: pruning only marks SQLite
    /// pages free, so an index pruned every night would otherwise never shrink. `VACUUM`
    /// rewrites the file inside one transaction (a kill at any moment leaves the old or the new
    /// file, never a mix) and needs free disk space about the size of the index while it runs.
    /// Waits for other jobs like any write. Returns the file size before and after (bytes,
    /// write-ahead log included).
    pub fn compact(&mut self) -> Result<(u64, u64), IndexError> {
        let before = self.file_bytes();
        self.conn
            .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(|e| self.sql(e))?;
        Ok((before, self.file_bytes()))
    }

    /// Bytes on disk: the file and its write-ahead log.
    fn file_bytes(&self) -> u64 {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
            + std::fs::metadata(&wal).map_or(0, |m| m.len())
    }

    /// Calls `f` with every indexed document, in the order they were added.
    pub fn export(
        &self,
        mut f: impl FnMut(Exported) -> std::io::Result<()>,
    ) -> Result<(), IndexError> {
        let mut q = self
            .conn
            .prepare(
                "SELECT d.id, s.name, d.date, d.cluster, d.batch, d.shingles_n \
                 FROM docs d LEFT JOIN sources s ON s.id = d.source ORDER BY d.seq",
            )
            .map_err(|e| self.sql(e))?;
        let rows = q
            .query_map([], |r| {
                Ok(Exported {
                    id: r.get(0)?,
                    source: r.get(1)?,
                    date: r.get(2)?,
                    cluster: r.get::<_, i64>(3)? as u64,
                    batch: r.get::<_, i64>(4)? as u64,
                    shingles: r.get::<_, i64>(5)? as u64,
                })
            })
            .map_err(|e| self.sql(e))?;
        for row in rows {
            f(row.map_err(|e| self.sql(e))?).map_err(|e| IndexError::Io("output".into(), e))?;
        }
        Ok(())
    }

    /// SQLite's integrity check plus naql's own invariants: every document has its band rows
    /// and no band row lacks its document, blobs have the stored widths, cluster ids were
    /// handed out. Returns the problems found (empty: consistent).
    pub fn check(&self) -> Result<Vec<String>, IndexError> {
        let c = &self.conn;
        let err = |e| self.sql(e);
        let mut problems = Vec::new();
        let mut q = c.prepare("PRAGMA integrity_check").map_err(err)?;
        let lines: Vec<String> = q
            .query_map([], |r| r.get(0))
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?;
        if lines != ["ok"] {
            problems.extend(lines.into_iter().map(|l| format!("sqlite: {l}")));
        }
        let next: i64 = c
            .query_row(
                "SELECT value FROM meta WHERE key = 'next_cluster'",
                [],
                |r| r.get(0),
            )
            .map_err(err)?;
        let k = self.config().signer.num_perm;
        let mut band_rows = 0usize;
        let mut has = c
            .prepare("SELECT 1 FROM bands WHERE key = ?1 AND seq = ?2")
            .map_err(err)?;
        let mut q = c
            .prepare("SELECT seq, id, cluster, sig, bands, shingles IS NOT NULL FROM docs")
            .map_err(err)?;
        let mut rows = q.query([]).map_err(err)?;
        while let Some(r) = rows.next().map_err(err)? {
            let seq: i64 = r.get(0).map_err(err)?;
            let id: String = r.get(1).map_err(err)?;
            let cluster: i64 = r.get(2).map_err(err)?;
            let sig: Vec<u8> = r.get(3).map_err(err)?;
            let bands: Vec<u8> = r.get(4).map_err(err)?;
            let stored_set: bool = r.get(5).map_err(err)?;
            if sig.len() != 2 * k {
                problems.push(format!(
                    "{id}: signature of {} bytes, expected {}",
                    sig.len(),
                    2 * k
                ));
            }
            if bands.len() != 4 * self.lsh.bands {
                problems.push(format!(
                    "{id}: {} band keys, expected {}",
                    bands.len() / 4,
                    self.lsh.bands
                ));
            }
            if cluster < 1 || cluster >= next {
                problems.push(format!("{id}: cluster {cluster} was never handed out"));
            }
            if stored_set != (self.history == History::Exact) {
                problems.push(format!("{id}: shingle set stored: {stored_set}"));
            }
            let mut keys = from_blob_u32(&bands);
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                band_rows += 1;
                if !has.exists(params![key as i32, seq]).map_err(err)? {
                    problems.push(format!(
                        "{id}: band key {key:08x} missing from the band table"
                    ));
                }
            }
        }
        let total: i64 = c
            .query_row("SELECT count(*) FROM bands", [], |r| r.get(0))
            .map_err(err)?;
        if total as usize != band_rows {
            problems.push(format!(
                "{total} band rows, but the documents account for {band_rows}"
            ));
        }
        Ok(problems)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn delete_docs(tx: &rusqlite::Transaction, doomed: &[(i64, Vec<u8>)]) -> rusqlite::Result<()> {
    let mut del_band = tx.prepare_cached("DELETE FROM bands WHERE key = ?1 AND seq = ?2")?;
    let mut del_doc = tx.prepare_cached("DELETE FROM docs WHERE seq = ?1")?;
    for (seq, bands) in doomed {
        for k in from_blob_u32(bands) {
            del_band.execute(params![k as i32, seq])?;
        }
        del_doc.execute([seq])?;
    }
    Ok(())
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
    }

    #[test]
    fn estimated_containment_is_exact_for_consistent_sizes() {
        // |A| = 100, |B| = 150, |A ∩ B| = 80: J = 80 / 170.
        let j = 80.0 / 170.0;
        assert!((containment_from(j, 100, 150) - 0.8).abs() < 1e-12);
        assert_eq!(overlap32(&[1, 2, 3, 4], &[2, 3, 4, 5]).jaccard, 0.6);
    }

    #[test]
    fn stored_params_round_trip_and_refuse_other_algorithms() {
        let mut c = Config::default();
        c.normalize.set("alef", false);
        let v = params_json(&c, &c.lsh(), History::Exact);
        let (back, lsh, h) = config_from(&v).unwrap();
        assert_eq!(params_json(&back, &lsh, h), v);
        assert!(!back.normalize.alef && back.normalize.tatweel);
        let mut bad = v.clone();
        bad["algorithm"] = "naql-oph-v0".into();
        assert!(config_from(&bad).unwrap_err().contains("naql-oph-v0"));
    }
}
