//! Story-level clustering: which reports tell the same story, even when they share no sentences.
//!
//! Copy detection ([`crate::copy`]) compares word shingles, so independently written reports
//! of one event look unrelated to it. Here each article becomes a bag of content words instead:
//!
//! 1. **terms**: the normalized tokens of the title and text, stopwords dropped, light-stemmed
//!    ([`crate::text::stem`]); a leading dateline is left out. Each occurrence counts
//!    [`StoryConfig::title_weight`] times in the title, [`StoryConfig::lead_weight`] times in
//!    the first [`StoryConfig::lead_words`] words of the text (the lead: news states its story
//!    first) and once elsewhere;
//! 2. **weights**: `(1 + ln count) · idf`, L2-normalized; `idf = 1 + ln((N + 1) / (df + 1))`,
//!    with document frequencies from the input itself (each distinct term vector counted once,
//!    so wire copies do not make their own words look common) or from a saved [`Idf`] table,
//!    for batches too small to estimate one;
//! 3. **candidates**: an inverted index over each article's [`StoryConfig::index_terms`]
//!    highest-weighted terms; two articles are candidates when they share one of them and
//!    their dates are at most [`StoryConfig::window_days`] apart (`examples/story_candidates.rs`
//!    measures this against weighted MinHash with LSH; BENCHMARKS.md has the comparison);
//! 4. **verification**: cosine of the weight vectors; a pair is kept at
//!    [`StoryConfig::threshold`];
//! 5. **stories**: copy-level clusters first (a story never splits a copy cluster), then
//!    verified pairs from the most similar down; two groups merge only when their *average*
//!    pairwise cosine reaches [`StoryConfig::linkage`] (by default the pair threshold itself:
//!    a group must be, on average, as similar as a pair that counts) and, with dates, the merged
//!    story spans at most the window. Plain union-find (`linkage` 0, no dates) lets a chain of
//!    pairwise-similar articles join unrelated stories (on SaudiNewsNet: one story of 2,002
//!    articles); the average keeps them apart, and the span limit cuts running series such as
//!    daily weather or market reports into stories of a few days (BENCHMARKS.md).
//!
//! ```
//! use naql::story::{StoryConfig, StoryModel};
//! use naql::corpus::Document;
//!
//! let doc = |id: &str, title: &str, text: &str| Document {
//!     id: id.into(), title: Some(title.into()), text: text.into(), ..Document::default()
//! };
//! let docs = vec![
//!     doc("a", "روسيا والناتو يبدآن محادثات الضمانات الأمنية في جنيف",
//!         "بدأت روسيا وحلف الناتو محادثات في جنيف حول الضمانات الأمنية التي تطالب بها موسكو"),
//!     doc("b", "محادثات جنيف: موسكو تطالب الناتو بضمانات أمنية",
//!         "طالبت موسكو حلف الناتو في محادثات جنيف بضمانات أمنية مكتوبة بشأن توسع الحلف شرقا"),
//!     doc("c", "الهلال يفوز على النصر في الدوري",
//!         "فاز فريق الهلال على النصر بهدفين في مباراة الدوري السعودي لكرة القدم"),
//! ];
//! let model = StoryModel::from_documents(StoryConfig::default(), &docs);
//! let v: Vec<_> = docs.iter().map(|d| model.vector(d.title.as_deref(), &d.text)).collect();
//! assert!(v[0].cosine(&v[1]) > 0.3);
//! assert!(v[0].cosine(&v[2]) < 0.05);
//! ```

pub mod lsa;

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::time::Instant;

use crate::hash::term_hash;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::copy::{self as dedup, Engine, Outcome};
use crate::corpus::{self, BadRecord, Document, Item, ReadError, ReadOptions};
use crate::story::lsa::{Lsa, LsaTable};
use crate::text::stem::{HashedMap, STEMMER, Stopwords, stem_bytes};
use crate::text::{NormalizeOptions, Normalizer};
use std::sync::Arc;

/// Fewest articles a term needs for an LSA vector in a saved table.
pub const LSA_MIN_DF: u32 = 5;

/// The seed of the random projection behind LSA tables: fixed, so one corpus always gives the
/// same table.
const LSA_SEED: u64 = 0x6e61_716c_5f6c_7361;

/// The format name and version of a saved IDF table.
pub const IDF_FORMAT: &str = "naql-idf-v1";

/// Everything that decides story similarity and clustering. `Default` is what
/// `naql cluster --level story` uses; BENCHMARKS.md says where each value comes from.
#[derive(Clone, Debug, Serialize)]
pub struct StoryConfig {
    pub normalize: NormalizeOptions,
    /// How many times a title word counts.
    pub title_weight: u32,
    /// How many times a word of the lead counts.
    pub lead_weight: u32,
    /// Content words of the text that form the lead.
    pub lead_words: usize,
    /// Cosine at which two articles tell the same story.
    pub threshold: f64,
    /// Average pairwise cosine two groups need to merge; 0 is single linkage (union-find).
    pub linkage: f64,
    /// Candidate pairs are at most this many days apart (when both have a date), and a story
    /// spans at most this many days from its first report to its last; `None`: no limit.
    pub window_days: Option<f64>,
    /// Highest-weighted terms of each article that go into the candidate index.
    pub index_terms: usize,
    /// Terms shown for each story.
    pub top_terms: usize,
    /// Light-stem content words (off: whole normalized words).
    pub stem: bool,
    /// Also count each pair of adjacent content words (names such as «ولي العهد»).
    pub bigrams: bool,
    /// With an IDF table that holds LSA vectors ([`crate::story::lsa`]): the share of the similarity
    /// that comes from them (the rest is TF-IDF cosine).
    pub semantic_weight: f64,
}

impl StoryConfig {
    /// The default [`StoryConfig::threshold`] when the IDF table holds LSA vectors: the blend
    /// of TF-IDF and LSA cosine runs higher than TF-IDF alone, so it needs its own; chosen like
    /// the plain one, where a random pair of SaudiNewsNet articles dated 10 days or more apart
    /// passes about 1 time in 1,000 (BENCHMARKS.md).
    pub const SEMANTIC_THRESHOLD: f64 = 0.39;

    /// Checks the parameters a user sets: `threshold` in (0, 1], `linkage` in [0, 1], a
    /// window of 0 or more days.
    pub fn validate(&self) -> Result<(), crate::ConfigError> {
        crate::error::in_unit_open("threshold", self.threshold)?;
        crate::error::in_unit_closed("linkage", self.linkage)?;
        match self.window_days {
            Some(w) if w.is_nan() || w < 0.0 => Err(crate::ConfigError::new(
                "window",
                format!("must be 0 or more days, got {w}"),
            )),
            _ => Ok(()),
        }
    }
}

impl Default for StoryConfig {
    fn default() -> Self {
        StoryConfig {
            normalize: NormalizeOptions::default(),
            title_weight: 3,
            lead_weight: 2,
            lead_words: 40,
            threshold: 0.2,
            linkage: 0.2,
            window_days: Some(3.0),
            index_terms: 12,
            top_terms: 8,
            stem: true,
            bigrams: false,
            semantic_weight: 0.5,
        }
    }
}

/// A sparse, L2-normalized term vector: `(term hash, weight)` sorted by hash.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TermVector(pub Vec<(u64, f32)>);

