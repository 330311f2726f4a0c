//! Document frequencies: the [`Idf`] weights, their saved form ([`IdfTable`], format
//! `naql-idf-v2`, optionally with LSA vectors) and why a saved table is refused ([`TableError`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::hash::term_hash;
use crate::story::lsa::{Lsa, LsaError, LsaTable};
use crate::story::model::StoryModel;
use crate::story::terms::TermCounts;
use crate::story::vector::TermVector;
use crate::text::stem::{HashedMap, STEMMER};
use crate::text::{NORMALIZATION, NormalizeOptions};

/// Fewest articles a term needs for an LSA vector in a saved table.
pub const LSA_MIN_DF: u32 = 5;

/// The seed of the random projection behind LSA tables: fixed, so one corpus always gives the
/// same table.
const LSA_SEED: u64 = 0x6e61_716c_5f6c_7361;

/// The format name and version of a saved IDF table.
pub const IDF_FORMAT: &str = "naql-idf-v2";

/// The format of tables made under normalization `naql-norm-v1`: refused with how to rebuild.
pub const IDF_FORMAT_V1: &str = "naql-idf-v1";

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

/// Document frequencies: how many articles of a reference corpus hold each term; from a
/// saved table, optionally with LSA term vectors learnt from the same corpus.
#[derive(Clone, Debug, Default)]
pub struct Idf {
    /// Distinct articles counted (`N` in the weight).
    pub documents: u64,
    /// Keyed by XXH3-64 of the stem's UTF-8 bytes.
    df: HashedMap<u32>,
    /// LSA term vectors from the same corpus, when the table has them.
    pub lsa: Option<Arc<Lsa>>,
    /// [`Idf::weight`] by document frequency, for the first [`WEIGHT_TABLE`] of them, and the
    /// `documents` it was made for.
    by_df: (u64, Vec<f32>),
}

/// Document frequencies whose weight [`Idf`] keeps in a table.
const WEIGHT_TABLE: usize = 1 << 16;

/// The persisted form of an [`Idf`] (JSON): terms as stems, sorted, so the bytes are stable.
#[derive(Serialize, Deserialize)]
pub struct IdfTable {
    /// [`IDF_FORMAT`]: a table of another version is refused.
    pub format: String,
    /// The stemmer the terms were made with ([`STEMMER`]).
    pub stemmer: String,
    /// The term hash the table's users key it by (`xxh3-64`).
    pub hash: String,
    /// The normalization rules the stems were made with (a table only fits the same rules).
    pub normalization: serde_json::Value,
    /// Distinct articles counted.
    pub documents: u64,
    /// Terms found in fewer articles are left out (and count as df 0 when looked up).
    pub min_df: u32,
    /// Articles holding each term (stem, or two stems with a space for a bigram).
    pub df: BTreeMap<String, u32>,
    /// LSA term vectors (`naql idf --dims`), for the terms of `df` with at least its `min_df`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lsa: Option<LsaTable>,
}

impl IdfTable {
    /// The document frequencies keyed by term hash, as [`Idf`] looks them up.
    pub(crate) fn hashed_df(&self) -> HashedMap<u32> {
        self.df
            .iter()
            .map(|(term, &n)| (term_hash(term.as_bytes()), n))
            .collect()
    }

    /// The hashes of the terms that own LSA rows, in row order.
    pub(crate) fn lsa_terms(&self, min_df: u32) -> Vec<u64> {
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
        let df = self.df.get(&term).copied().unwrap_or(0);
        match self.by_df.1.get(df as usize) {
            // Made for this `documents` (a public field, which a caller may change).
            Some(&w) if self.by_df.0 == self.documents => w,
            _ => self.weight_of_df(df),
        }
    }

    /// `1 + ln((N + 1) / (df + 1))`.
    fn weight_of_df(&self, df: u32) -> f32 {
        (1.0 + ((self.documents as f64 + 1.0) / (df as f64 + 1.0)).ln()) as f32
    }

    /// The weights of the small document frequencies, which nearly all terms have, made once
    /// so that weighing a vector takes no logarithm per term.
    fn with_weight_table(mut self) -> Idf {
        let n = (self.documents as usize + 1).min(WEIGHT_TABLE);
        self.by_df = (
            self.documents,
            (0..n as u32).map(|df| self.weight_of_df(df)).collect(),
        );
        self
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
            ..Idf::default()
        }
        .with_weight_table()
    }

    /// Reads a table written by [`IdfTable`] (`naql idf`). Errors name the file and say what
    /// is wrong: not JSON (with line and column), another format version, another stemmer,
    /// other normalization rules than `normalize`.
    pub fn load(path: &str, normalize: NormalizeOptions) -> Result<Idf, TableError> {
        let bytes = std::fs::read(path).map_err(|source| TableError::Io {
            path: path.to_string(),
            source,
        })?;
        Idf::from_slice(&bytes, path, normalize)
    }

    /// Reads a table from its JSON bytes, as [`Idf::load`] does; `path` names it in errors.
    pub fn from_slice(
        bytes: &[u8],
        path: &str,
        normalize: NormalizeOptions,
    ) -> Result<Idf, TableError> {
        let path_of = || path.to_string();
        let t: IdfTable =
            serde_json::from_slice(bytes).map_err(|source| TableError::Malformed {
                path: path_of(),
                source,
            })?;
        if t.format == IDF_FORMAT_V1 {
            return Err(TableError::OldNormalization { path: path_of() });
        }
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
                Lsa::from_table(l, &t.lsa_terms(l.min_df)).map_err(|source| {
                    TableError::Vectors {
                        path: path_of(),
                        source,
                    }
                })?,
            )),
            None => None,
        };
        Ok(Idf {
            documents: t.documents,
            df: t.hashed_df(),
            lsa,
            ..Idf::default()
        }
        .with_weight_table())
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
    /// A table of format `naql-idf-v1`, whose terms were normalized by `naql-norm-v1`.
    #[error(
        "{path}: IDF table format {IDF_FORMAT_V1:?}, made with normalization naql-norm-v1; \
         this naql reads {IDF_FORMAT:?} ({NORMALIZATION}): rebuild it from its corpus with \
         `naql idf CORPUS... -o {path}`"
    )]
    OldNormalization {
        /// The table's file.
        path: String,
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
    #[error("{path}: {source}")]
    Vectors {
        /// The table's file.
        path: String,
        /// What is wrong with them.
        source: LsaError,
    },
}

impl StoryModel {
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
                ..Idf::default()
            }
            .with_weight_table();
            let rows: Vec<Vec<(u64, f32)>> = distinct.par_iter().map(|c| idf.weigh(c).0).collect();
            let lsa = Lsa::train(&rows, &columns, dims, LSA_SEED);
            table.lsa = Some(lsa.to_table(&columns, lsa_min_df));
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::story::StoryConfig;

    const X: &str = "أعلنت وزارة الصحة تسجيل إصابات جديدة بفيروس كورونا في مدينة جدة وأكدت الوزارة أن المستشفيات مستعدة لاستقبال المصابين";
    const Y: &str = "فاز فريق الهلال على النصر في مباراة الدوري على ملعب الملك فهد بهدفين وتصدر الهلال جدول الترتيب بعد المباراة";

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
