//! The on-disk format of an index, version [`FORMAT_VERSION`] (= 2). This file is its
//! specification: change anything here and the version must change with it.
//!
//! ## The file
//!
//! One SQLite 3 database, `journal_mode = WAL` (set at creation, stored in the file) and opened
//! with `synchronous = FULL`. Its header carries `PRAGMA application_id = 0x6e61716c` ("naql"
//! in ASCII) and `PRAGMA user_version = 2` (the format version). Version 2 is version 1's layout with
//! keys made under normalization `naql-norm-v2` ([`crate::text::NORMALIZATION`]) and
//! signatures `naql-oph-v2`; a version-1 file holds `naql-norm-v1` keys, which no longer match
//! what this naql computes, so it is refused with the commands that rebuild it. All integers in blobs are
//! little-endian.
//!
//! ## Tables
//!
//! | table | columns | holds |
//! |---|---|---|
//! | `meta` | `key TEXT PRIMARY KEY, value` | `params` (JSON, below), `next_cluster` (the next cluster id to hand out; ids start at 1), `naql_version` (the crate version that created the file; informative only), `date_reader` ([`DATE_READER`]: the date reader whose epochs `docs.epoch` holds; absent in files made before it, whose undated rows are re-read by the next batch) |
//! | `sources` | `id INTEGER PRIMARY KEY, name TEXT UNIQUE` | source names, numbered as first seen |
//! | `batches` | `id INTEGER PRIMARY KEY, at, docs` | one row per committed dedup run: Unix seconds, documents added |
//! | `docs` | see below | one row per indexed document |
//! | `bands` | `key INTEGER, seq INTEGER, PRIMARY KEY(key, seq)`, WITHOUT ROWID | the LSH lookup path: band key → `docs.seq`, one row per distinct key of a document |
//! | `paragraphs` | `source, hash, docs, PRIMARY KEY(source, hash)`, WITHOUT ROWID | per source, in how many distinct documents (by content key) each paragraph hash appeared: the boilerplate counts |
//! | `verdicts` | `seq INTEGER PRIMARY KEY, verdict TEXT` | the verdict of each document as `naql dedup` gave it when adding it (one JSON object, the JSONL line without its newline), written in the batch's transaction: a re-run of the document gives it again. Files made before this table get it with their next batch; until then their documents re-run as `already_indexed` |
//! | `passage_seeds`, `passage_docs` | see `src/index/passages.rs` | optional: created by the first `naql dedup --passages` run, filled only by such runs (the passage seeds of each document); files without them open and work as before, so they are additive like `verdicts` |
//!
//! `docs` columns: `seq` (rowid, insertion order), `id` (unique), `source` (→ `sources.id`,
//! NULL without one), `date` (as given), `epoch` (Unix seconds of `date`, NULL when undated),
//! `batch` (→ `batches.id`), `cluster` (indexed: `docs_cluster`), `content_hash` and
//! `content_len` (the content key of the kept words: equal keys are exact duplicates),
//! `shingles_n` (distinct shingles kept), and three blobs:
//!
//! | blob | width | holds |
//! |---|---|---|
//! | `sig` | 2 × `num_perm` bytes | the low 16 bits of each MinHash value ([`sig16`]); two values agree by chance with probability 2⁻¹⁶ |
//! | `bands` | 4 × `bands` bytes | the high 32 bits of each LSH band key, in band order ([`to_blob_u32`]), so a document can be removed without re-signing |
//! | `shingles` | 4 bytes per shingle | only in [`History::Exact`] mode (NULL otherwise): the high 32 bits of each shingle key, sorted, distinct |
//!
//! Band keys, paragraph hashes and the `bands.key` column are 32-bit values stored as signed
//! SQLite integers (`as i32`); `content_hash` is the 64-bit key stored `as i64`.
//!
//! ## Stored parameters
//!
//! `meta.params` is the JSON of [`params_json`]: everything that decides signatures, bands and
//! verification (`algorithm`, `hash`, `shingling`, `num_perm`, `seed`, `threshold`, the two LSH
//! weights, `bands`, `rows`, `band_key_bits` = 32, `signature_bits` = 16,
//! `boilerplate_min_docs`, `datelines`, every normalization rule by name, `history`).
//!
//! ## How a file is checked on open
//!
//! [`crate::index::Index::open`] refuses, in this order: a path that is not a regular file, a
//! file that is not an SQLite database or whose `application_id` is not naql's ("not a naql
//! index (…)"), `user_version` 1 ("built with normalization naql-norm-v1 …", with the commands that
//! rebuild it), another `user_version` ("index format version N, this naql reads version 2
//! only": an old or newer file is never read or upgraded in place), and
//! stored parameters this naql cannot rebuild exactly ([`config_from`]: another signature
//! algorithm, other key widths or hash, another set of normalization rules), each a
//! [`IndexError::Mismatch`] telling the user to build a new index, and stored parameters out of
//! the command line's bounds ([`Config::validate`]: `num_perm`, shingle size, threshold).