impl TermVector {
    /// Cosine similarity: the dot product of two unit vectors, clamped to [0, 1]; 0 when either
    /// is empty. Summed in hash order, so the result is the same wherever it is computed.
    pub fn cosine(&self, other: &TermVector) -> f64 {
        dot(&self.0, &other.0).clamp(0.0, 1.0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `k` highest weights' terms, heaviest first (ties: smaller hash first). LSA
    /// dimensions are not terms and are left out.
    pub fn top(&self, k: usize) -> Vec<u64> {
        let mut v: Vec<(u64, f32)> = self
            .0
            .iter()
            .copied()
            .filter(|e| e.0 < SEMANTIC_KEY)
            .collect();
        let order = |a: &(u64, f32), b: &(u64, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        // The order is total (hashes are distinct), so selecting then sorting the first k gives
        // exactly the first k of a full sort.
        if k < v.len() {
            v.select_nth_unstable_by(k, order);
            v.truncate(k);
        }
        v.sort_unstable_by(order);
        v.into_iter().map(|(h, _)| h).collect()
    }
}

/// Keys from here up hold the LSA dimensions of a [`TermVector`] (key `SEMANTIC_KEY + i` for
/// dimension `i`), so that one sparse dot product gives the blended similarity and story
/// centres, sums and linkage need no second code path. A stem hashing this high (2⁻⁵⁴) would
/// only blur its own weight.
pub const SEMANTIC_KEY: u64 = u64::MAX - 1023;

/// Where a vector's LSA dimensions begin (keys from [`SEMANTIC_KEY`] up, always last).
fn tail_start(v: &[(u64, f32)]) -> usize {
    v.partition_point(|e| e.0 < SEMANTIC_KEY)
}

/// The dot product of two LSA tails: both full (`SEMANTIC_KEY + 0..dims`, the same dims) or
/// one empty. Four running sums instead of one chain make it several times faster, and every
/// caller uses this one function, so the result is the same bits wherever it is computed.
fn tail_dot<T>(a: &[T], b: &[T], value: impl Fn(&T) -> f32) -> f64 {
    if a.len() != b.len() {
        return 0.0;
    }
    let mut acc = [0f64; 4];
    let (ca, cb) = (a.chunks_exact(4), b.chunks_exact(4));
    let rest: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| value(x) as f64 * value(y) as f64)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..4 {
            acc[k] += value(&x[k]) as f64 * value(&y[k]) as f64;
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + rest
}

/// Dot product: the terms summed in term order, plus the LSA tails (so every method gives the
/// same value).
fn dot(a: &[(u64, f32)], b: &[(u64, f32)]) -> f64 {
    let (sa, sb) = (tail_start(a), tail_start(b));
    let tail = if sa < a.len() && sb < b.len() {
        tail_dot(&a[sa..], &b[sb..], |e| e.1)
    } else {
        0.0
    };
    sparse_dot(&a[..sa], &b[..sb]) + tail
}

/// Sparse dot product, summed in term order. A short vector against a long one (an article
/// against a story's sum) searches instead of merging.
fn sparse_dot(a: &[(u64, f32)], b: &[(u64, f32)]) -> f64 {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() * 16 < long.len() {
        let (mut from, mut s) = (0, 0.0f64);
        for &(t, x) in short {
            match long[from..].binary_search_by_key(&t, |e| e.0) {
                Ok(k) => {
                    s += x as f64 * long[from + k].1 as f64;
                    from += k + 1;
                }
                Err(k) => from += k,
            }
        }
        return s;
    }
    let (mut i, mut j, mut s) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 as f64 * b[j].1 as f64;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// `a + b` for sparse vectors sorted by term.
fn add(a: &[(u64, f32)], b: &[(u64, f32)]) -> Vec<(u64, f32)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if j == b.len() || (i < a.len() && a[i].0 < b[j].0) {
            out.push(a[i]);
            i += 1;
        } else if i == a.len() || b[j].0 < a[i].0 {
            out.push(b[j]);
            j += 1;
        } else {
            out.push((a[i].0, a[i].1 + b[j].1));
            i += 1;
            j += 1;
        }
    }
    out
}

/// `1 + ln c`, from a table for the small counts that make up nearly all terms.
#[inline]
fn log_tf(c: u32) -> f32 {
    static TABLE: std::sync::OnceLock<[f32; 64]> = std::sync::OnceLock::new();
    let t = TABLE.get_or_init(|| std::array::from_fn(|i| 1.0 + (i.max(1) as f32).ln()));
    match t.get(c as usize) {
        Some(&v) => v,
        None => 1.0 + (c as f32).ln(),
    }
}

/// Raw term counts of one article: `(term hash, weighted count)` sorted by hash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TermCounts(pub Vec<(u64, u32)>);

impl TermCounts {
    /// A hash of the counts: equal for articles with the same terms (counted once in df).
    fn key(&self) -> u64 {
        self.0.iter().fold(0x0073_746f_7279, |h, &(t, c)| {
            crate::copy::fmix64(h.rotate_left(17) ^ t ^ (c as u64).wrapping_mul(0x9E37))
        })
    }
}

/// Document frequencies: how many articles of a reference corpus hold each term; from a
/// saved table, optionally with LSA term vectors learnt from the same corpus.
#[derive(Clone, Debug, Default)]
pub struct Idf {
    pub documents: u64,
    /// Keyed by XXH3-64 of the stem's UTF-8 bytes.
    df: HashedMap<u32>,
    pub lsa: Option<Arc<Lsa>>,
}

/// The persisted form of an [`Idf`] (JSON): terms as stems, sorted, so the bytes are stable.
#[derive(Serialize, Deserialize)]
pub struct IdfTable {
    pub format: String,
    pub stemmer: String,
    pub hash: String,
    /// The normalization rules the stems were made with (a table only fits the same rules).
    pub normalization: serde_json::Value,
    /// Distinct articles counted.
    pub documents: u64,
    /// Terms found in fewer articles are left out (and count as df 0 when looked up).
    pub min_df: u32,
    pub df: BTreeMap<String, u32>,
    /// LSA term vectors (`naql idf --dims`), for the terms of `df` with at least its `min_df`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lsa: Option<LsaTable>,
}

impl IdfTable {
    /// The document frequencies keyed by term hash, as [`Idf`] looks them up.
    fn hashed_df(&self) -> HashedMap<u32> {
        self.df
            .iter()
            .map(|(term, &n)| (term_hash(term.as_bytes()), n))
            .collect()
    }

    /// The hashes of the terms that own LSA rows, in row order.
    fn lsa_terms(&self, min_df: u32) -> Vec<u64> {
        self.df
            .iter()
            .filter(|e| *e.1 >= min_df)
            .map(|(t, _)| term_hash(t.as_bytes()))
            .collect()
    }
}

impl Idf {
    /// The inverse document frequency of a term (see the module docs).
    #[inline]
    pub fn weight(&self, term: u64) -> f32 {
        let df = self.df.get(&term).copied().unwrap_or(0) as f64;
        (1.0 + ((self.documents as f64 + 1.0) / (df + 1.0)).ln()) as f32
    }

    /// The unit TF-IDF vector of weighted counts.
    pub fn weigh(&self, counts: &TermCounts) -> TermVector {
        let mut v: Vec<(u64, f32)> = counts
            .0
            .iter()
            .map(|&(t, c)| (t, log_tf(c) * self.weight(t)))
            .collect();
        let norm = v
            .iter()
            .map(|x| x.1 as f64 * x.1 as f64)
            .sum::<f64>()
            .sqrt();
        if norm > 0.0 {
            for x in &mut v {
                x.1 = (x.1 as f64 / norm) as f32;
            }
        }
        TermVector(v)
    }

    /// Document frequencies of `articles`, each distinct set of counts counted once.
    pub fn from_counts(articles: &[&TermCounts]) -> Idf {
        let mut seen = HashedMap::default();
        let distinct: Vec<&TermCounts> = articles
            .iter()
            .filter(|c| !c.0.is_empty() && seen.insert(c.key(), ()).is_none())
            .copied()
            .collect();
        // Sorting all term occurrences and counting runs is several times faster than
        // incrementing a hash map per occurrence.
        let mut terms: Vec<u64> = distinct
            .par_iter()
            .flat_map_iter(|c| c.0.iter().map(|x| x.0))
            .collect();
        terms.par_sort_unstable();
        let mut df = HashedMap::default();
        let mut s = 0;
        while s < terms.len() {
            let e = s + terms[s..].iter().take_while(|&&t| t == terms[s]).count();
            df.insert(terms[s], (e - s) as u32);
            s = e;
        }
        Idf {
            documents: distinct.len() as u64,
            df,
            lsa: None,
        }
    }

    /// Reads a table written by [`IdfTable`] (`naql idf`). Errors name the file and say what
    /// is wrong: not JSON (with line and column), another format version, another stemmer,
    /// other normalization rules than `normalize`.
    pub fn load(path: &str, normalize: NormalizeOptions) -> Result<Idf, TableError> {
        let path_of = || path.to_string();
        let bytes = std::fs::read(path).map_err(|source| TableError::Io {
            path: path_of(),
            source,
        })?;
        let t: IdfTable =
            serde_json::from_slice(&bytes).map_err(|source| TableError::Malformed {
                path: path_of(),
                source,
            })?;
        if t.format != IDF_FORMAT {
            return Err(TableError::Format {
                path: path_of(),
                found: t.format,
            });
        }
        if t.stemmer != STEMMER {
            return Err(TableError::Stemmer {
                path: path_of(),
                found: t.stemmer,
            });
        }
        let rules = serde_json::to_value(normalize).expect("plain struct");
        if t.normalization != rules {
            return Err(TableError::Normalization {
                path: path_of(),
                table: t.normalization.to_string(),
                run: rules.to_string(),
            });
        }
        let lsa = match &t.lsa {
            Some(l) => Some(Arc::new(
                Lsa::from_table(l, &t.lsa_terms(l.min_df)).map_err(|reason| {
                    TableError::Vectors {
                        path: path_of(),
                        reason,
                    }
                })?,
            )),
            None => None,
        };
        Ok(Idf {
            documents: t.documents,
            df: t.hashed_df(),
            lsa,
        })
    }
}

/// Why an IDF/LSA table (`naql idf`) cannot be used; each names the table's file.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The table's file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not such a table (or is damaged).
    #[error("{path}: not a naql IDF table: {source}")]
    Malformed {
        /// The table's file.
        path: String,
        /// The cause.
        source: serde_json::Error,
    },
    /// Another version of the format: rebuild the table with this naql.
    #[error("{path}: IDF table format {found:?}, this naql reads {IDF_FORMAT:?}")]
    Format {
        /// The table's file.
        path: String,
        /// The format the file names.
        found: String,
    },
    /// Made with another stemmer: its terms are not this naql's.
    #[error("{path}: IDF table made with stemmer {found:?}, this naql uses {STEMMER:?}")]
    Stemmer {
        /// The table's file.
        path: String,
        /// The stemmer the file names.
        found: String,
    },
    /// Made with other normalization rules: its terms are not this run's.
    #[error(
        "{path}: IDF table made with other normalization rules ({table}) than this run ({run})"
    )]
    Normalization {
        /// The table's file.
        path: String,
        /// The table's rules (JSON).
        table: String,
        /// This run's rules (JSON).
        run: String,
    },
    /// Its LSA vectors are damaged.
    #[error("{path}: {reason}")]
    Vectors {
        /// The table's file.
        path: String,
        /// What is wrong with them.
        reason: String,
    },
}

