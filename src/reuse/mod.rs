//! Passage-level reuse across a corpus: which passages each document shares with which other,
//! with spans into both original texts, a score, a direction and clusters of the same passage.
//!
//! The pipeline follows passim and the PAN text-alignment systems (seeding → extension →
//! filtering), in four steps:
//!
//! 1. **Seeds** (`seeds.rs`): each document's content words (stopwords out, light stems from
//!    [`crate::text::stem::for_terms`], so «الأحافير» meets «أحافير») are hashed with
//!    [`crate::hash`], alone or as word n-grams ([`Config::ngram`]). A seed kept for matching
//!    is *rare*: in at least two documents and at most [`Config::max_df`] (like passim's
//!    `--maxDF`), so formulae and dateline words never make candidates.
//! 2. **Candidates**: pairs of documents sharing at least [`Config::min_shared`] rare seeds,
//!    counted from the posting lists (each list is at most `max_df` long, so the work is bounded).
//! 3. **Passages** (`align.rs`): first a preview: the hits of the pair's rare seeds alone,
//!    grouped with twice the gap, must make a group of four; most candidates stop there. Then
//!    the hits of every seed in at most [`Config::align_df_share`] of the documents (common
//!    words too, which a rewritten passage keeps more of), taken only in windows around the
//!    preview's groups, as points (position in A, position in B), are split recursively
//!    wherever a gap of more than [`Config::gap`] words opens along either document, and
//!    sparse runs of hits at a group's edges are trimmed. What remains are dense rectangles
//!    rather than diagonals, which is what lets a passage survive word shuffling, phrase
//!    shuffling and synonym substitution: the words stay near each other, not in order. A
//!    rectangle is grown over equal words at its edges (stopwords seed nothing) and is a
//!    passage when both sides have [`Config::min_words`] words and the share of its
//!    informative words that matched (its score) reaches [`Config::min_score`].
//! 4. **Direction and clusters** (`direction.rs`, `clusters.rs`): for each link the likely
//!    source (earlier date, else the longer passage, else a wire agency), and connected
//!    components of overlapping passages with their earliest occurrence and boilerplate share.
//!
//! What is reused from the other rooms: [`crate::corpus`] readers, the [`crate::text`]
//! normalizer and its token spans, the term stemmer and stopword list, the one token hash and
//! [`crate::date`]. The sentence aligner of [`crate::diff`] does not fit: it pairs sentences in
//! order and a shuffled passage has no sentences left to pair.

mod align;
mod clusters;
mod direction;
mod engine;
mod seeds;

pub use self::align::{Hit, Rect, extend, hits, hits_within, rare_hits, rectangles, score};
pub use self::clusters::{Cluster, Member};
pub use self::direction::{Direction, Reason, Side, decide};
pub use self::engine::{DocInfo, EXCERPT_CHARS, Engine, Link, Outcome, Stats};
pub use self::seeds::{Prepared, SeedIndex, prepare};

use crate::error::ConfigError;
use crate::text::NormalizeOptions;

/// Everything that decides the links. `Default` is what `naql reuse` uses (tuned on the
/// AraPlagDet dev half; see EVALUATION.md).
#[derive(Clone, Debug)]
pub struct Config {
    /// Which spelling differences are folded away before seeding.
    pub normalize: NormalizeOptions,
    /// Content words per seed: 1 survives word shuffling; longer seeds make fewer candidates.
    pub ngram: usize,
    /// A seed in more documents than this is too common to seed anything (passim's maxDF).
    pub max_df: usize,
    /// Within a candidate pair, hits come from seeds in at most this share of the documents
    /// (at least `max_df`): common words too, which a rewritten passage keeps more of.
    pub align_df_share: f64,
    /// Rare seeds two documents must share to be compared at all.
    pub min_shared: usize,
    /// The most words between two seed hits of one passage, along either document.
    pub gap: usize,
    /// The fewest words a passage has on each side.
    pub min_words: usize,
    /// The fewest seed hits in a passage.
    pub min_seeds: usize,
    /// The share of a passage's informative words that must match (0–1).
    pub min_score: f64,
    /// A seed that occurs more often than this in one document is left out of its hits
    /// (a repeated name would otherwise make a grid of hits).
    pub max_repeats: usize,
    /// Outlets that are wire agencies: with no date to decide, a passage comes from them.
    pub wire: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            normalize: NormalizeOptions::default(),
            ngram: 1,
            max_df: 50,
            align_df_share: 0.2,
            min_shared: 8,
            gap: 30,
            min_words: 20,
            min_seeds: 5,
            min_score: 0.4,
            max_repeats: 4,
            wire: vec!["was".into()],
        }
    }
}

/// The longest seed in words ([`Config::validate`]).
pub const MAX_NGRAM: usize = 8;

impl Config {
    /// Checks every parameter before any work: `ngram` in 1..=[`MAX_NGRAM`], `max_df` at least
    /// 2 (a seed must be in two documents to link them), `min_shared`, `min_seeds`, `gap`,
    /// `min_words` and `max_repeats` at least 1, `min_score` in [0, 1].
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.ngram == 0 || self.ngram > MAX_NGRAM {
            return Err(ConfigError::new(
                "ngram",
                format!("must be between 1 and {MAX_NGRAM}, got {}", self.ngram),
            ));
        }
        if self.max_df < 2 {
            return Err(ConfigError::new(
                "max_df",
                format!("must be at least 2, got {}", self.max_df),
            ));
        }
        for (param, v) in [
            ("min_shared", self.min_shared),
            ("min_seeds", self.min_seeds),
            ("gap", self.gap),
            ("min_words", self.min_words),
            ("max_repeats", self.max_repeats),
        ] {
            if v == 0 {
                return Err(ConfigError::new(param, "must be at least 1, got 0"));
            }
        }
        crate::error::in_unit_closed("align_df_share", self.align_df_share)?;
        crate::error::in_unit_closed("min_score", self.min_score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_bad_values_name_their_parameter() {
        Config::default().validate().unwrap();
        let bad = Config {
            max_df: 1,
            ..Config::default()
        };
        assert_eq!(bad.validate().unwrap_err().param, "max_df");
        let bad = Config {
            ngram: 0,
            ..Config::default()
        };
        assert_eq!(bad.validate().unwrap_err().param, "ngram");
        let bad = Config {
            min_score: 1.5,
            ..Config::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "min_score must be in [0, 1], got 1.5"
        );
    }
}