use std::path::Path;

use serde_json::{Value, json};

use super::{History, IndexError};
use crate::copy::{ALGORITHM, Config, LshParams, Shingling, Signature, Signer, Verify};
use crate::text::NormalizeOptions;

/// The version of the file layout; [`crate::index::Index::open`] refuses any other.
pub const FORMAT_VERSION: i64 = 2;
/// `PRAGMA application_id` of a naql index: "naql" in ASCII.
pub(super) const APPLICATION_ID: i64 = 0x6e61_716c;

/// The tables of a new index (see the module docs).
pub(super) const SCHEMA: &str = "
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
CREATE TABLE verdicts(seq INTEGER PRIMARY KEY, verdict TEXT NOT NULL);
";

/// The version of the date reader (`crate::date`) that wrote `docs.epoch`: 2 reads RFC 2822 and
/// the other forms version 1 left undated.
pub(super) const DATE_READER: i64 = 2;

/// The `verdicts` table alone: files made before it existed get it with their next batch.
pub(super) const VERDICTS_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS verdicts(seq INTEGER PRIMARY KEY, verdict TEXT NOT NULL);";

/// Params as stored: everything that decides signatures, bands and verification.
pub(super) fn params_json(config: &Config, lsh: &LshParams, history: History) -> Value {
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

/// Rebuilds the configuration from the params stored in the index at `path`; anything unknown
/// is a [`IndexError::Mismatch`].
pub(super) fn config_from(
    path: &Path,
    v: &Value,
) -> Result<(Config, LshParams, History), IndexError> {
    let bad = |why: String| IndexError::Mismatch(path.to_path_buf(), why);
    let s = |k: &str| {
        v.get(k)
            .ok_or_else(|| bad(format!("stored parameter {k:?} missing")))
    };
    let u = |k: &str| {
        s(k)?
            .as_u64()
            .ok_or_else(|| bad(format!("bad stored {k:?}")))
    };
    let f = |k: &str| {
        s(k)?
            .as_f64()
            .ok_or_else(|| bad(format!("bad stored {k:?}")))
    };
    let b = |k: &str| {
        s(k)?
            .as_bool()
            .ok_or_else(|| bad(format!("bad stored {k:?}")))
    };
    let algorithm = s("algorithm")?.as_str().unwrap_or_default();
    if algorithm != ALGORITHM {
        return Err(bad(format!(
            "signatures were made with {algorithm:?}; this naql makes {ALGORITHM:?}: \
             build a new index"
        )));
    }
    if s("band_key_bits")? != 32 || s("signature_bits")? != 16 || s("hash")? != "xxh3-64" {
        return Err(bad("stored key widths or hash not understood".into()));
    }
    let shingling =
        stored_shingling(s("shingling")?).ok_or_else(|| bad("bad stored shingling".into()))?;
    let normalize = stored_rules(path, s("normalization")?)?;
    let history = match s("history")?.as_str() {
        Some("exact") => History::Exact,
        Some("estimate") => History::Estimate,
        _ => return Err(bad("bad stored history mode".into())),
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
        return Err(bad("stored LSH bands do not fit the signature".into()));
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

/// `{"kind": "words" | "chars", "n": N}`, as [`Shingling`] serializes.
fn stored_shingling(sh: &Value) -> Option<Shingling> {
    let n = sh["n"].as_u64()? as usize;
    match sh["kind"].as_str() {
        Some("words") => Some(Shingling::Words(n)),
        Some("chars") => Some(Shingling::Chars(n)),
        _ => None,
    }
}

/// Every normalization rule by name, on or off; the names must be exactly this naql's rules.
fn stored_rules(path: &Path, v: &Value) -> Result<NormalizeOptions, IndexError> {
    let bad = |why: String| IndexError::Mismatch(path.to_path_buf(), why);
    let rules = v
        .as_object()
        .ok_or_else(|| bad("bad stored normalization".into()))?;
    let mut normalize = NormalizeOptions::none();
    let mut names: Vec<&str> = rules.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut known = NormalizeOptions::RULES.to_vec();
    known.sort_unstable();
    if names != known {
        return Err(bad(format!(
            "normalization rules differ: the index has {names:?}, this naql has {known:?}"
        )));
    }
    for (rule, on) in rules {
        normalize.set(rule, on.as_bool().unwrap_or(false));
    }
    Ok(normalize)
}

/// `u32` values as a blob: 4 bytes each, little-endian (the `bands` and `shingles` columns).
pub(super) fn to_blob_u32(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The inverse of [`to_blob_u32`]; a trailing partial value is ignored.
pub(super) fn from_blob_u32(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// The `sig` column: the low 16 bits of each MinHash value, 2 bytes each, little-endian.
pub(super) fn sig16(sig: &Signature) -> Vec<u8> {
    sig.0
        .iter()
        .flat_map(|&v| (v as u16).to_le_bytes())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_params_round_trip_and_refuse_other_algorithms() {
        let mut c = Config::default();
        c.normalize.set("alef", false);
        let v = params_json(&c, &c.lsh(), History::Exact);
        let p = Path::new("x.naql");
        let (back, lsh, h) = config_from(p, &v).unwrap();
        assert_eq!(params_json(&back, &lsh, h), v);
        assert!(!back.normalize.alef && back.normalize.tatweel);
        let mut bad = v.clone();
        bad["algorithm"] = "naql-oph-v0".into();
        let e = config_from(p, &bad).unwrap_err();
        assert!(matches!(e, IndexError::Mismatch(..)));
        assert!(e.to_string().contains("naql-oph-v0"));
    }

    #[test]
    fn damaged_params_are_mismatches_with_their_reason() {
        let c = Config::default();
        let v = params_json(&c, &c.lsh(), History::Estimate);
        let p = Path::new("x.naql");
        let why = |v: &Value| config_from(p, v).unwrap_err().to_string();
        let mut bad = v.clone();
        bad["shingling"]["kind"] = "lines".into();
        assert_eq!(why(&bad), "x.naql: bad stored shingling");
        let mut bad = v.clone();
        bad["normalization"]["nonsense"] = true.into();
        assert!(why(&bad).starts_with("x.naql: normalization rules differ: "));
        let mut bad = v.clone();
        bad.as_object_mut().unwrap().remove("seed");
        assert_eq!(why(&bad), r#"x.naql: stored parameter "seed" missing"#);
        let mut bad = v;
        bad["bands"] = 1000.into();
        assert_eq!(
            why(&bad),
            "x.naql: stored LSH bands do not fit the signature"
        );
    }

    /// Pins format version 1 as a file: header, tables and meta keys.
    #[test]
    fn a_new_file_is_format_version_1() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.naql");
        let index = crate::index::Index::create(&path, &Config::default(), History::Exact);
        drop(index.unwrap());
        let conn = rusqlite::Connection::open(&path).unwrap();
        let pragma = |q: &str| conn.query_row(q, [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(pragma("PRAGMA user_version"), FORMAT_VERSION);
        assert_eq!(pragma("PRAGMA application_id"), 0x6e61_716c);
        let names = |q: &str| -> Vec<String> {
            let mut st = conn.prepare(q).unwrap();
            st.query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        assert_eq!(
            names("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
            [
                "bands",
                "batches",
                "docs",
                "meta",
                "paragraphs",
                "sources",
                "verdicts"
            ]
        );
        assert_eq!(
            names("SELECT key FROM meta ORDER BY key"),
            ["date_reader", "naql_version", "next_cluster", "params"]
        );
    }

    #[test]
    fn blobs_round_trip() {
        let v = [0, 1, 0xdead_beef, u32::MAX];
        let b = to_blob_u32(&v);
        assert_eq!(b.len(), 16);
        assert_eq!(&b[8..12], &[0xef, 0xbe, 0xad, 0xde]);
        assert_eq!(from_blob_u32(&b), v);
        assert_eq!(
            sig16(&Signature(vec![0x1234_5678, 0xffff_0001])),
            [0x78, 0x56, 0x01, 0x00]
        );
    }
}