/// Turns articles into term vectors. Build once, use from many threads.
pub struct StoryModel {
    pub config: StoryConfig,
    normalizer: Normalizer,
    stopwords: Stopwords,
    pub idf: Idf,
}

impl StoryModel {
    /// A model with an empty IDF (every term weighs the same) until one is set.
    pub fn new(config: StoryConfig) -> StoryModel {
        let normalizer = Normalizer::new(config.normalize);
        let stopwords = Stopwords::new(&normalizer);
        StoryModel {
            config,
            normalizer,
            stopwords,
            idf: Idf::default(),
        }
    }

    /// A model whose IDF comes from `docs`.
    pub fn from_documents(config: StoryConfig, docs: &[Document]) -> StoryModel {
        let mut m = StoryModel::new(config);
        let counts: Vec<TermCounts> = docs
            .par_iter()
            .map(|d| m.counts(d.title.as_deref(), &d.text))
            .collect();
        m.idf = Idf::from_counts(&counts.iter().collect::<Vec<_>>());
        m
    }

    /// Calls `f(stem, weight)` for every content word of an article, in order: the title's
    /// words weigh `title_weight`, the lead's `lead_weight`, the rest 1.
    pub fn for_each_term(&self, title: Option<&str>, text: &str, mut f: impl FnMut(&str, u32)) {
        self.for_each_term_bytes(title, text, |t, w| {
            f(std::str::from_utf8(t).expect("stems are cut at letters"), w)
        })
    }

    /// [`StoryModel::for_each_term`] with terms as UTF-8 bytes: the hot path, which never
    /// re-validates a token.
    pub fn for_each_term_bytes(
        &self,
        title: Option<&str>,
        text: &str,
        mut f: impl FnMut(&[u8], u32),
    ) {
        let (stemming, bigrams) = (self.config.stem, self.config.bigrams);
        // The previous content word, for bigrams; a stopword in between breaks the pair.
        let mut prev: Vec<u8> = Vec::new();
        let mut pair: Vec<u8> = Vec::new();
        let mut emit = |word: &[u8], weight: u32| -> bool {
            if word.len() < 2 || self.stopwords.contains(word, term_hash(word)) {
                prev.clear();
                return false;
            }
            let s = if stemming { stem_bytes(word) } else { word };
            f(s, weight);
            if bigrams {
                if !prev.is_empty() {
                    pair.clear();
                    pair.extend_from_slice(&prev);
                    pair.push(b' ');
                    pair.extend_from_slice(s);
                    f(&pair, weight);
                }
                prev.clear();
                prev.extend_from_slice(s);
            }
            true
        };
        if let Some(t) = title {
            self.normalizer
                .for_each_token_bytes(t, |w, _| _ = emit(w, self.config.title_weight));
            emit(b"", 0);
        }
        let mut body = text;
        let first = text.lines().find(|l| l.chars().any(char::is_alphanumeric));
        if let Some(line) = first {
            let cut = self.normalizer.dateline_end(line);
            if cut > 0 {
                let at = line.as_ptr() as usize - text.as_ptr() as usize + cut;
                body = &text[at..];
            }
        }
        let mut seen = 0usize;
        let (lead, lead_words) = (self.config.lead_weight, self.config.lead_words);
        self.normalizer.for_each_token_bytes(body, |w, _| {
            let weight = if seen < lead_words { lead } else { 1 };
            seen += emit(w, weight) as usize;
        });
    }

    /// The weighted term counts of an article.
    pub fn counts(&self, title: Option<&str>, text: &str) -> TermCounts {
        let mut v: Vec<(u64, u32)> = Vec::with_capacity(text.len() / 12);
        self.for_each_term_bytes(title, text, |s, w| v.push((term_hash(s), w)));
        v.sort_unstable_by_key(|&(h, _)| h);
        let mut out: Vec<(u64, u32)> = Vec::with_capacity(v.len());
        for (h, w) in v {
            match out.last_mut() {
                Some(last) if last.0 == h => last.1 += w,
                _ => out.push((h, w)),
            }
        }
        TermCounts(out)
    }

    /// The unit vector of weighted counts: TF-IDF, and with LSA vectors in the IDF table, the
    /// TF-IDF part scaled by `√(1 − w)` followed by the unit LSA vector scaled by `√w`
    /// (`w` = [`StoryConfig::semantic_weight`]), so that a dot product is
    /// `(1 − w) · TF-IDF cosine + w · LSA cosine` and the whole stays a unit vector.
    pub fn weigh(&self, counts: &TermCounts) -> TermVector {
        let v = self.idf.weigh(counts);
        let Some(lsa) = &self.idf.lsa else {
            return v;
        };
        let Some(e) = lsa.embed(&v.0) else {
            return v;
        };
        let w = self.config.semantic_weight.clamp(0.0, 1.0);
        let (a, b) = ((1.0 - w).sqrt() as f32, w.sqrt() as f32);
        let mut out: Vec<(u64, f32)> = Vec::with_capacity(v.0.len() + e.len());
        out.extend(
            v.0.iter()
                .filter(|x| x.0 < SEMANTIC_KEY)
                .map(|&(t, x)| (t, x * a)),
        );
        out.extend(
            e.iter()
                .enumerate()
                .map(|(i, &x)| (SEMANTIC_KEY + i as u64, x * b)),
        );
        TermVector(out)
    }

    /// The unit TF-IDF vector of an article.
    pub fn vector(&self, title: Option<&str>, text: &str) -> TermVector {
        self.weigh(&self.counts(title, text))
    }

    /// Story similarity of two articles (cosine of their vectors).
    pub fn similarity(&self, a: (Option<&str>, &str), b: (Option<&str>, &str)) -> f64 {
        self.vector(a.0, a.1).cosine(&self.vector(b.0, b.1))
    }

    /// The document frequencies of `docs` as a table to save (terms by their stems), with
    /// `dims` LSA dimensions learnt from the same articles (0: none). Terms need
    /// [`LSA_MIN_DF`] articles (or `min_df`, if more) for an LSA vector: rarer ones say little
    /// about which words go together, and would make the table several times larger.
    pub fn idf_table(
        &self,
        docs: &[(Option<String>, String)],
        min_df: u32,
        dims: usize,
    ) -> IdfTable {
        let per_doc: Vec<(BTreeMap<String, u32>, TermCounts)> = docs
            .par_iter()
            .map(|(title, text)| {
                let mut terms: BTreeMap<String, u32> = BTreeMap::new();
                self.for_each_term(title.as_deref(), text, |s, w| {
                    *terms.entry(s.to_owned()).or_default() += w
                });
                let counts = TermCounts(
                    terms
                        .iter()
                        .map(|(s, &c)| (term_hash(s.as_bytes()), c))
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect(),
                );
                (terms, counts)
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut df: BTreeMap<String, u32> = BTreeMap::new();
        let mut distinct = Vec::new();
        for (terms, counts) in per_doc {
            if terms.is_empty() || !seen.insert(counts.key()) {
                continue;
            }
            for t in terms.into_keys() {
                *df.entry(t).or_default() += 1;
            }
            distinct.push(counts);
        }
        let documents = distinct.len() as u64;
        df.retain(|_, n| *n >= min_df);
        let mut table = IdfTable {
            format: IDF_FORMAT.into(),
            stemmer: STEMMER.into(),
            hash: "xxh3-64".into(),
            normalization: serde_json::to_value(self.config.normalize).expect("plain struct"),
            documents,
            min_df,
            df,
            lsa: None,
        };
        if dims > 0 {
            let lsa_min_df = min_df.max(LSA_MIN_DF);
            let columns = table.lsa_terms(lsa_min_df);
            let idf = Idf {
                documents,
                df: table.hashed_df(),
                lsa: None,
            };
            let rows: Vec<Vec<(u64, f32)>> = distinct.par_iter().map(|c| idf.weigh(c).0).collect();
            let lsa = Lsa::train(&rows, &columns, dims, LSA_SEED);
            table.lsa = Some(lsa.to_table(&columns, lsa_min_df));
        }
        table
    }

    /// Maps term hashes back to stems by re-reading `texts` (for showing a story's terms).
    /// Titles are read first: a story's terms are usually in them.
    fn names(&self, texts: &[(Option<&str>, &str)], wanted: &[u64]) -> HashMap<u64, String> {
        let mut out = HashMap::new();
        let titles = texts.iter().filter_map(|t| t.0).map(|t| (Some(t), ""));
        let bodies = texts.iter().map(|t| (None, t.1));
        for (title, text) in titles.chain(bodies) {
            if out.len() == wanted.len() {
                break;
            }
            self.for_each_term(title, text, |s, _| {
                let h = term_hash(s.as_bytes());
                if wanted.contains(&h) && !out.contains_key(&h) {
                    out.insert(h, s.to_owned());
                }
            });
        }
        out
    }
}

/// One article as story clustering holds it.
pub struct StoryDoc {
    pub counts: TermCounts,
    pub days: Option<f64>,
    /// Kept to name each story's terms.
    pub title: Option<String>,
    pub text: String,
}

/// A verified pair (indices into the documents, `a < b`).
#[derive(Clone, Debug, PartialEq)]
pub struct StoryPair {
    pub a: usize,
    pub b: usize,
    pub similarity: f64,
}

/// An article of a story with its cosine to the story's centre (the mean of its vectors).
#[derive(Clone, Debug, PartialEq)]
pub struct StoryMember {
    pub doc: usize,
    pub similarity: f64,
}

/// The articles of one copy-level cluster inside a story (or one article on its own).
#[derive(Clone, Debug, PartialEq)]
pub struct CopyGroup {
    /// The id of the copy-level cluster in [`StoryOutcome::copy`]; `None` for a lone article.
    pub copy_cluster: Option<usize>,
    pub members: Vec<StoryMember>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Story {
    pub id: usize,
    pub size: usize,
    /// Copy groups by their earliest date, then id.
    pub groups: Vec<CopyGroup>,
    /// The centre's heaviest terms (stems) with their weight in the unit centre.
    pub terms: Vec<(String, f64)>,
}

/// Counts that account for every input record.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StoryStats {
    pub input_records: usize,
    pub documents: usize,
    /// Articles in stories of two or more.
    pub in_stories: usize,
    pub singletons: usize,
    pub skipped: BTreeMap<String, usize>,
    pub stories: usize,
    pub copy_clusters: usize,
    pub undated: usize,
    pub candidate_pairs: usize,
    pub verified_pairs: usize,
    /// Merges of two groups refused because their average similarity was below `linkage`.
    pub merges_refused: usize,
    /// Merges refused because the story would span more than the window.
    pub merges_refused_span: usize,
}

/// The result of a story run.
pub struct StoryOutcome {
    /// The copy-level run underneath (its clusters are the inner level of the stories).
    pub copy: Outcome,
    pub pairs: Vec<StoryPair>,
    /// Stories of two or more articles, largest first.
    pub stories: Vec<Story>,
    pub stats: StoryStats,
    pub timings: Vec<(&'static str, f64)>,
}

/// Candidate pairs: articles sharing one of their `k` heaviest terms, dated at most `window`
/// days apart (undated articles pair with every date). Sorted and distinct, `a < b`.
pub fn candidate_pairs(
    vectors: &[TermVector],
    days: &[Option<f64>],
    k: usize,
    window: Option<f64>,
) -> Vec<(usize, usize)> {
    candidate_pairs_wide(vectors, days, k, k, window)
}

/// [`candidate_pairs`], asymmetric: a pair qualifies when a term is among the `k` heaviest of
/// one article and the `wide` heaviest (`wide ≥ k`) of the other. Same-story pairs often share
/// a term that is heavy in one report and only middling in the other.
pub fn candidate_pairs_wide(
    vectors: &[TermVector],
    days: &[Option<f64>],
    k: usize,
    wide: usize,
    window: Option<f64>,
) -> Vec<(usize, usize)> {
    let wide = wide.max(k);
    // (term, article, among its k heaviest)
    let mut postings: Vec<(u64, u32, bool)> = vectors
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, v)| {
            v.top(wide)
                .into_iter()
                .enumerate()
                .map(move |(r, t)| (t, i as u32, r < k))
        })
        .collect();
    postings.par_sort_unstable();
    let mut lists: Vec<&[(u64, u32, bool)]> = Vec::new();
    let mut s = 0;
    while s < postings.len() {
        let e = s + postings[s..]
            .iter()
            .take_while(|p| p.0 == postings[s].0)
            .count();
        if e - s > 1 && postings[s..e].iter().any(|p| p.2) {
            lists.push(&postings[s..e]);
        }
        s = e;
    }
    let w = window.unwrap_or(f64::INFINITY);
    let mut pairs: Vec<(usize, usize)> = lists
        .par_iter()
        .flat_map_iter(|list| {
            // By date, so the window is a sliding range; undated articles pair with all.
            let mut dated: Vec<(f64, usize, bool)> = Vec::new();
            let mut undated: Vec<(usize, bool)> = Vec::new();
            for &(_, d, narrow) in *list {
                match days[d as usize] {
                    Some(t) if window.is_some() => dated.push((t, d as usize, narrow)),
                    _ => undated.push((d as usize, narrow)),
                }
            }
            dated.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut out = Vec::new();
            for (x, &(tx, a, na)) in dated.iter().enumerate() {
                for &(ty, b, nb) in &dated[x + 1..] {
                    if ty - tx > w {
                        break;
                    }
                    if na || nb {
                        out.push((a.min(b), a.max(b)));
                    }
                }
            }
            for (x, &(a, na)) in undated.iter().enumerate() {
                let others = undated[x + 1..]
                    .iter()
                    .copied()
                    .chain(dated.iter().map(|&(_, d, n)| (d, n)));
                for (b, nb) in others {
                    if na || nb {
                        out.push((a.min(b), a.max(b)));
                    }
                }
            }
            out.into_iter()
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// The candidates whose cosine reaches `threshold`. Each article `a` is spread once into a
/// dense array over term ranks (rank = position in the sorted hashes, so the products are
/// summed in the same order as [`TermVector::cosine`] and give the same value), then every
/// candidate `b` of `a` is scored by looking its terms up: no merge, no branch per term.
pub fn verify(
    vectors: &[TermVector],
    candidates: &[(usize, usize)],
    threshold: f64,
) -> Vec<StoryPair> {
    let mut hashes: Vec<u64> = vectors
        .par_iter()
        .flat_map_iter(|v| v.0.iter().map(|x| x.0))
        .collect();
    hashes.par_sort_unstable();
    hashes.dedup();
    let rank: HashedMap<u32> = hashes
        .iter()
        .enumerate()
        .map(|(r, &h)| (h, r as u32))
        .collect();
    // Terms by rank, and the LSA tail apart (summed by `tail_dot`, as `dot` does).
    type Ranked = (Vec<(u32, f32)>, Vec<f32>);
    let ranked: Vec<Ranked> = vectors
        .par_iter()
        .map(|v| {
            let t = tail_start(&v.0);
            (
                v.0[..t].iter().map(|&(h, w)| (rank[&h], w)).collect(),
                v.0[t..].iter().map(|e| e.1).collect(),
            )
        })
        .collect();
    let vocabulary = hashes.len();
    drop(rank);
    // Runs of candidates with the same `a` (the list is sorted).
    let mut runs: Vec<&[(usize, usize)]> = Vec::new();
    let mut s = 0;
    while s < candidates.len() {
        let e = s + candidates[s..]
            .iter()
            .take_while(|c| c.0 == candidates[s].0)
            .count();
        runs.push(&candidates[s..e]);
        s = e;
    }
    runs.par_iter()
        .map_init(
            || vec![0f32; vocabulary],
            |dense, run| {
                let a = run[0].0;
                for &(t, w) in &ranked[a].0 {
                    dense[t as usize] = w;
                }
                let out: Vec<StoryPair> = run
                    .iter()
                    .filter_map(|&(_, b)| {
                        let mut sum = 0.0f64;
                        for &(t, w) in &ranked[b].0 {
                            sum += dense[t as usize] as f64 * w as f64;
                        }
                        let (ta, tb) = (&ranked[a].1, &ranked[b].1);
                        let tail = if ta.is_empty() || tb.is_empty() {
                            0.0
                        } else {
                            tail_dot(ta, tb, |x| *x)
                        };
                        let similarity = (sum + tail).clamp(0.0, 1.0);
                        (similarity >= threshold).then_some(StoryPair { a, b, similarity })
                    })
                    .collect();
                for &(t, _) in &ranked[a].0 {
                    dense[t as usize] = 0.0;
                }
                out
            },
        )
        .flatten_iter()
        .collect()
}

/// Union-find over groups that keeps each group's size and the sum of its unit vectors, so
/// the average pairwise cosine of two groups is `sum_a · sum_b / (n_a · n_b)`.
struct Groups<'a> {
    parent: Vec<usize>,
    size: Vec<usize>,
    /// The sum of a group's unit vectors; empty for a lone article (its vector is the sum).
    sum: Vec<Vec<(u64, f32)>>,
    vectors: &'a [TermVector],
    /// Earliest and latest date of each group (infinite when it has none).
    first: Vec<f64>,
    last: Vec<f64>,
}

impl Groups<'_> {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Days from the earliest to the latest report if `a` and `b` merged (0 without dates).
    fn span(&self, a: usize, b: usize) -> f64 {
        let first = self.first[a].min(self.first[b]);
        let last = self.last[a].max(self.last[b]);
        if first.is_finite() && last.is_finite() {
            last - first
        } else {
            0.0
        }
    }

    fn sum(&self, root: usize) -> &[(u64, f32)] {
        if self.size[root] == 1 {
            &self.vectors[root].0
        } else {
            &self.sum[root]
        }
    }

    fn linkage(&self, a: usize, b: usize) -> f64 {
        dot(self.sum(a), self.sum(b)) / (self.size[a] * self.size[b]) as f64
    }

    /// Merges two roots; the smaller index stays the root (determinism).
    fn union(&mut self, a: usize, b: usize) {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        self.parent[hi] = lo;
        let merged = add(self.sum(lo), self.sum(hi));
        self.sum[lo] = merged;
        self.sum[hi] = Vec::new();
        self.size[lo] += self.size[hi];
        self.first[lo] = self.first[lo].min(self.first[hi]);
        self.last[lo] = self.last[lo].max(self.last[hi]);
    }
}

/// Runs copy-level and story-level clustering with one configuration each.
pub struct StoryEngine {
    pub copy: Engine,
    pub model: StoryModel,
    /// IDF from a saved table instead of the input.
    pub fixed_idf: bool,
}

impl StoryEngine {
    pub fn new(copy: dedup::Config, story: StoryConfig, idf: Option<Idf>) -> StoryEngine {
        let mut model = StoryModel::new(story);
        let fixed_idf = idf.is_some();
        if let Some(idf) = idf {
            model.idf = idf;
        }
        StoryEngine {
            copy: Engine::new(copy),
            model,
            fixed_idf,
        }
    }

    /// Where document frequencies come from, for the output: `input`, `table`, or
    /// `table+lsa` (a table with LSA vectors, blended into the similarity).
    pub fn idf_source(&self) -> &'static str {
        match (self.fixed_idf, self.model.idf.lsa.is_some()) {
            (false, _) => "input",
            (true, false) => "table",
            (true, true) => "table+lsa",
        }
    }

    /// One document as both levels hold it; public for callers that keep more of each
    /// document while reading (the story report keeps its text).
    pub fn prepare(&self, doc: Document) -> (dedup::Prepared, StoryDoc) {
        let counts = self.model.counts(doc.title.as_deref(), &doc.text);
        let days = doc.date.as_deref().and_then(crate::date::epoch_days);
        let title = doc.title.clone();
        let text = doc.text.clone();
        let p = self.copy.prepare(doc);
        (
            p,
            StoryDoc {
                counts,
                days,
                title,
                text,
            },
        )
    }

    /// Reads the inputs and runs every stage.
    pub fn run_inputs(
        &mut self,
        inputs: &[String],
        read: &ReadOptions,
    ) -> Result<StoryOutcome, ReadError> {
        let start = Instant::now();
        let (items, report) = corpus::read_with(inputs, read, |doc| self.prepare(doc))?;
        let read_time = start.elapsed().as_secs_f64();
        let mut out = self.run(items, report.skipped);
        out.copy.stats.ignored_files = report.ignored_files.len();
        out.timings.insert(0, ("read+normalize", read_time));
        Ok(out)
    }

    /// Runs every stage on documents already in memory.
    pub fn run_documents(&mut self, docs: Vec<Document>) -> StoryOutcome {
        let items = crate::corpus::items_in_memory(docs, |d| self.prepare(d));
        self.run(items, Vec::new())
    }

    /// All stages after reading.
    pub fn run(
        &mut self,
        items: Vec<Item<(dedup::Prepared, StoryDoc)>>,
        skipped_records: Vec<BadRecord>,
    ) -> StoryOutcome {
        let mut timings = Vec::new();
        let mut clock = Instant::now();
        let mut lap = |name: &'static str| {
            timings.push((name, clock.elapsed().as_secs_f64()));
            clock = Instant::now();
        };
        let mut prepared = Vec::with_capacity(items.len());
        let mut sdocs = Vec::with_capacity(items.len());
        for it in items {
            let (p, s) = it.value;
            prepared.push(Item {
                id: it.id,
                origin: it.origin,
                value: p,
            });
            sdocs.push(s);
        }
        let copy = self.copy.run(prepared, skipped_records);
        lap("copy level");

        if !self.fixed_idf {
            let counts: Vec<&TermCounts> = sdocs.iter().map(|d| &d.counts).collect();
            self.model.idf = Idf::from_counts(&counts);
        }
        let model = &self.model;
        let config = &model.config;
        // An article with no text (only a title) is skipped as "empty text" at both levels.
        let vectors: Vec<TermVector> = sdocs
            .par_iter()
            .zip(&copy.docs)
            .map(|(d, c)| {
                if c.kept_len == 0 {
                    TermVector::default()
                } else {
                    model.weigh(&d.counts)
                }
            })
            .collect();
        let days: Vec<Option<f64>> = sdocs.iter().map(|d| d.days).collect();
        lap("weigh");

        let candidates = candidate_pairs(&vectors, &days, config.index_terms, config.window_days);
        lap("candidates");
        let pairs = verify(&vectors, &candidates, config.threshold);
        lap("verify");

        let n = sdocs.len();
        let empty = |i: usize| copy.docs[i].kept_len == 0;
        // Copy clusters are the starting groups.
        let mut copy_of: Vec<Option<usize>> = vec![None; n];
        for c in &copy.clusters {
            for m in &c.members {
                copy_of[m.doc] = Some(c.id);
            }
        }
        let mut groups = Groups {
            parent: (0..n).collect(),
            size: vec![1; n],
            sum: vec![Vec::new(); n],
            vectors: &vectors,
            first: days.iter().map(|d| d.unwrap_or(f64::INFINITY)).collect(),
            last: days
                .iter()
                .map(|d| d.unwrap_or(f64::NEG_INFINITY))
                .collect(),
        };
        for c in &copy.clusters {
            let first = c.members.iter().map(|m| m.doc).min().expect("not empty");
            for m in &c.members {
                let (ra, rb) = (groups.find(first), groups.find(m.doc));
                if ra != rb {
                    groups.union(ra, rb);
                }
            }
        }
        let mut order: Vec<&StoryPair> = pairs.iter().collect();
        order.sort_by(|x, y| {
            y.similarity
                .total_cmp(&x.similarity)
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        let (mut refused, mut refused_span) = (0, 0);
        let mut refusals: HashMap<(usize, usize), (usize, usize)> = HashMap::new();
        let max_span = config.window_days.unwrap_or(f64::INFINITY);
        for p in order {
            let (ra, rb) = (groups.find(p.a), groups.find(p.b));
            if ra == rb {
                continue;
            }
            // The span is checked first: it costs two comparisons, the linkage a dot product.
            // Groups only grow, so a refusal stands until either group changes size: it is
            // remembered with the sizes it was made at.
            let key = (ra.min(rb), ra.max(rb));
            let sizes = (groups.size[key.0], groups.size[key.1]);
            if groups.span(ra, rb) > max_span {
                refused_span += 1;
            } else if refusals.get(&key) == Some(&sizes) {
                refused += 1;
            } else if groups.linkage(ra, rb) < config.linkage {
                refusals.insert(key, sizes);
                refused += 1;
            } else {
                groups.union(ra, rb);
            }
        }
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..n {
            if !empty(i) {
                let r = groups.find(i);
                by_root.entry(r).or_default().push(i);
            }
        }
        lap("stories");

        let multi: Vec<(usize, Vec<usize>)> =
            by_root.into_iter().filter(|g| g.1.len() > 1).collect();
        let date_order = |i: usize| {
            let k = copy.docs[i]
                .info
                .date
                .as_deref()
                .and_then(crate::date::sort_key);
            (k.is_none(), k.unwrap_or(0), copy.docs[i].info.id.as_str())
        };
        let mut stories: Vec<Story> = multi
            .par_iter()
            .map(|(root, members)| {
                let size = members.len();
                let centre = groups.sum(*root);
                let norm = centre
                    .iter()
                    .map(|x| x.1 as f64 * x.1 as f64)
                    .sum::<f64>()
                    .sqrt()
                    .max(f64::MIN_POSITIVE);
                let mut cg: BTreeMap<(usize, Option<usize>), Vec<StoryMember>> = BTreeMap::new();
                for &m in members {
                    let similarity = (dot(&vectors[m].0, centre) / norm).clamp(0.0, 1.0);
                    // Lone articles get a key of their own (the article index, past any cluster id).
                    let key = match copy_of[m] {
                        Some(c) => (c, Some(c)),
                        None => (usize::MAX / 2 + m, None),
                    };
                    cg.entry(key)
                        .or_default()
                        .push(StoryMember { doc: m, similarity });
                }
                let mut groups_out: Vec<CopyGroup> = cg
                    .into_iter()
                    .map(|((_, c), mut members)| {
                        members.sort_by(|a, b| date_order(a.doc).cmp(&date_order(b.doc)));
                        CopyGroup {
                            copy_cluster: c,
                            members,
                        }
                    })
                    .collect();
                groups_out.sort_by(|a, b| {
                    date_order(a.members[0].doc).cmp(&date_order(b.members[0].doc))
                });
                let top = TermVector(centre.to_vec()).top(config.top_terms);
                let texts: Vec<(Option<&str>, &str)> = members
                    .iter()
                    .map(|&m| (sdocs[m].title.as_deref(), sdocs[m].text.as_str()))
                    .collect();
                let names = model.names(&texts, &top);
                let weight: HashMap<u64, f32> = centre.iter().copied().collect();
                let terms = top
                    .iter()
                    .map(|h| {
                        let name = names.get(h).cloned().unwrap_or_else(|| format!("{h:016x}"));
                        (name, weight[h] as f64 / norm)
                    })
                    .collect();
                Story {
                    id: 0,
                    size,
                    groups: groups_out,
                    terms,
                }
            })
            .collect();
        stories.sort_by(|x, y| {
            y.size.cmp(&x.size).then_with(|| {
                date_order(x.groups[0].members[0].doc).cmp(&date_order(y.groups[0].members[0].doc))
            })
        });
        for (i, s) in stories.iter_mut().enumerate() {
            s.id = i + 1;
        }
        lap("report");

        // Bad records and empty texts, as the copy level counted them.
        let skipped_total: usize = copy.stats.skipped.values().sum();
        let in_stories: usize = stories.iter().map(|s| s.size).sum();
        let stats = StoryStats {
            input_records: copy.stats.input_records,
            documents: n,
            in_stories,
            singletons: copy.stats.input_records - in_stories - skipped_total,
            skipped: copy.stats.skipped.clone(),
            stories: stories.len(),
            copy_clusters: copy.clusters.len(),
            undated: days.iter().filter(|d| d.is_none()).count(),
            candidate_pairs: candidates.len(),
            verified_pairs: pairs.len(),
            merges_refused: refused,
            merges_refused_span: refused_span,
        };
        StoryOutcome {
            copy,
            pairs,
            stories,
            stats,
            timings,
        }
    }
}

impl StoryOutcome {
    /// The id of document `i`.
    pub fn id(&self, i: usize) -> &str {
        &self.copy.docs[i].info.id
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[derive(Serialize)]
struct ArticleOut<'a> {
    id: &'a str,
    source: Option<&'a str>,
    date: Option<&'a str>,
    title: Option<&'a str>,
    similarity: f64,
}

#[derive(Serialize)]
struct GroupOut<'a> {
    copy_cluster: Option<usize>,
    articles: Vec<ArticleOut<'a>>,
}

#[derive(Serialize)]
struct StoryOut<'a> {
    id: usize,
    size: usize,
    sources: Vec<&'a str>,
    first_date: Option<&'a str>,
    last_date: Option<&'a str>,
    terms: Vec<(&'a str, f64)>,
    copy_groups: Vec<GroupOut<'a>>,
}

fn stories_out(out: &StoryOutcome) -> Vec<StoryOut<'_>> {
    out.stories
        .iter()
        .map(|s| {
            let info = |i: usize| &out.copy.docs[i].info;
            let members = s.groups.iter().flat_map(|g| &g.members);
            let mut sources: Vec<&str> = members
                .clone()
                .filter_map(|m| info(m.doc).source.as_deref())
                .collect();
            sources.sort_unstable();
            sources.dedup();
            let mut dates: Vec<(u64, &str)> = members
                .filter_map(|m| {
                    let d = info(m.doc).date.as_deref()?;
                    Some((crate::date::sort_key(d)?, d))
                })
                .collect();
            dates.sort_unstable();
            StoryOut {
                id: s.id,
                size: s.size,
                sources,
                first_date: dates.first().map(|d| d.1),
                last_date: dates.last().map(|d| d.1),
                terms: s
                    .terms
                    .iter()
                    .map(|(t, w)| (t.as_str(), round(*w)))
                    .collect(),
                copy_groups: s
                    .groups
                    .iter()
                    .map(|g| GroupOut {
                        copy_cluster: g.copy_cluster,
                        articles: g
                            .members
                            .iter()
                            .map(|m| {
                                let d = info(m.doc);
                                ArticleOut {
                                    id: &d.id,
                                    source: d.source.as_deref(),
                                    date: d.date.as_deref(),
                                    title: d.title.as_deref(),
                                    similarity: round(m.similarity),
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// One line that accounts for every input record.
pub fn summary_line(out: &StoryOutcome) -> String {
    let s = &out.stats;
    let skipped: usize = s.skipped.values().sum();
    let reasons: Vec<String> = s.skipped.iter().map(|(r, n)| format!("{n} {r}")).collect();
    let mut line = format!(
        "{} documents: {} in {} stories, {} singletons, {} skipped",
        s.input_records, s.in_stories, s.stories, s.singletons, skipped
    );
    if !reasons.is_empty() {
        line += &format!(" ({})", reasons.join(", "));
    }
    line
}

#[derive(Serialize)]
struct Whole<'a> {
    params: &'a StoryConfig,
    stemmer: &'static str,
    idf: &'a str,
    stats: &'a StoryStats,
    skipped_records: &'a [BadRecord],
    stories: Vec<StoryOut<'a>>,
}

/// Writes the stories in `format` (text, json or jsonl; csv is refused by the caller).
pub fn write_stories(
    w: &mut dyn Write,
    out: &StoryOutcome,
    config: &StoryConfig,
    idf: &str,
    format: crate::render::clusters::Format,
) -> io::Result<()> {
    use crate::render::clusters::Format;
    match format {
        Format::Json => {
            let whole = Whole {
                params: config,
                stemmer: STEMMER,
                idf,
                stats: &out.stats,
                skipped_records: &out.copy.skipped_records,
                stories: stories_out(out),
            };
            serde_json::to_writer_pretty(&mut *w, &whole)?;
            writeln!(w)
        }
        Format::Jsonl | Format::Csv => {
            for s in stories_out(out) {
                serde_json::to_writer(&mut *w, &s)?;
                writeln!(w)?;
            }
            Ok(())
        }
        Format::Text => {
            let s = &out.stats;
            writeln!(w, "{}", summary_line(out))?;
            writeln!(
                w,
                "cosine ≥ {} · average linkage ≥ {} · window {} · {} copy clusters · {} candidate pairs → {} verified · merges refused: {} by linkage, {} by span",
                config.threshold,
                config.linkage,
                config
                    .window_days
                    .map_or("none".to_string(), |d| format!("{d} days")),
                s.copy_clusters,
                s.candidate_pairs,
                s.verified_pairs,
                s.merges_refused,
                s.merges_refused_span
            )?;
            for st in stories_out(out) {
                writeln!(w)?;
                let terms: Vec<&str> = st.terms.iter().map(|t| t.0).collect();
                writeln!(
                    w,
                    "story {} · {} reports · {} outlets{} · {} … {}",
                    st.id,
                    st.size,
                    st.sources.len(),
                    if st.sources.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", st.sources.join(", "))
                    },
                    st.first_date.map_or("-", |d| d.get(..10).unwrap_or(d)),
                    st.last_date.map_or("-", |d| d.get(..10).unwrap_or(d)),
                )?;
                writeln!(w, "  terms: {}", terms.join(" · "))?;
                for g in &st.copy_groups {
                    for (i, a) in g.articles.iter().enumerate() {
                        let mark = match (g.copy_cluster, i) {
                            (Some(c), 0) => format!("copies #{c:<4}"),
                            (Some(_), _) => "  ″".to_string(),
                            (None, _) => String::new(),
                        };
                        writeln!(
                            w,
                            "  {:<12} {:<12} {:<10} {:.2}  {}  {}",
                            mark,
                            a.source.unwrap_or("-"),
                            a.date.map_or("-", |d| d.get(..10).unwrap_or(d)),
                            a.similarity,
                            a.id,
                            a.title.unwrap_or("")
                        )?;
                    }
                }
            }
            Ok(())
        }
    }
}

#[derive(Serialize)]
struct PairOut<'a> {
    a: &'a str,
    b: &'a str,
    similarity: f64,
}

/// Verified story pairs as JSONL `{"a", "b", "similarity"}`, sorted by (a, b) in input order.
pub fn write_pairs(w: &mut dyn Write, out: &StoryOutcome) -> io::Result<()> {
    for p in &out.pairs {
        let o = PairOut {
            a: out.id(p.a),
            b: out.id(p.b),
            similarity: round(p.similarity),
        };
        serde_json::to_writer(&mut *w, &o)?;
        writeln!(w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::stem::stem;

    fn doc(id: &str, date: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            source: Some(format!("s{id}")),
            date: (!date.is_empty()).then(|| date.into()),
            title: None,
            text: text.into(),
        }
    }

    #[test]
    fn title_and_lead_words_weigh_more_and_stopwords_nothing() {
        let m = StoryModel::new(StoryConfig {
            lead_words: 2,
            ..StoryConfig::default()
        });
        let c = m.counts(Some("الرياض"), "جدة مكة الرياض في من على جدة");
        let get = |w: &str| {
            let h = term_hash(stem(&m.normalizer.normalize(w)).as_bytes());
            c.0.iter().find(|x| x.0 == h).map_or(0, |x| x.1)
        };
        assert_eq!(get("الرياض"), 3 + 1); // title 3, past the lead 1
        assert_eq!(get("جدة"), 2 + 1); // lead 2, later 1
        assert_eq!(get("مكة"), 2);
        assert_eq!(get("في"), 0);
        assert_eq!(c.0.len(), 3);
    }

    #[test]
    fn datelines_are_not_terms() {
        let m = StoryModel::new(StoryConfig::default());
        let a = m.counts(None, "الرياض - واس: افتتح الأمير المعرض");
        let b = m.counts(None, "افتتح الأمير المعرض");
        assert_eq!(
            a.0.iter().map(|x| x.0).collect::<Vec<_>>(),
            b.0.iter().map(|x| x.0).collect::<Vec<_>>()
        );
    }

    #[test]
    fn candidates_share_a_top_term_inside_the_window() {
        let v = |terms: &[u64]| {
            let w = 1.0 / (terms.len() as f32).sqrt();
            let mut t: Vec<(u64, f32)> = terms.iter().map(|&h| (h, w)).collect();
            t.sort_by_key(|x| x.0);
            TermVector(t)
        };
        let vectors = vec![v(&[1, 2]), v(&[1, 3]), v(&[1, 4]), v(&[5, 6]), v(&[1, 2])];
        let days = vec![Some(0.0), Some(2.5), Some(10.0), Some(0.0), None];
        let c = candidate_pairs(&vectors, &days, 2, Some(3.0));
        // 0–1 inside 3 days, 0–2 and 1–2 outside; 3 shares nothing; the undated 4 pairs with all.
        assert_eq!(c, vec![(0, 1), (0, 4), (1, 4), (2, 4)]);
        // Asymmetric lists lie between the symmetric ones: top-1 × top-2 holds every top-1
        // pair and only top-2 pairs.
        let narrow = candidate_pairs(&vectors, &days, 1, Some(3.0));
        let wide = candidate_pairs_wide(&vectors, &days, 1, 2, Some(3.0));
        assert!(narrow.iter().all(|p| wide.contains(p)));
        assert!(wide.iter().all(|p| c.contains(p)));
        assert_eq!(candidate_pairs_wide(&vectors, &days, 2, 2, Some(3.0)), c);
        let all = candidate_pairs(&vectors, &days, 2, None);
        assert!(all.contains(&(0, 2)) && all.contains(&(1, 2)));
        let scored = verify(&vectors, &all, 0.0);
        for p in &scored {
            assert_eq!(p.similarity, vectors[p.a].cosine(&vectors[p.b]));
        }
    }

    /// With LSA tails, verification, cosine and the blend agree: the dot product is the terms'
    /// part plus the tails' part, to the same bits, and top terms never list a dimension.
    #[test]
    fn lsa_tails_are_summed_alike_everywhere() {
        let v = |terms: &[(u64, f32)], tail: Option<[f32; 7]>| {
            let mut t: Vec<(u64, f32)> = terms.to_vec();
            if let Some(d) = tail {
                t.extend(
                    d.iter()
                        .enumerate()
                        .map(|(i, &x)| (SEMANTIC_KEY + i as u64, x)),
                );
            }
            TermVector(t)
        };
        let d1 = [0.3, 0.1, 0.2, 0.05, 0.1, 0.2, 0.15];
        let d2 = [0.1, 0.3, 0.2, 0.1, 0.05, 0.2, 0.1];
        let vectors = vec![
            v(&[(1, 0.5), (2, 0.4)], Some(d1)),
            v(&[(1, 0.3), (3, 0.6)], Some(d2)),
            v(&[(2, 0.7)], None),
        ];
        let expected = 0.5 * 0.3
            + d1.iter()
                .zip(&d2)
                .map(|(a, b)| *a as f64 * *b as f64)
                .sum::<f64>();
        let c = vectors[0].cosine(&vectors[1]);
        assert!((c - expected).abs() < 1e-6, "{c} vs {expected}");
        // An article without LSA terms meets the others on terms alone.
        assert!((vectors[0].cosine(&vectors[2]) - 0.4 * 0.7).abs() < 1e-6);
        let scored = verify(&vectors, &[(0, 1), (0, 2), (1, 2)], 0.0);
        assert_eq!(scored.len(), 3);
        for p in &scored {
            assert_eq!(p.similarity, vectors[p.a].cosine(&vectors[p.b]));
        }
        assert_eq!(vectors[0].top(5), vec![1, 2]);
    }

    const X: &str = "أعلنت وزارة الصحة تسجيل إصابات جديدة بفيروس كورونا في مدينة جدة وأكدت الوزارة أن المستشفيات مستعدة لاستقبال المصابين";
    const Y: &str = "فاز فريق الهلال على النصر في مباراة الدوري على ملعب الملك فهد بهدفين وتصدر الهلال جدول الترتيب بعد المباراة";

    fn bridged(linkage: f64) -> StoryOutcome {
        let docs = vec![
            doc("x1", "2015-07-21", X),
            doc("x2", "2015-07-21", &format!("{X} في المنطقة")),
            doc("x3", "2015-07-22", &format!("قالت {X}")),
            // Half of each story: similar to both sides, a bridge for single linkage.
            doc("bridge", "2015-07-21", &format!("{X} {Y}")),
            doc("y1", "2015-07-21", Y),
            doc("y2", "2015-07-22", &format!("{Y} أمس")),
            doc("y3", "2015-07-22", &format!("وقد {Y}")),
        ];
        let mut e = StoryEngine::new(
            dedup::Config {
                threshold: 0.99,
                ..dedup::Config::default()
            },
            StoryConfig {
                linkage,
                // Every shared term makes a candidate: this test is about linkage alone.
                index_terms: 1000,
                ..StoryConfig::default()
            },
            None,
        );
        e.run_documents(docs)
    }

    fn story_of(out: &StoryOutcome, id: &str) -> Option<usize> {
        out.stories.iter().find_map(|s| {
            s.groups
                .iter()
                .flat_map(|g| &g.members)
                .any(|m| out.id(m.doc) == id)
                .then_some(s.id)
        })
    }

    #[test]
    fn average_linkage_stops_a_bridge_from_joining_two_stories() {
        let single = bridged(0.0);
        assert_eq!(
            single.stories.len(),
            1,
            "single linkage chains through the bridge"
        );
        let avg = bridged(StoryConfig::default().linkage);
        assert!(avg.stats.merges_refused > 0);
        assert_ne!(story_of(&avg, "x1"), story_of(&avg, "y1"));
        assert_eq!(story_of(&avg, "x1"), story_of(&avg, "x3"));
        assert_eq!(story_of(&avg, "y1"), story_of(&avg, "y3"));
        for out in [&single, &avg] {
            let s = &out.stats;
            let skipped: usize = s.skipped.values().sum();
            assert_eq!(s.in_stories + s.singletons + skipped, s.input_records);
        }
    }

    #[test]
    fn idf_tables_round_trip_and_wrong_tables_are_refused() {
        let m = StoryModel::new(StoryConfig::default());
        let docs = vec![
            (Some("الرياض".to_string()), X.to_string()),
            (None, Y.to_string()),
            (Some("الرياض".to_string()), X.to_string()), // the same terms again: counted once
        ];
        let table = m.idf_table(&docs, 1, 0);
        assert_eq!(table.documents, 2);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("idf.json");
        let p = path.to_str().unwrap();
        std::fs::write(&path, serde_json::to_string(&table).unwrap()).unwrap();
        let idf = Idf::load(p, NormalizeOptions::default()).unwrap();
        assert_eq!(idf.documents, 2);
        let h = |w: &str| term_hash(w.as_bytes());
        assert_eq!(idf.df.get(&h("هلال")), Some(&1));
        assert!(idf.weight(h("هلال")) < idf.weight(h("no such term")));
        let err = Idf::load(p, NormalizeOptions::none())
            .unwrap_err()
            .to_string();
        assert!(err.contains("normalization"), "{err}");
        std::fs::write(&path, "{\"format\": \"naql-idf-v0\"").unwrap();
        let err = Idf::load(p, NormalizeOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains(p) && err.contains("line 1"), "{err}");
    }
}
